import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Annotations, App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { bodyText, definitionOf, newStack, placeholder, synthErrors } from './util';
import {
  assertValidDefinition, ContainerImage, DefinitionPlacement, InstanceType, Pipeline, PipelineProps, ProcessingStep,
  TrainingInput, TrainingStep,
} from '../lib';
import { definitionDocument } from '../lib/private/definition-location';

const ENV = { account: '123456789012', region: 'us-east-1' };

interface BenchmarkOptions {
  /** Number of steps (Processing and Training alternate). */
  readonly steps: number;
  /** Text added to one step's environment, to change the definition. */
  readonly variant?: string;
  /** Extra environment entries per step, to grow the definition. */
  readonly padding?: number;
  readonly pipelineProps?: PipelineProps;
}

/**
 * The benchmark's shape: Processing and Training steps alternating, each reading the previous one's
 * output, their job roles and the data bucket as CloudFormation tokens.
 */
function benchmarkStack(app: App, id: string, options: BenchmarkOptions): { stack: Stack; pipeline: Pipeline } {
  const stack = new Stack(app, id, { env: ENV });
  const bucket = new s3.Bucket(stack, 'Data');
  const processingRole = new iam.Role(stack, 'ProcessingRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  const trainingRole = new iam.Role(stack, 'TrainingRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'benchmark', ...options.pipelineProps });
  const processingImage = ContainerImage.fromRegistry('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3');
  const trainingImage = ContainerImage.fromRegistry('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1');
  const environment = (i: number): Record<string, string> => {
    const env: Record<string, string> = { STAGE: `stage-${i}`, LOG_LEVEL: 'INFO' };
    for (let k = 0; k < (options.padding ?? 0); k++) {
      env[`FEATURE_${k}`] = `feature-set-${k}-of-step-${i}`;
    }
    if (options.variant !== undefined && i === Math.floor(options.steps / 2)) {
      env.VARIANT = options.variant;
    }
    return env;
  };

  let previous = `s3://${bucket.bucketName}/raw/data.csv`;
  for (let i = 0; i < options.steps; i++) {
    if (i % 2 === 0) {
      const step = new ProcessingStep(pipeline, `Prep${i}`, {
        image: processingImage,
        role: processingRole,
        instanceType: InstanceType.M5_XLARGE,
        containerEntrypoint: ['python3', '/opt/ml/processing/input/code/preprocess.py'],
        containerArguments: ['--train-ratio', '0.8', '--seed', String(i)],
        environment: environment(i),
        inputs: [{ inputName: 'raw', s3Uri: previous, localPath: '/opt/ml/processing/input' }],
        outputs: [{ outputName: 'train', localPath: '/opt/ml/processing/train', s3Uri: `s3://${bucket.bucketName}/steps/${i}/train` }],
      });
      previous = step.properties.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri;
    } else {
      const step = new TrainingStep(pipeline, `Train${i}`, {
        image: trainingImage,
        role: trainingRole,
        outputPath: `s3://${bucket.bucketName}/models/${i}`,
        inputs: [TrainingInput.s3('train', previous, { contentType: 'text/csv' })],
        hyperparameters: { objective: 'reg:squarederror', num_round: 50, max_depth: 5, eta: 0.2 },
        environment: environment(i),
      });
      previous = step.properties.ModelArtifacts.S3ModelArtifacts;
    }
  }
  return { stack, pipeline };
}

/** The steps count and padding that make the benchmark pass 1 MB inline, under the service limit (the roles' S3 grants widen at this size, so the padding carries the template past 1 MB). */
const LARGE: BenchmarkOptions = { steps: 700, padding: 8 };

function pipelineResource(template: Record<string, any>): Record<string, any> {
  const found = Object.values(template.Resources as Record<string, any>).filter((r) => r.Type === 'AWS::SageMaker::Pipeline');
  expect(found).toHaveLength(1);
  return found[0];
}

function deploymentResource(template: Record<string, any>): Record<string, any> {
  const found = Object.values(template.Resources as Record<string, any>).filter((r) => r.Type === 'Custom::CDKBucketDeployment');
  expect(found).toHaveLength(1);
  return found[0];
}

