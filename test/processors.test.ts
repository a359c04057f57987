import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FileSystem, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import {
  ContainerImage, ExecutionVariable, ParameterString, Pipeline, ProcessingInput, ProcessingOutput, ProcessingStep,
  Processor,
} from '../lib';
import { definitionOf, newStack, stepOf } from './util';

// Expected values follow the SageMaker Python SDK (src/sagemaker/processing.py ScriptProcessor,
// src/sagemaker/sklearn/processing.py SKLearnProcessor, src/sagemaker/spark/processing.py
// _SparkProcessorBase / PySparkProcessor / SparkJarProcessor): command `python3` or `smspark-submit`;
// options in the order py-files, jars, files, then --local-spark-event-logs-dir; the code path last;
// inputs: the user's, then py-files, jars, files, conf, then code; the event-log output last, Continuous.
const SKLEARN_IMAGE = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3';
const SPARK_IMAGE = '173754725891.dkr.ecr.us-east-1.amazonaws.com/sagemaker-spark-processing:3.5-cpu';
const ASSET_BUCKET = 's3://cdk-hnb659fds-assets-123456789012-us-east-1';

let fixtures: string;
let script: string;
let app: string;
let jar: string;
let utils: string;
let lookup: string;

beforeAll(() => {
  fixtures = fs.mkdtempSync(path.join(os.tmpdir(), 'processors-'));
  const write = (name: string, content: string) => {
    const file = path.join(fixtures, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    return file;
  };
  script = write('preprocessing.py', 'print("preprocess")\n');
  app = write('app.py', 'print("spark")\n');
  jar = write('app.jar', 'not really a jar\n');
  utils = write('deps/utils.py', 'def f(): pass\n');
  lookup = write('deps/lookup.txt', 'a=b\n');
});

afterAll(() => {
  fs.rmSync(fixtures, { recursive: true, force: true });
});

function newPipeline(stack: Stack): Pipeline {
  return new Pipeline(stack, 'Pipeline', { pipelineName: 'proc' });
}

/** The content hash of a folder holding `files` (name -> content), as the deployment of generated inputs names its prefix. */
function folderHash(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(fixtures, 'expected-'));
  for (const [name, content] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), content);
  }
  return FileSystem.fingerprint(dir);
}

function input(name: string, uri: unknown, localPath: string): Record<string, unknown> {
  return {
    InputName: name,
    AppManaged: false,
    S3Input: { S3Uri: uri, LocalPath: localPath, S3DataType: 'S3Prefix', S3InputMode: 'File', S3DataDistributionType: 'FullyReplicated', S3CompressionType: 'None' },
  };
}

describe('Processor.sklearn (SKLearnProcessor)', () => {
  test('runs python3 <code> in the Scikit-learn image with the code input last', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN
    ProcessingStep.sklearn(pipeline, 'Prep', {
      frameworkVersion: '1.2-1',
      code: script,
      containerArguments: ['--train-test-split-ratio', '0.2'],
      inputs: [ProcessingInput.fromS3Uri('input-1', 's3://example-bucket/raw', { localPath: '/opt/ml/processing/input' })],
      outputs: [{ outputName: 'train', localPath: '/opt/ml/processing/train', s3Uri: 's3://example-bucket/train' }],
    });

    // THEN
    const hash = FileSystem.fingerprint(script);
    const args = stepOf(definitionOf(stack), 'Prep').Arguments;
    expect(args.AppSpecification).toEqual({
      ImageUri: SKLEARN_IMAGE,
      ContainerEntrypoint: ['python3', `/opt/ml/processing/input/code/${hash}.py`],
      ContainerArguments: ['--train-test-split-ratio', '0.2'],
    });
    expect(args.ProcessingInputs).toEqual([
      input('input-1', 's3://example-bucket/raw', '/opt/ml/processing/input'),
      input('code', `${ASSET_BUCKET}/${hash}.py`, '/opt/ml/processing/input/code'),
    ]);
    expect(args.ProcessingResources).toEqual({ ClusterConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 } });
  });

  test('as a processor prop, with an image override and a custom command', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN
    new ProcessingStep(pipeline, 'Prep', {
      processor: Processor.sklearn({ frameworkVersion: '1.2-1', command: ['python3', '-u'] }),
      image: ContainerImage.fromRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com/custom:1'),
      code: 's3://example-bucket/code/preprocessing.py',
    });

    // THEN
    const args = stepOf(definitionOf(stack), 'Prep').Arguments;
    expect(args.AppSpecification).toEqual({
      ImageUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/custom:1',
      ContainerEntrypoint: ['python3', '-u', '/opt/ml/processing/input/code/preprocessing.py'],
    });
  });

  test('without code is refused', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN / THEN
    expect(() => new ProcessingStep(pipeline, 'Prep', { processor: Processor.sklearn({ frameworkVersion: '1.2-1' }) }))
      .toThrow(/Stack\/Pipeline\/Prep: this processor runs a script; set code to a local script file or an s3:\/\/ URI/);
  });

  test('an unknown version is refused listing the versions', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN / THEN
    expect(() => ProcessingStep.sklearn(pipeline, 'Prep', { frameworkVersion: '0.1', code: script })).toThrow(/^Stack\/Pipeline\/Prep: .*0\.1.*1\.2-1/s);
  });
});

