import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ContainerImage, InstanceType, Pipeline, ProcessingStep, TrainingStep } from '../lib';
import { definitionOf, newStack, stepOf } from './util';

const DATA_DIR = path.join(__dirname, '..', 'data', 'image-uris');
const ECR_PULL = ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];

/** The account of `framework` in `region` for a version config path, read from the packaged data. */
function accountOf(file: string, configPath: string[], region: string): string {
  let node = JSON.parse(fs.readFileSync(path.join(DATA_DIR, `${file}.json`), 'utf-8'));
  for (const key of configPath) {
    node = node[key];
  }
  return node.registries[region];
}

function trainingImageUri(stack: Stack, image: ContainerImage): string {
  const pipeline = new Pipeline(stack, 'Pipeline');
  new TrainingStep(pipeline, 'Train', { image, outputPath: 's3://example-bucket/models' });
  return stepOf(definitionOf(stack), 'Train').Arguments.AlgorithmSpecification.TrainingImage;
}

function processingImageUri(stack: Stack, image: ContainerImage): string {
  const pipeline = new Pipeline(stack, 'Pipeline');
  new ProcessingStep(pipeline, 'Process', { image });
  return stepOf(definitionOf(stack), 'Process').Arguments.AppSpecification.ImageUri;
}

/** Every statement of the IAM policies attached to `role`, with actions as arrays. */
function statementsOf(stack: Stack, role: iam.IRole): Array<{ Action: string[]; Resource: unknown }> {
  const roleId = stack.getLogicalId(role.node.defaultChild as iam.CfnRole);
  const template = Template.fromStack(stack).toJSON();
  return Object.values(template.Resources as Record<string, any>)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(`"${roleId}"`))
    .flatMap((r) => r.Properties.PolicyDocument.Statement)
    .map((s) => ({ ...s, Action: [s.Action].flat() }));
}

/** Whether `role` may pull from a resource whose JSON contains `resource` (an ARN fragment or a resolved token). */
function hasEcrPullOn(stack: Stack, role: iam.IRole, resource: string): boolean {
  return statementsOf(stack, role).some((s) => ECR_PULL.every((a) => s.Action.includes(a)) && JSON.stringify(s.Resource).includes(resource));
}

function hasGetAuthorizationToken(stack: Stack, role: iam.IRole): boolean {
  return statementsOf(stack, role).some((s) => s.Action.includes('ecr:GetAuthorizationToken') && s.Resource === '*');
}

function hasAnyEcrGrant(stack: Stack, role: iam.IRole): boolean {
  return statementsOf(stack, role).some((s) => s.Action.some((a) => a.startsWith('ecr:')));
}

describe('ContainerImage.fromRegistry', () => {
  test('a literal ECR URI is passed through and the job role may pull from that repository', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const uri = '111122223333.dkr.ecr.eu-west-1.amazonaws.com/my-image:1.0';

    // WHEN
    const step = new TrainingStep(pipeline, 'Train', { image: ContainerImage.fromRegistry(uri), outputPath: 's3://example-bucket/models' });

    // THEN
    expect(stepOf(definitionOf(stack), 'Train').Arguments.AlgorithmSpecification.TrainingImage).toBe(uri);
    expect(hasEcrPullOn(stack, step.role, ':ecr:eu-west-1:111122223333:repository/my-image"')).toBe(true);
    expect(hasGetAuthorizationToken(stack, step.role)).toBe(true);
  });

  test('a non-ECR URI gets no grant', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');

    // WHEN
    const step = new TrainingStep(pipeline, 'Train', { image: ContainerImage.fromRegistry('docker.io/library/python:3.12'), outputPath: 's3://example-bucket/models' });

    // THEN
    expect(stepOf(definitionOf(stack), 'Train').Arguments.AlgorithmSpecification.TrainingImage).toBe('docker.io/library/python:3.12');
    expect(hasAnyEcrGrant(stack, step.role)).toBe(false);
  });
});