/**
 * The definition object the deployment writes to S3: the staged asset's file, with each marker
 * replaced by a readable placeholder of its CloudFormation value. Checked by the definition validator.
 */
interface S3Definition {
  /** The definition, CloudFormation values as readable placeholders. */
  readonly definition: Record<string, any>;
  /** The object's text before deploy time, with markers. */
  readonly text: string;
  /** Marker -> CloudFormation value, as the template gives them to the deployment. */
  readonly markers: Record<string, unknown>;
  readonly key: string;
  readonly template: Record<string, any>;
}

function s3DefinitionOf(app: App, stack: Stack): S3Definition {
  const assembly = app.synth();
  const artifact = assembly.getStackByName(stack.stackName);
  const template = artifact.template;
  const location = pipelineResource(template).Properties.PipelineDefinition.PipelineDefinitionS3Location;
  const key = location.Key as string;
  const deployment = deploymentResource(template).Properties;
  const zip = deployment.SourceObjectKeys[0] as string;
  const assetDir = path.join(assembly.directory, `asset.${zip.replace(/\.zip$/, '')}`);
  const fileName = key.slice(deployment.DestinationBucketKeyPrefix.length);
  const text = fs.readFileSync(path.join(assetDir, fileName), 'utf-8');
  const markers = (deployment.SourceMarkers?.[0] ?? {}) as Record<string, unknown>;
  let readable = text;
  for (const [marker, value] of Object.entries(markers)) {
    readable = readable.split(marker).join(placeholder(value));
  }
  const definition = JSON.parse(readable);
  assertValidDefinition(definition);
  return { definition, text, markers, key, template };
}