describe('Processor.pySpark (PySparkProcessor)', () => {
  test('renders the smspark-submit command, generated inputs and the event-log output as the SDK does', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);
    const jarsUri = new ParameterString('ExtraJar', { defaultValue: 's3://example-bucket/jars/extra.jar' });
    const configuration = [
      { classification: 'spark-defaults', properties: { 'spark.executor.memory': '2g' } },
      { classification: 'spark-env', configurations: [{ classification: 'export', properties: { PYSPARK_PYTHON: '/usr/bin/python3' } }] },
    ];

    // WHEN
    ProcessingStep.pySpark(pipeline, 'Spark', {
      frameworkVersion: '3.5',
      submitApp: app,
      submitPyFiles: ['s3://example-bucket/deps/lib.zip', utils],
      submitJars: [jarsUri.valueAsString],
      submitFiles: [lookup],
      configuration,
      sparkEventLogsS3Uri: 's3://example-bucket/spark-events',
      instanceCount: 2,
      containerArguments: ['--input', 's3://example-bucket/raw'],
      inputs: [ProcessingInput.fromS3Uri('raw', 's3://example-bucket/raw')],
      outputs: [ProcessingOutput.default('out')],
    });

    // THEN
    const definition = definitionOf(stack);
    const args = stepOf(definition, 'Spark').Arguments;
    const appHash = FileSystem.fingerprint(app);
    expect(args.AppSpecification).toEqual({
      ImageUri: SPARK_IMAGE,
      ContainerEntrypoint: [
        'smspark-submit',
        '--py-files', 's3://example-bucket/deps/lib.zip,/opt/ml/processing/input/py-files',
        '--jars', { 'Std:Join': { On: ',', Values: [{ Get: 'Parameters.ExtraJar' }] } },
        '--files', '/opt/ml/processing/input/files',
        '--local-spark-event-logs-dir', '/opt/ml/processing/spark-events/',
        `/opt/ml/processing/input/code/${appHash}.py`,
      ],
      ContainerArguments: ['--input', 's3://example-bucket/raw'],
    });
    const artifacts = `\${Ref:${stack.getLogicalId(pipeline.artifactBucket.node.defaultChild as any)}}`;
    const pyFilesHash = folderHash({ 'utils.py': 'def f(): pass\n' });
    const filesHash = folderHash({ 'lookup.txt': 'a=b\n' });
    const confHash = folderHash({
      'configuration.json': JSON.stringify([
        { Classification: 'spark-defaults', Properties: { 'spark.executor.memory': '2g' } },
        { Classification: 'spark-env', Properties: {}, Configurations: [{ Classification: 'export', Properties: { PYSPARK_PYTHON: '/usr/bin/python3' } }] },
      ]),
    });
    expect(args.ProcessingInputs).toEqual([
      input('raw', 's3://example-bucket/raw', '/opt/ml/processing/input/raw'),
      input('py-files', `s3://${artifacts}/assets/${pyFilesHash}/`, '/opt/ml/processing/input/py-files'),
      input('files', `s3://${artifacts}/assets/${filesHash}/`, '/opt/ml/processing/input/files'),
      input('conf', `s3://${artifacts}/assets/${confHash}/`, '/opt/ml/processing/input/conf'),
      input('code', `${ASSET_BUCKET}/${appHash}.py`, '/opt/ml/processing/input/code'),
    ]);
    expect(args.ProcessingOutputConfig.Outputs.map((o: any) => [o.OutputName, o.S3Output])).toEqual([
      ['out', expect.objectContaining({ LocalPath: '/opt/ml/processing/output/out', S3UploadMode: 'EndOfJob' })],
      ['spark-events', { S3Uri: 's3://example-bucket/spark-events', LocalPath: '/opt/ml/processing/spark-events/', S3UploadMode: 'Continuous' }],
    ]);
    expect(definition.Parameters).toEqual([{ Name: 'ExtraJar', Type: 'String', DefaultValue: 's3://example-bucket/jars/extra.jar' }]);
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::CDKBucketDeployment', 3);
  });

  test('an S3 application keeps its file name; S3-only dependencies add no input', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN
    ProcessingStep.pySpark(pipeline, 'Spark', {
      frameworkVersion: '3.5',
      submitApp: 's3://example-bucket/code/job.py',
      submitJars: ['s3://example-bucket/a.jar', 's3a://example-bucket/b.jar'],
    });

    // THEN
    const args = stepOf(definitionOf(stack), 'Spark').Arguments;
    expect(args.AppSpecification.ContainerEntrypoint).toEqual([
      'smspark-submit', '--jars', 's3://example-bucket/a.jar,s3a://example-bucket/b.jar', '/opt/ml/processing/input/code/job.py',
    ]);
    expect(args.ProcessingInputs).toEqual([input('code', 's3://example-bucket/code/job.py', '/opt/ml/processing/input/code')]);
    expect(args.ProcessingOutputConfig).toBeUndefined();
    Template.fromStack(stack).resourceCountIs('Custom::CDKBucketDeployment', 0);
  });

  test('the image takes a Python and container version', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN
    ProcessingStep.pySpark(pipeline, 'Spark', { frameworkVersion: '3.5', pythonVersion: 'py312', containerVersion: '1', submitApp: app });

    // THEN
    expect(stepOf(definitionOf(stack), 'Spark').Arguments.AppSpecification.ImageUri).toBe(`${SPARK_IMAGE}-py312-v1`);
  });

  test('eight inputs, generated py-files and conf and the code make eleven and are refused', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);
    const inputs = Array.from({ length: 8 }, (_, i) => ProcessingInput.fromS3Uri(`in${i}`, `s3://example-bucket/in${i}`));

    // WHEN / THEN
    expect(() => ProcessingStep.pySpark(pipeline, 'Spark', {
      frameworkVersion: '3.5',
      submitApp: app,
      submitPyFiles: [utils],
      configuration: [{ classification: 'spark-defaults', properties: { a: 'b' } }],
      inputs,
    })).toThrow(/Stack\/Pipeline\/Spark: a processing job takes at most 10 inputs; received 11 \(in0, .*in7, py-files, conf, code\)\. Combine inputs under one S3 prefix\./);
  });

  test('seven inputs with the generated ones make ten and are accepted', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);
    const inputs = Array.from({ length: 7 }, (_, i) => ProcessingInput.fromS3Uri(`in${i}`, `s3://example-bucket/in${i}`));

    // WHEN
    ProcessingStep.pySpark(pipeline, 'Spark', {
      frameworkVersion: '3.5', submitApp: app, submitPyFiles: [utils], configuration: [{ classification: 'spark-defaults', properties: { a: 'b' } }], inputs,
    });

    // THEN
    expect(stepOf(definitionOf(stack), 'Spark').Arguments.ProcessingInputs).toHaveLength(10);
  });
});