describe('ContainerImage.fromEcrRepository', () => {
  test('the URI uses the repository tokens and the job role may pull from it', () => {
    // GIVEN
    const { stack } = newStack();
    const repository = new ecr.Repository(stack, 'Repo');
    const repoId = stack.getLogicalId(repository.node.defaultChild as ecr.CfnRepository);
    const pipeline = new Pipeline(stack, 'Pipeline');

    // WHEN
    const step = new ProcessingStep(pipeline, 'Process', { image: ContainerImage.fromEcrRepository(repository, 'v2') });

    // THEN
    const uri: string = stepOf(definitionOf(stack), 'Process').Arguments.AppSpecification.ImageUri;
    expect(uri).toContain(repoId);
    expect(uri).toMatch(/^\$\{CFN:.*\}:v2$/);
    expect(hasEcrPullOn(stack, step.role, JSON.stringify({ 'Fn::GetAtt': [repoId, 'Arn'] }))).toBe(true);
    expect(hasGetAuthorizationToken(stack, step.role)).toBe(true);
  });

  test('the tag defaults to latest, and a digest gives @sha256', () => {
    // GIVEN
    const { stack } = newStack();
    const repository = new ecr.Repository(stack, 'Repo');
    const pipeline = new Pipeline(stack, 'Pipeline');
    const digest = `sha256:${'a'.repeat(64)}`;

    // WHEN
    new ProcessingStep(pipeline, 'Latest', { image: ContainerImage.fromEcrRepository(repository) });
    new ProcessingStep(pipeline, 'Pinned', { image: ContainerImage.fromEcrRepository(repository, digest) });

    // THEN
    const definition = definitionOf(stack);
    expect(stepOf(definition, 'Latest').Arguments.AppSpecification.ImageUri).toMatch(/:latest$/);
    expect(stepOf(definition, 'Pinned').Arguments.AppSpecification.ImageUri).toMatch(new RegExp(`@${digest}$`));
  });
});

describe('ContainerImage.fromAsset', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'container-image-'));
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM public.ecr.aws/docker/library/python:3.12-slim\nCOPY train.py /opt/ml/code/\n');
    fs.writeFileSync(path.join(dir, 'train.py'), 'print("training")\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('stages a Docker image asset without Docker; URI with the asset hash; job role may pull', () => {
    // GIVEN: a docker binary that cannot run, so any build at synth would fail
    const saved = process.env.CDK_DOCKER;
    process.env.CDK_DOCKER = path.join(dir, 'no-such-docker');
    try {
      const { app, stack } = newStack();
      const pipeline = new Pipeline(stack, 'Pipeline');
      const image = ContainerImage.fromAsset(dir);

      // WHEN
      const train = new TrainingStep(pipeline, 'Train', { image, outputPath: 's3://example-bucket/models' });
      new ProcessingStep(pipeline, 'Process', { image });

      // THEN: one asset per image per stack, in the assembly's asset manifest, its build context staged
      const definition = definitionOf(stack);
      const assembly = app.synth();
      const manifest = JSON.parse(fs.readFileSync(path.join(assembly.directory, `${stack.artifactId}.assets.json`), 'utf-8'));
      const hashes = Object.keys(manifest.dockerImages ?? {});
      expect(hashes).toHaveLength(1);
      expect(manifest.dockerImages[hashes[0]].source).toEqual({ directory: `asset.${hashes[0]}` });
      expect(fs.existsSync(path.join(assembly.directory, `asset.${hashes[0]}`, 'Dockerfile'))).toBe(true);
      expect(Object.keys(Template.fromStack(stack).toJSON().Parameters ?? {}).filter((p) => p.includes('Asset'))).toEqual([]);

      const uri: string = stepOf(definition, 'Train').Arguments.AlgorithmSpecification.TrainingImage;
      expect(uri).toBe(`\${Sub:123456789012.dkr.ecr.us-east-1.\${AWS::URLSuffix}/cdk-hnb659fds-container-assets-123456789012-us-east-1:${hashes[0]}}`);
      expect(stepOf(definition, 'Process').Arguments.AppSpecification.ImageUri).toBe(uri);
      expect(hasEcrPullOn(stack, train.role, ':ecr:us-east-1:123456789012:repository/cdk-hnb659fds-container-assets-123456789012-us-east-1"')).toBe(true);
      expect(hasGetAuthorizationToken(stack, train.role)).toBe(true);
    } finally {
      if (saved === undefined) {
        delete process.env.CDK_DOCKER;
      } else {
        process.env.CDK_DOCKER = saved;
      }
    }
  });

  test('a missing directory is an error', () => {
    expect(() => ContainerImage.fromAsset(path.join(dir, 'missing'))).toThrow(/is not a directory/);
  });
});