describe('definition placement', () => {
  test('a small pipeline stays inline', () => {
    // GIVEN
    const app = new App();
    const { stack } = benchmarkStack(app, 'Small', { steps: 4 });

    // WHEN
    const template = Template.fromStack(stack).toJSON();

    // THEN
    const definition = pipelineResource(template).Properties.PipelineDefinition;
    expect(Object.keys(definition)).toEqual(['PipelineDefinitionBody']);
    expect(definitionOf(stack).Steps.map((s: any) => s.Name)).toEqual(['Prep0', 'Train1', 'Prep2', 'Train3']);
    expect(Object.values(template.Resources).filter((r: any) => r.Type === 'Custom::CDKBucketDeployment')).toHaveLength(0);
  });

  test('the inline size estimate matches the template', () => {
    // GIVEN
    const app = new App();
    const { stack } = benchmarkStack(app, 'Estimate', { steps: 20, padding: 2 });
    const pipeline = stack.node.findChild('Pipeline') as Pipeline;

    // WHEN
    const estimate = definitionDocument(stack, pipeline.renderDefinition()).inlineSize;
    const actual = JSON.stringify(pipelineResource(Template.fromStack(stack).toJSON()).Properties.PipelineDefinition.PipelineDefinitionBody).length;

    // THEN
    expect(Math.abs(estimate - actual) / actual).toBeLessThan(0.02);
  });

  test('forcing S3 moves a small pipeline to a content-hashed key of the artifact bucket', () => {
    // GIVEN
    const app = new App();
    const { stack, pipeline } = benchmarkStack(app, 'Forced', { steps: 4, pipelineProps: { definitionPlacement: DefinitionPlacement.s3() } });

    // WHEN
    const { definition, key, template, markers } = s3DefinitionOf(app, stack);

    // THEN
    const resource = pipelineResource(template);
    expect(Object.keys(resource.Properties.PipelineDefinition)).toEqual(['PipelineDefinitionS3Location']);
    const bucketId = stack.getLogicalId(pipeline.artifactBucket.node.defaultChild as s3.CfnBucket);
    expect(resource.Properties.PipelineDefinition.PipelineDefinitionS3Location).toEqual({ Bucket: { Ref: bucketId }, Key: key });
    expect(key).toMatch(/^cdk_sagemaker_pipelines\/benchmark\/definition-[0-9a-f]{32}\.json$/);
    // The pipeline waits for the object.
    const deploymentId = Object.entries(template.Resources as Record<string, any>).find(([, r]) => r.Type === 'Custom::CDKBucketDeployment')![0];
    expect(resource.DependsOn).toContain(deploymentId);
    const deployment = deploymentResource(template).Properties;
    expect(deployment).toMatchObject({ DestinationBucketName: { Ref: bucketId }, Prune: false, SourceMarkersConfig: [{ jsonEscape: true }] });
    expect(deployment.Extract).toBe(true); // markers are replaced only in extracted files
    // CloudFormation values are markers, one per distinct value, resolved in the template.
    expect(Object.values(markers)).toEqual(expect.arrayContaining([
      { 'Fn::GetAtt': [expect.stringMatching(/^ProcessingRole/), 'Arn'] },
      { 'Fn::GetAtt': [expect.stringMatching(/^TrainingRole/), 'Arn'] },
      { Ref: expect.stringMatching(/^Data/) },
    ]));
    expect(new Set(Object.values(markers).map((v) => JSON.stringify(v))).size).toBe(Object.keys(markers).length);
    expect(definition.Steps[0].Arguments.RoleArn).toMatch(/^\$\{GetAtt:ProcessingRole[0-9A-F]+\.Arn\}$/);
    expect(definition.Steps[1].Arguments.RoleArn).toMatch(/^\$\{GetAtt:TrainingRole[0-9A-F]+\.Arn\}$/);
    expect(definition.Steps[1].Arguments.OutputDataConfig.S3OutputPath).toMatch(/^s3:\/\/\$\{Ref:Data[0-9A-F]+\}\/models\/1$/);
  });

  test('the S3 object holds the same definition the inline body would', () => {
    // GIVEN
    const inlineApp = new App();
    const inline = benchmarkStack(inlineApp, 'Same', { steps: 6 });
    const s3App = new App();
    const moved = benchmarkStack(s3App, 'Same', { steps: 6, pipelineProps: { definitionPlacement: DefinitionPlacement.s3() } });

    // WHEN
    const expected = definitionOf(inline.stack);
    const { definition } = s3DefinitionOf(s3App, moved.stack);

    // THEN
    expect(definition).toEqual(expected);
  });

  test('the S3 key changes when one step changes, and stays when nothing does', () => {
    // GIVEN
    const key = (variant?: string): string => {
      const app = new App();
      const { stack } = benchmarkStack(app, 'Keys', { steps: 6, variant, pipelineProps: { definitionPlacement: DefinitionPlacement.s3() } });
      return pipelineResource(Template.fromStack(stack).toJSON()).Properties.PipelineDefinition.PipelineDefinitionS3Location.Key;
    };

    // WHEN
    const first = key();
    const again = key();
    const changed = key('v2');

    // THEN
    expect(again).toBe(first);
    expect(changed).not.toBe(first);
  });

  test('the key changes when only a CloudFormation value in the definition changes', () => {
    // GIVEN: the same definition text, with a different role (another logical id) in one step
    const key = (roleId: string): string => {
      const { stack } = newStack();
      const role = new iam.Role(stack, roleId, { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
      const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'roles', definitionPlacement: DefinitionPlacement.s3() });
      new ProcessingStep(pipeline, 'Prep', { image: ContainerImage.fromRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com/prep:1'), role });
      return pipelineResource(Template.fromStack(stack).toJSON()).Properties.PipelineDefinition.PipelineDefinitionS3Location.Key;
    };

    // THEN
    expect(key('RoleA')).not.toBe(key('RoleB'));
  });

  test('DefinitionPlacement.s3 takes another bucket', () => {
    // GIVEN
    const { app, stack } = newStack();
    const bucket = new s3.Bucket(stack, 'Definitions');
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'other-bucket', definitionPlacement: DefinitionPlacement.s3(bucket) });
    new ProcessingStep(pipeline, 'Prep', { image: ContainerImage.fromRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com/prep:1') });

    // WHEN
    const { template, key } = s3DefinitionOf(app, stack);

    // THEN
    const bucketId = stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
    expect(pipelineResource(template).Properties.PipelineDefinition.PipelineDefinitionS3Location).toEqual({ Bucket: { Ref: bucketId }, Key: key });
    expect(deploymentResource(template).Properties.DestinationBucketName).toEqual({ Ref: bucketId });
    // No artifact bucket is created for the definition alone.
    expect(Object.values(template.Resources).filter((r: any) => r.Type === 'AWS::S3::Bucket')).toHaveLength(1);
  });

  test('auto moves a definition above maxInlineSize to S3', () => {
    // GIVEN
    const app = new App();
    const { stack } = benchmarkStack(app, 'Threshold', { steps: 4, pipelineProps: { definitionPlacement: DefinitionPlacement.auto({ maxInlineSize: 1000 }) } });

    // WHEN
    const template = Template.fromStack(stack).toJSON();

    // THEN
    expect(Object.keys(pipelineResource(template).Properties.PipelineDefinition)).toEqual(['PipelineDefinitionS3Location']);
  });

  test('auto keeps the inline definitions of one stack within a shared budget', () => {
    // GIVEN: four pipelines of about 190 KB each, each under the per-pipeline threshold
    const { stack } = newStack();
    for (let p = 0; p < 4; p++) {
      const pipeline = new Pipeline(stack, `Pipeline${p}`, { pipelineName: `budget-${p}` });
      for (let i = 0; i < 7; i++) {
        new ProcessingStep(pipeline, `Prep${i}`, {
          image: ContainerImage.fromRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com/prep:1'),
          environment: Object.fromEntries(Array.from({ length: 100 }, (_, k) => [`VAR_${k}`, 'x'.repeat(250)])),
        });
      }
    }

    // WHEN
    const template = Template.fromStack(stack).toJSON();

    // THEN: the first three fit in 600,000 bytes, the fourth moves to S3
    const placements = Object.values(template.Resources as Record<string, any>)
      .filter((r) => r.Type === 'AWS::SageMaker::Pipeline')
      .map((r) => Object.keys(r.Properties.PipelineDefinition)[0]);
    expect(placements).toEqual(['PipelineDefinitionBody', 'PipelineDefinitionBody', 'PipelineDefinitionBody', 'PipelineDefinitionS3Location']);
    expect(JSON.stringify(template).length).toBeLessThan(1_000_000);
  });

  test('inline() keeps a large definition inline with a warning', () => {
    // GIVEN
    const app = new App();
    const { stack } = benchmarkStack(app, 'ForcedInline', { steps: 4, pipelineProps: { definitionPlacement: DefinitionPlacement.inline() } });
    const pipeline = stack.node.findChild('Pipeline') as Pipeline;
    for (let i = 0; i < 8; i++) {
      new ProcessingStep(pipeline, `Big${i}`, {
        image: ContainerImage.fromRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com/prep:1'),
        environment: Object.fromEntries(Array.from({ length: 100 }, (_, k) => [`VAR_${k}`, 'x'.repeat(250)])),
      });
    }

    Annotations.of(pipeline).acknowledgeWarning('cdk-sagemaker-pipelines:disconnectedStep', 'filler steps of a size test');

    // WHEN
    const artifact = app.synth().getStackByName(stack.stackName);

    // THEN
    expect(Object.keys(pipelineResource(artifact.template).Properties.PipelineDefinition)).toEqual(['PipelineDefinitionBody']);
    const warnings = artifact.messages.filter((m) => m.level === 'warning').map((m) => String(m.entry.data));
    expect(warnings).toEqual([expect.stringMatching(/definition of pipeline benchmark takes about [\d,]+ bytes inline .*DefinitionPlacement.s3\(\)/)]);
  });

  test('DefinitionPlacement.auto rejects a negative maxInlineSize', () => {
    expect(() => DefinitionPlacement.auto({ maxInlineSize: -1 })).toThrow(/maxInlineSize must be a non-negative integer of bytes; received -1/);
  });

  test('a definition above 1,048,576 characters is a synth error naming the pipeline and the size, whatever the placement', () => {
    // GIVEN: 45 steps of 100 environment values of 250 characters
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'TooLarge', { pipelineName: 'too-large' });
    for (let i = 0; i < 45; i++) {
      new ProcessingStep(pipeline, `Prep${i}`, {
        image: ContainerImage.fromRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com/prep:1'),
        environment: Object.fromEntries(Array.from({ length: 100 }, (_, k) => [`VAR_${k}`, 'y'.repeat(250)])),
      });
    }

    // WHEN
    const errors = synthErrors(stack);

    // THEN
    expect(errors).toEqual([expect.stringMatching(/^\[Stack\/TooLarge\] definition is invalid at : The definition is 1\d{6} characters long; the service accepts at most 1048576\. Split the pipeline/)]);
  });
});

describe('a pipeline past 1 MB inline', () => {
  let app: App;
  let stack: Stack;
  let result: ReturnType<typeof s3DefinitionOf>;

  beforeAll(() => {
    app = new App();
    stack = benchmarkStack(app, 'Large', LARGE).stack;
    result = s3DefinitionOf(app, stack);
  });

  test('would pass 1 MB inline, while its definition stays under the service limit', () => {
    // GIVEN
    const inlineApp = new App();
    const inline = benchmarkStack(inlineApp, 'Large', { ...LARGE, pipelineProps: { definitionPlacement: DefinitionPlacement.inline() } });

    // WHEN
    const template = inlineApp.synth().getStackByName(inline.stack.stackName).template;
    const body = pipelineResource(template).Properties.PipelineDefinition.PipelineDefinitionBody;

    // THEN
    expect(JSON.stringify(template).length).toBeGreaterThan(1_000_000);
    expect(result.definition.Steps).toHaveLength(700);
    expect(bodyText(body).length).toBeLessThan(1_048_576);
    expect(JSON.stringify(result.definition).length).toBeLessThan(1_048_576);
  });

  test('synthesizes into a template within CloudFormation limits, the definition in S3 under a content-hashed key', () => {
    // THEN
    expect(JSON.stringify(result.template).length).toBeLessThan(1_000_000);
    expect(Object.keys(result.template.Resources).length).toBeLessThan(500);
    const location = pipelineResource(result.template).Properties.PipelineDefinition.PipelineDefinitionS3Location;
    expect(location.Key).toMatch(/^cdk_sagemaker_pipelines\/benchmark\/definition-[0-9a-f]{32}\.json$/);
  });

  test('its CloudFormation values are markers that the deployment resolves at deploy time', () => {
    // THEN: the file has no CDK tokens, only markers, and each marker is a CloudFormation value in the template
    expect(result.text).not.toMatch(/\$\{Token\[/);
    expect(result.text).not.toMatch(/e\+289/);
    const used = new Set(result.text.match(/<<cdk-sagemaker-pipelines:\d+>>/g));
    expect([...used].sort()).toEqual(Object.keys(result.markers).sort());
    // Three distinct values (two role ARNs, the data bucket), whatever the number of steps.
    expect(Object.keys(result.markers)).toHaveLength(3);
    expect(result.definition.Steps[649].Arguments.RoleArn).toMatch(/^\$\{GetAtt:TrainingRole[0-9A-F]+\.Arn\}$/);
    expect(result.definition.Steps[649].Arguments.InputDataConfig[0].DataSource.S3DataSource.S3Uri)
      .toEqual({ Get: 'Steps.Prep648.ProcessingOutputConfig.Outputs[\'train\'].S3Output.S3Uri' });
  });
});

describe('determinism', () => {
  function synthTemplateBytes(placement: DefinitionPlacement | undefined, steps: number): string {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'large-definition-'));
    try {
      const app = new App({ outdir });
      const { stack } = benchmarkStack(app, 'Deterministic', { steps, pipelineProps: { definitionPlacement: placement } });
      const assembly = app.synth();
      return fs.readFileSync(path.join(assembly.directory, assembly.getStackByName(stack.stackName).templateFile), 'utf-8');
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }

  test.each([
    ['inline', undefined],
    ['S3', DefinitionPlacement.s3()],
  ])('two synths of the same app give byte-identical templates (%s)', (_name, placement) => {
    // WHEN
    const first = synthTemplateBytes(placement, 8);
    const second = synthTemplateBytes(placement, 8);

    // THEN
    expect(second).toEqual(first);
    for (const machinePath of [os.tmpdir(), os.homedir(), process.cwd()]) {
      expect(first).not.toContain(machinePath);
    }
  });
});