describe('Processor.sparkJar (SparkJarProcessor)', () => {
  test('renders --class, jars and files before the application jar', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN
    const step = ProcessingStep.sparkJar(pipeline, 'Jar', {
      frameworkVersion: '3.5',
      submitApp: jar,
      mainClass: 'com.example.Main',
      submitJars: ['s3://example-bucket/dep.jar'],
      submitFiles: ['s3://example-bucket/conf.txt'],
      containerArguments: ['--run', ExecutionVariable.PIPELINE_EXECUTION_ID],
    });

    // THEN
    const args = stepOf(definitionOf(stack), 'Jar').Arguments;
    const code = step.node.findChild('Code') as s3assets.Asset;
    expect(args.AppSpecification).toEqual({
      ImageUri: SPARK_IMAGE,
      ContainerEntrypoint: [
        'smspark-submit', '--class', 'com.example.Main', '--jars', 's3://example-bucket/dep.jar', '--files', 's3://example-bucket/conf.txt',
        `/opt/ml/processing/input/code/${code.assetHash}.jar`,
      ],
      ContainerArguments: ['--run', { Get: 'Execution.PipelineExecutionId' }],
    });
  });
});

describe('processor errors', () => {
  test.each<[string, () => unknown, RegExp]>([
    ['an empty sklearn version', () => Processor.sklearn({ frameworkVersion: '' }), /Processor.sklearn: frameworkVersion must be a literal version such as '1.2-1'/],
    ['a Python version without a container version', () => Processor.pySpark({ frameworkVersion: '3.5', submitApp: 'x.py', pythonVersion: 'py39' }), /Processor.pySpark: give both or neither of pythonVersion and containerVersion .*received only pythonVersion/],
    ['no submitApp', () => Processor.pySpark({ frameworkVersion: '3.5', submitApp: '' }), /Processor.pySpark: submitApp is required: a local .py file or an s3:\/\/ URI/],
    ['a submitApp expression', () => Processor.pySpark({ frameworkVersion: '3.5', submitApp: ExecutionVariable.PIPELINE_NAME }), /submitApp must be a local file or an s3:\/\/ URI fixed when the pipeline is defined/],
    ['no mainClass', () => Processor.sparkJar({ frameworkVersion: '3.5', submitApp: 'a.jar', mainClass: '' }), /Processor.sparkJar: mainClass is required \(spark-submit --class\)/],
    ['an empty dependency list', () => Processor.pySpark({ frameworkVersion: '3.5', submitApp: 'a.py', submitJars: [] }), /submitJars must list one or more S3 URIs or local files when given; received an empty list/],
    ['an unknown classification', () => Processor.pySpark({ frameworkVersion: '3.5', submitApp: 'a.py', configuration: [{ classification: 'spark-default' }] }), /configuration\[0\].classification 'spark-default' is not one the Spark container accepts; use one of core-site, .*spark-defaults/],
    ['an unknown configuration key', () => Processor.pySpark({ frameworkVersion: '3.5', submitApp: 'a.py', configuration: [{ classification: 'spark-defaults', Properties: {} } as any] }), /configuration\[0\] has unknown keys Properties/],
    ['a nested bad classification', () => Processor.pySpark({ frameworkVersion: '3.5', submitApp: 'a.py', configuration: [{ classification: 'spark-env', configurations: [{ classification: 'bad' }] }] }), /configuration\[0\].configurations\[0\].classification 'bad'/],
    ['a token property', () => Processor.pySpark({ frameworkVersion: '3.5', submitApp: 'a.py', configuration: [{ classification: 'spark-defaults', properties: { a: ExecutionVariable.PIPELINE_NAME } }] }), /configuration\[0\].properties\['a'\] must be literal text/],
    ['event logs that are not S3', () => Processor.pySpark({ frameworkVersion: '3.5', submitApp: 'a.py', sparkEventLogsS3Uri: '/tmp/events' }), /sparkEventLogsS3Uri must be an s3:\/\/ URI such as 's3:\/\/bucket-name\/folder-name'; received '\/tmp\/events'/],
  ])('%s is refused', (_name, create, message) => {
    expect(create).toThrow(message);
  });

  test.each<[string, Record<string, unknown>, RegExp]>([
    ['an unsupported scheme', { submitJars: ['https://example.com/a.jar'] }, /Processor.pySpark jars 'https:\/\/example.com\/a.jar' uses an unsupported scheme/],
    ['a missing local dependency', { submitFiles: ['/does/not/exist.txt'] }, /Processor.pySpark files '\/does\/not\/exist.txt' \(resolved to \/does\/not\/exist.txt\) is not a local file/],
    ['two local dependencies with one name', { submitPyFiles: ['DEPS/utils.py', 'APP_DIR/utils.py'] }, /Processor.pySpark py-files has two local files named 'utils.py'/],
    ['a missing local application', { submitApp: '/does/not/app.py' }, /code must be the path of a local script file; '\/does\/not\/app.py'/],
    ['code next to submitApp', { code: 'x.py' }, /the processor already names the application to run \(submitApp\); remove code/],
    ['a user output named spark-events', { sparkEventLogsS3Uri: 's3://b/e', outputs: [ProcessingOutput.default('spark-events')] }, /outputName 'spark-events' is used twice/],
  ])('%s is refused naming the construct path', (_name, extra, message) => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);
    fs.writeFileSync(path.join(fixtures, 'utils.py'), 'other = 1\n');
    const resolve = (v: unknown): unknown => (Array.isArray(v)
      ? v.map((x) => (typeof x === 'string' ? x.replace('DEPS', path.join(fixtures, 'deps')).replace('APP_DIR', fixtures) : x))
      : v);
    const props = Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, resolve(v)]));
    const { code, ...rest } = props;

    // WHEN / THEN
    expect(() => {
      if (code !== undefined) {
        new ProcessingStep(pipeline, 'Spark', { code: code as string, processor: Processor.pySpark({ frameworkVersion: '3.5', submitApp: app }) });
      } else {
        ProcessingStep.pySpark(pipeline, 'Spark', { frameworkVersion: '3.5', submitApp: app, ...rest });
      }
    }).toThrow(new RegExp(`Stack/Pipeline/Spark: ${message.source}`));
  });
});