describe('ContainerImage SageMaker images', () => {
  test.each(['us-east-1', 'eu-west-1'])('xgboost 1.7-1 in %s is the literal URI with the account of the data', (region) => {
    // GIVEN
    const { stack } = newStack({ env: { account: '123456789012', region } });
    const account = accountOf('xgboost', ['training', 'versions', '1.7-1'], region);

    // WHEN
    const uri = trainingImageUri(stack, ContainerImage.xgboost('1.7-1'));

    // THEN
    expect(uri).toBe(`${account}.dkr.ecr.${region}.amazonaws.com/sagemaker-xgboost:1.7-1`);
    expect(Template.fromStack(stack).toJSON().Mappings).toBeUndefined();
  });

  test('the worked examples of the data', () => {
    expect(trainingImageUri(newStack().stack, ContainerImage.xgboost('1.7-1'))).toBe('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1');
    expect(trainingImageUri(newStack({ env: { region: 'eu-west-1' } }).stack, ContainerImage.xgboost('1.7-1')))
      .toBe('141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1');
  });

  test('a region-agnostic stack looks the registry up in one mapping keyed by region', () => {
    // GIVEN
    const { stack } = newStack({});
    const pipeline = new Pipeline(stack, 'Pipeline');
    const image = ContainerImage.xgboost('1.7-1');

    // WHEN
    new TrainingStep(pipeline, 'Train', { image, outputPath: 's3://example-bucket/models' });
    new TrainingStep(pipeline, 'Again', { image: ContainerImage.xgboost('1.7-1'), outputPath: 's3://example-bucket/models' });

    // THEN
    const mappings = Template.fromStack(stack).toJSON().Mappings as Record<string, Record<string, { account: string; domain: string }>>;
    expect(Object.keys(mappings)).toHaveLength(1);
    const [mappingId, mapping] = Object.entries(mappings)[0];
    expect(mappingId).toMatch(/^SageMakerImageSagemakerXgboost171[0-9a-f]{8}$/);
    for (const region of ['us-east-1', 'eu-west-1']) {
      expect(mapping[region]).toEqual({ account: accountOf('xgboost', ['training', 'versions', '1.7-1'], region), domain: 'amazonaws.com' });
    }
    expect(mapping['cn-north-1']).toEqual({ account: '450853457545', domain: 'amazonaws.com.cn' });

    const definition = definitionOf(stack);
    const uri = stepOf(definition, 'Train').Arguments.AlgorithmSpecification.TrainingImage;
    const findInMap = (key: string) => `\${CFN:{'Fn::FindInMap':['${mappingId}',{'Ref':'AWS::Region'},'${key}']}}`;
    expect(uri).toBe(`${findInMap('account')}.dkr.ecr.\${Ref:AWS::Region}.${findInMap('domain')}/sagemaker-xgboost:1.7-1`);
    expect(stepOf(definition, 'Again').Arguments.AlgorithmSpecification.TrainingImage).toBe(uri);
  });

  test('a China region uses the amazonaws.com.cn domain', () => {
    expect(trainingImageUri(newStack({ env: { region: 'cn-north-1' } }).stack, ContainerImage.xgboost('1.7-1')))
      .toBe('450853457545.dkr.ecr.cn-north-1.amazonaws.com.cn/sagemaker-xgboost:1.7-1');
  });

  test('version aliases keep the alias as the tag (legacy xgboost algorithm)', () => {
    expect(trainingImageUri(newStack().stack, ContainerImage.xgboost('latest'))).toBe('811284229777.dkr.ecr.us-east-1.amazonaws.com/xgboost:latest');
  });

  test('SageMaker images get no ECR grant', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');

    // WHEN
    const step = new TrainingStep(pipeline, 'Train', { image: ContainerImage.xgboost('1.7-1'), outputPath: 's3://example-bucket/models' });

    // THEN
    expect(hasAnyEcrGrant(stack, step.role)).toBe(false);
  });

  test('sklearn (as SKLearnProcessor uses it)', () => {
    const { stack } = newStack();
    expect(processingImageUri(stack, ContainerImage.sklearn('1.2-1')))
      .toBe(`${accountOf('sklearn', ['training', 'versions', '1.2-1'], 'us-east-1')}.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3`);
  });

  test('pytorch training on GPU, from the instance type and with a Python version', () => {
    const account = accountOf('pytorch', ['training', 'versions', '2.6.0'], 'us-east-1');
    expect(trainingImageUri(newStack().stack, ContainerImage.pytorch('2.6', { instanceType: InstanceType.G5_XLARGE })))
      .toBe(`${account}.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.6-gpu-py312`);
    expect(trainingImageUri(newStack().stack, ContainerImage.pytorch('2.6.0', { processor: 'gpu', pythonVersion: 'py312' })))
      .toBe(`${account}.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.6.0-gpu-py312`);
  });

  test('pytorch inference on Graviton switches to the graviton repository', () => {
    const account = accountOf('pytorch', ['inference_graviton', 'versions', '2.4.0'], 'us-east-1');
    expect(processingImageUri(newStack().stack, ContainerImage.pytorch('2.4.0', { scope: 'inference', instanceType: InstanceType.of('ml.c7g.xlarge') })))
      .toBe(`${account}.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference-graviton:2.4.0-cpu-py311-ubuntu22.04-sagemaker`);
  });

  test('tensorflow training on CPU', () => {
    const account = accountOf('tensorflow', ['training', 'versions', '2.16.2'], 'us-east-1');
    expect(trainingImageUri(newStack().stack, ContainerImage.tensorflow('2.16', { processor: 'cpu' })))
      .toBe(`${account}.dkr.ecr.us-east-1.amazonaws.com/tensorflow-training:2.16-cpu-py310`);
  });

  test('huggingface training, with base framework and container version', () => {
    const account = accountOf('huggingface', ['training', 'versions', '4.56.2', 'pytorch2.8.0'], 'us-east-1');
    expect(trainingImageUri(newStack().stack, ContainerImage.huggingface('4.56.2', { baseFrameworkVersion: 'pytorch2.8.0' })))
      .toBe(`${account}.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:2.8.0-transformers4.56.2-gpu-py312-cu129-ubuntu22.04`);
  });

  test('spark processing, default and with Python and container version', () => {
    const account = accountOf('spark', ['processing', 'versions', '3.3'], 'us-east-1');
    expect(processingImageUri(newStack().stack, ContainerImage.spark('3.3')))
      .toBe(`${account}.dkr.ecr.us-east-1.amazonaws.com/sagemaker-spark-processing:3.3-cpu`);
    expect(processingImageUri(newStack().stack, ContainerImage.spark('3.3', { pythonVersion: 'py39', containerVersion: '1' })))
      .toBe(`${account}.dkr.ecr.us-east-1.amazonaws.com/sagemaker-spark-processing:3.3-cpu-py39-v1`);
    expect(() => processingImageUri(newStack().stack, ContainerImage.spark('3.3', { pythonVersion: 'py39' })))
      .toThrow(/Stack\/Pipeline\/\w+: .*give both pythonVersion and containerVersion, or neither/);
  });

  test('model monitor has no tag, clarify has 1.0', () => {
    expect(processingImageUri(newStack().stack, ContainerImage.modelMonitor()))
      .toBe(`${accountOf('model-monitor', ['versions', ''], 'us-east-1')}.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer`);
    expect(processingImageUri(newStack({ env: { region: 'eu-west-1' } }).stack, ContainerImage.clarify()))
      .toBe('131013547314.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-clarify-processing:1.0');
  });

  test('built-in algorithms have tag 1', () => {
    expect(trainingImageUri(newStack().stack, ContainerImage.builtInAlgorithm('linear-learner')))
      .toBe('382416733822.dkr.ecr.us-east-1.amazonaws.com/linear-learner:1');
    expect(trainingImageUri(newStack({ env: { region: 'eu-west-1' } }).stack, ContainerImage.fromSageMakerImage({ framework: 'linear-learner' })))
      .toBe('438346466558.dkr.ecr.eu-west-1.amazonaws.com/linear-learner:1');
  });

  test.each([
    'blazingtext', 'factorization-machines', 'forecasting-deepar', 'image-classification', 'ipinsights', 'kmeans', 'knn', 'lda',
    'linear-learner', 'ntm', 'object-detection', 'object2vec', 'pca', 'randomcutforest', 'semantic-segmentation', 'seq2seq',
  ] as const)('built-in algorithm %s resolves in us-east-1', (algorithm) => {
    const uri = trainingImageUri(newStack().stack, ContainerImage.builtInAlgorithm(algorithm));
    expect(uri).toMatch(new RegExp(`^${accountOf(algorithm, ['versions', '1'], 'us-east-1')}\\.dkr\\.ecr\\.us-east-1\\.amazonaws\\.com/[a-z0-9-]+:1$`));
  });

  describe('errors list what is available', () => {
    /** Binds the image in a training step, where SageMaker images are resolved. */
    const useImage = (image: () => ContainerImage): void => {
      const { stack } = newStack();
      const pipeline = new Pipeline(stack, 'Pipeline');
      new TrainingStep(pipeline, 'Train', { image: image(), outputPath: 's3://example-bucket/models' });
    };

    test('errors name the step that uses the image', () => {
      expect(() => useImage(() => ContainerImage.xgboost('9.9'))).toThrow(/^Stack\/Pipeline\/Train: SageMaker image xgboost \(training\) has no version '9\.9'/);
    });

    test('unknown framework', () => {
      expect(() => useImage(() => ContainerImage.fromSageMakerImage({ framework: 'xgbost', version: '1.7-1' })))
        .toThrow(/Unknown SageMaker image framework 'xgbost'; available: .*sklearn.*xgboost/);
    });

    test('unknown version', () => {
      expect(() => useImage(() => ContainerImage.xgboost('9.9'))).toThrow("SageMaker image xgboost (training) has no version '9.9'; available: 1, 0.90-1, 0.90-2, 1.0-1,");
    });

    test('unknown scope', () => {
      expect(() => useImage(() => ContainerImage.fromSageMakerImage({ framework: 'clarify', scope: 'training' })))
        .toThrow("SageMaker image framework 'clarify' has no scope 'training'; available: processing.");
    });

    test('unknown Python version', () => {
      expect(() => useImage(() => ContainerImage.pytorch('2.6', { processor: 'gpu', pythonVersion: 'py27' })))
        .toThrow("SageMaker image pytorch 2.6 (training) has no Python version 'py27'; available: py312.");
    });

    test('unknown or missing processor', () => {
      expect(() => useImage(() => ContainerImage.fromSageMakerImage({ framework: 'sklearn', version: '1.2-1', instanceType: InstanceType.G5_XLARGE })))
        .toThrow("SageMaker image sklearn 1.2-1 (training) has no processor 'gpu' (from instance type 'ml.g5.xlarge'); available: cpu.");
      expect(() => useImage(() => ContainerImage.pytorch('2.6')))
        .toThrow('SageMaker image pytorch 2.6 (training) needs a processor or an instanceType; available processors: cpu, gpu.');
    });

    test('missing version', () => {
      expect(() => useImage(() => ContainerImage.fromSageMakerImage({ framework: 'xgboost' }))).toThrow(/xgboost \(training\) needs a version; available: 1, 0\.90-1/);
    });

    test('unknown region', () => {
      // GIVEN
      const { stack } = newStack({ env: { region: 'xx-north-9' } });
      const pipeline = new Pipeline(stack, 'Pipeline');

      // THEN
      expect(() => new TrainingStep(pipeline, 'Train', { image: ContainerImage.xgboost('1.7-1'), outputPath: 's3://example-bucket/models' }))
        .toThrow(/SageMaker image xgboost 1\.7-1 \(training\) is not offered in region 'xx-north-9'; available: af-south-1, .*eu-west-1, .*us-east-1/);
    });
  });
});
