import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, FileSystem, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import {
  ContainerImage, ExecutionVariable, Pipeline, ProcessingInput, ProcessingOutput, ProcessingS3DataType,
  ProcessingS3UploadMode, ProcessingStep, PropertyFile, S3Location,
} from '../lib';
import { definitionOf, newStack, stepOf } from './util';

const IMAGE_URI = '123456789012.dkr.ecr.us-east-1.amazonaws.com/sklearn:1.2-1';
const IMAGE = ContainerImage.fromRegistry(IMAGE_URI);
const ASSET_BUCKET = 's3://cdk-hnb659fds-assets-123456789012-us-east-1';

let fixtures: string;
let dataFile: string;
let dataDir: string;
let codeDir: string;

beforeAll(() => {
  fixtures = fs.mkdtempSync(path.join(os.tmpdir(), 'processing-options-'));
  dataFile = path.join(fixtures, 'lookup.csv');
  fs.writeFileSync(dataFile, 'id,name\n1,a\n');
  dataDir = path.join(fixtures, 'data');
  fs.mkdirSync(path.join(dataDir, 'nested'), { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'a.csv'), '1,2\n');
  fs.writeFileSync(path.join(dataDir, 'nested', 'b.csv'), '3,4\n');
  codeDir = path.join(fixtures, 'src');
  fs.mkdirSync(path.join(codeDir, 'pkg'), { recursive: true });
  fs.writeFileSync(path.join(codeDir, 'pkg', 'main.py'), 'from helpers import x\nprint(x)\n');
  fs.writeFileSync(path.join(codeDir, 'helpers.py'), 'x = 1\n');
});

afterAll(() => {
  fs.rmSync(fixtures, { recursive: true, force: true });
});

function newPipeline(stack: Stack): Pipeline {
  return new Pipeline(stack, 'Pipeline', { pipelineName: 'prep-pipeline' });
}

function logicalId(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as any);
}

/** Every IAM statement of the stack's policies, flattened. */
function statements(stack: Stack): any[] {
  const template = Template.fromStack(stack).toJSON();
  return Object.values(template.Resources as Record<string, any>)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .flatMap((r) => r.Properties.PolicyDocument.Statement);
}

describe('ProcessingStep options', () => {
  test('renders every added option exactly', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const group = new ec2.SecurityGroup(stack, 'Group', { vpc });
    const volumeKey = new kms.Key(stack, 'VolumeKey');
    const outputKey = new kms.Key(stack, 'OutputKey');
    const bucket = new s3.Bucket(stack, 'Data');

    // WHEN
    new ProcessingStep(pipeline, 'Prep', {
      image: IMAGE,
      containerArguments: ['--mode', 'full'],
      volumeKmsKey: volumeKey,
      outputKmsKey: outputKey,
      networkConfig: { vpc, securityGroups: [group], enableNetworkIsolation: true, enableInterContainerTrafficEncryption: false },
      inputs: [
        ProcessingInput.fromBucket('raw', bucket, 'raw/'),
        ProcessingInput.fromS3Uri('manifest', 's3://example-bucket/manifest.json', { localPath: '/opt/ml/processing/manifest', s3DataType: ProcessingS3DataType.MANIFEST_FILE }),
        { inputName: 'plain', s3Uri: S3Location.fromUri('s3://example-bucket/plain/'), localPath: '/opt/ml/processing/plain' },
      ],
      outputs: [
        ProcessingOutput.default('train'),
        ProcessingOutput.toBucket('report', bucket, 'reports/', { s3UploadMode: ProcessingS3UploadMode.CONTINUOUS }),
        ProcessingOutput.toS3Uri('copy', 's3://example-bucket/copy', { localPath: '/opt/ml/processing/copy' }),
        { outputName: 'noUri', localPath: '/opt/ml/processing/no-uri' },
      ],
      maxRuntime: Duration.minutes(30),
    });

    // THEN
    const args = stepOf(definitionOf(stack), 'Prep').Arguments;
    const bucketRef = `\${Ref:${logicalId(stack, bucket)}}`;
    const artifacts = `\${Ref:${logicalId(stack, pipeline.artifactBucket)}}`;
    const subnets = vpc.isolatedSubnets.map((s) => `\${Ref:${stack.getLogicalId(s.node.defaultChild as ec2.CfnSubnet)}}`);
    const defaultUri = (name: string) => ({
      'Std:Join': { On: '/', Values: ['s3:/', artifacts, 'prep-pipeline', { Get: 'Execution.PipelineExecutionId' }, 'Prep', 'output', name] },
    });
    const input = (name: string, uri: string, localPath: string, s3DataType = 'S3Prefix') => ({
      InputName: name,
      AppManaged: false,
      S3Input: { S3Uri: uri, LocalPath: localPath, S3DataType: s3DataType, S3InputMode: 'File', S3DataDistributionType: 'FullyReplicated', S3CompressionType: 'None' },
    });
    expect(args).toEqual({
      ProcessingResources: {
        ClusterConfig: {
          InstanceType: 'ml.m5.xlarge',
          InstanceCount: 1,
          VolumeSizeInGB: 30,
          VolumeKmsKeyId: `\${GetAtt:${logicalId(stack, volumeKey)}.Arn}`,
        },
      },
      AppSpecification: { ImageUri: IMAGE_URI, ContainerArguments: ['--mode', 'full'] },
      RoleArn: `\${GetAtt:${logicalId(stack, pipeline.defaultJobRole as iam.Role)}.Arn}`,
      ProcessingInputs: [
        input('raw', `s3://${bucketRef}/raw/`, '/opt/ml/processing/input/raw'),
        input('manifest', 's3://example-bucket/manifest.json', '/opt/ml/processing/manifest', 'ManifestFile'),
        input('plain', 's3://example-bucket/plain/', '/opt/ml/processing/plain'),
      ],
      ProcessingOutputConfig: {
        Outputs: [
          { OutputName: 'train', AppManaged: false, S3Output: { S3Uri: defaultUri('train'), LocalPath: '/opt/ml/processing/output/train', S3UploadMode: 'EndOfJob' } },
          { OutputName: 'report', AppManaged: false, S3Output: { S3Uri: `s3://${bucketRef}/reports/`, LocalPath: '/opt/ml/processing/output/report', S3UploadMode: 'Continuous' } },
          { OutputName: 'copy', AppManaged: false, S3Output: { S3Uri: 's3://example-bucket/copy', LocalPath: '/opt/ml/processing/copy', S3UploadMode: 'EndOfJob' } },
          { OutputName: 'noUri', AppManaged: false, S3Output: { S3Uri: defaultUri('noUri'), LocalPath: '/opt/ml/processing/no-uri', S3UploadMode: 'EndOfJob' } },
        ],
        KmsKeyId: `\${GetAtt:${logicalId(stack, outputKey)}.Arn}`,
      },
      StoppingCondition: { MaxRuntimeInSeconds: 1800 },
      NetworkConfig: {
        EnableInterContainerTrafficEncryption: false,
        EnableNetworkIsolation: true,
        VpcConfig: { SecurityGroupIds: [`\${GetAtt:${logicalId(stack, group)}.GroupId}`], Subnets: subnets },
      },
    });
  });

  test('a VPC without security groups gets one, and the job role the network-interface actions', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });

    // WHEN
    const step = new ProcessingStep(pipeline, 'Prep', { image: IMAGE, networkConfig: { vpc } });

    // THEN
    const args = stepOf(definitionOf(stack), 'Prep').Arguments;
    expect(step.connections.securityGroups).toHaveLength(1);
    expect(args.NetworkConfig).toEqual({
      VpcConfig: {
        SecurityGroupIds: [`\${GetAtt:${stack.getLogicalId(step.connections.securityGroups[0].node.defaultChild as ec2.CfnSecurityGroup)}.GroupId}`],
        Subnets: [`\${Ref:${stack.getLogicalId(vpc.isolatedSubnets[0].node.defaultChild as ec2.CfnSubnet)}}`],
      },
    });
    expect(statements(stack)).toContainEqual(expect.objectContaining({
      Action: expect.arrayContaining(['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterfacePermission', 'ec2:DescribeSecurityGroups']),
      Resource: '*',
    }));
  });

  test('network flags without a VPC render alone', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN
    new ProcessingStep(pipeline, 'Prep', { image: IMAGE, networkConfig: { enableNetworkIsolation: false } });
    new ProcessingStep(pipeline, 'None', { image: IMAGE, networkConfig: {} });

    // THEN
    const definition = definitionOf(stack);
    expect(stepOf(definition, 'Prep').Arguments.NetworkConfig).toEqual({ EnableNetworkIsolation: false });
    expect(stepOf(definition, 'None').Arguments.NetworkConfig).toBeUndefined();
  });

  test('KMS keys are granted to the job role', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);
    const volumeKey = new kms.Key(stack, 'VolumeKey');
    const outputKey = new kms.Key(stack, 'OutputKey');

    // WHEN
    new ProcessingStep(pipeline, 'Prep', { image: IMAGE, volumeKmsKey: volumeKey, outputKmsKey: outputKey, outputs: [ProcessingOutput.default('out')] });

    // THEN
    const keyStatements = statements(stack).filter((s) => JSON.stringify(s.Action).includes('kms:Encrypt'));
    expect(keyStatements.map((s) => s.Resource)).toEqual(expect.arrayContaining([
      { 'Fn::GetAtt': [logicalId(stack, volumeKey), 'Arn'] },
      { 'Fn::GetAtt': [logicalId(stack, outputKey), 'Arn'] },
    ]));
  });

  describe('S3 locations', () => {
    test('bucket inputs are granted read and bucket outputs put, scoped to the prefix', () => {
      // GIVEN
      const { stack } = newStack();
      const pipeline = newPipeline(stack);
      const bucket = new s3.Bucket(stack, 'Data');

      // WHEN
      new ProcessingStep(pipeline, 'Prep', {
        image: IMAGE,
        inputs: [ProcessingInput.fromBucket('raw', bucket, 'raw/2024/')],
        outputs: [ProcessingOutput.toBucket('clean', bucket, 'clean/')],
      });

      // THEN
      definitionOf(stack);
      const arn = { 'Fn::GetAtt': [logicalId(stack, bucket), 'Arn'] };
      const all = statements(stack);
      expect(all).toContainEqual({
        Action: ['s3:GetObject*', 's3:GetBucket*', 's3:List*'],
        Effect: 'Allow',
        Resource: [arn, { 'Fn::Join': ['', [arn, '/raw/2024/*']] }],
      });
      expect(all).toContainEqual({
        Action: ['s3:PutObject', 's3:PutObjectLegalHold', 's3:PutObjectRetention', 's3:PutObjectTagging', 's3:PutObjectVersionTagging', 's3:Abort*'],
        Effect: 'Allow',
        Resource: { 'Fn::Join': ['', [arn, '/clean/*']] },
      });
      // nothing wider on that bucket
      const onBucket = all.filter((s) => JSON.stringify(s.Resource).includes(logicalId(stack, bucket)));
      expect(onBucket).toHaveLength(2);
    });

    test('a KMS-encrypted bucket also grants its key', () => {
      // GIVEN
      const { stack } = newStack();
      const pipeline = newPipeline(stack);
      const bucket = new s3.Bucket(stack, 'Data', { encryption: s3.BucketEncryption.KMS });

      // WHEN
      new ProcessingStep(pipeline, 'Prep', { image: IMAGE, inputs: [ProcessingInput.fromBucket('raw', bucket, 'raw/')] });

      // THEN
      expect(statements(stack)).toContainEqual(expect.objectContaining({
        Action: ['kms:Decrypt', 'kms:DescribeKey'],
        Resource: { 'Fn::GetAtt': [logicalId(stack, bucket.encryptionKey as kms.Key), 'Arn'] },
      }));
    });

    test('the default output location is unique per execution and granted under the pipeline prefix', () => {
      // GIVEN
      const { stack } = newStack();
      const pipeline = newPipeline(stack);

      // WHEN
      new ProcessingStep(pipeline, 'Evaluate', {
        image: IMAGE,
        outputs: [ProcessingOutput.default('metrics', { localPath: '/opt/ml/processing/metrics' })],
        propertyFiles: [new PropertyFile({ propertyFileName: 'Metrics', outputName: 'metrics', filePath: 'metrics.json' })],
      });

      // THEN
      const evaluate = stepOf(definitionOf(stack), 'Evaluate');
      const artifacts = logicalId(stack, pipeline.artifactBucket);
      expect(evaluate.Arguments.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri).toEqual({
        'Std:Join': { On: '/', Values: ['s3:/', `\${Ref:${artifacts}}`, 'prep-pipeline', { Get: 'Execution.PipelineExecutionId' }, 'Evaluate', 'output', 'metrics'] },
      });
      expect(evaluate.PropertyFiles).toEqual([{ PropertyFileName: 'Metrics', OutputName: 'metrics', FilePath: 'metrics.json' }]);
      const arn = { 'Fn::GetAtt': [artifacts, 'Arn'] };
      expect(statements(stack)).toContainEqual(expect.objectContaining({
        Action: expect.arrayContaining(['s3:PutObject', 's3:GetObject*']),
        Resource: [arn, { 'Fn::Join': ['', [arn, '/prep-pipeline/*']] }],
      }));
    });

    test('a local file input is a content-hashed asset read by the job role', () => {
      // GIVEN
      const { stack } = newStack();
      const pipeline = newPipeline(stack);

      // WHEN
      new ProcessingStep(pipeline, 'Prep', { image: IMAGE, inputs: [ProcessingInput.fromAsset('lookup', dataFile)] });

      // THEN
      const hash = FileSystem.fingerprint(dataFile);
      const input = stepOf(definitionOf(stack), 'Prep').Arguments.ProcessingInputs[0];
      expect(input).toEqual({
        InputName: 'lookup',
        AppManaged: false,
        S3Input: {
          S3Uri: `${ASSET_BUCKET}/${hash}.csv`,
          LocalPath: '/opt/ml/processing/input/lookup',
          S3DataType: 'S3Prefix',
          S3InputMode: 'File',
          S3DataDistributionType: 'FullyReplicated',
          S3CompressionType: 'None',
        },
      });
      expect(JSON.stringify(statements(stack))).toContain('cdk-hnb659fds-assets-123456789012-us-east-1/*');
    });

    test('a local folder input is deployed unzipped under a content-hashed prefix of the artifact bucket', () => {
      // GIVEN
      const { stack } = newStack();
      const pipeline = newPipeline(stack);

      // WHEN
      new ProcessingStep(pipeline, 'Prep', { image: IMAGE, inputs: [ProcessingInput.fromAsset('data', dataDir, { localPath: '/opt/ml/processing/data' })] });

      // THEN
      const hash = FileSystem.fingerprint(dataDir);
      const artifacts = logicalId(stack, pipeline.artifactBucket);
      const input = stepOf(definitionOf(stack), 'Prep').Arguments.ProcessingInputs[0];
      expect(input.S3Input.S3Uri).toBe(`s3://\${Ref:${artifacts}}/assets/${hash}/`);
      expect(input.S3Input.LocalPath).toBe('/opt/ml/processing/data');
      const template = Template.fromStack(stack);
      template.hasResourceProperties('Custom::CDKBucketDeployment', {
        DestinationBucketName: { Ref: artifacts },
        DestinationBucketKeyPrefix: `assets/${hash}/`,
        Prune: false,
      });
      const deployments = Object.keys(template.findResources('Custom::CDKBucketDeployment'));
      const pipelineResource = Object.values(template.findResources('AWS::SageMaker::Pipeline'))[0];
      expect(pipelineResource.DependsOn).toEqual(expect.arrayContaining(deployments));
      const arn = { 'Fn::GetAtt': [artifacts, 'Arn'] };
      expect(statements(stack)).toContainEqual(expect.objectContaining({
        Action: ['s3:GetObject*', 's3:GetBucket*', 's3:List*'],
        Resource: [arn, { 'Fn::Join': ['', [arn, `/assets/${hash}/*`]] }],
      }));
    });

    test('the same folder in two steps is deployed once', () => {
      // GIVEN
      const { stack } = newStack();
      const pipeline = newPipeline(stack);

      // WHEN
      new ProcessingStep(pipeline, 'A', { image: IMAGE, inputs: [ProcessingInput.fromAsset('data', dataDir)] });
      new ProcessingStep(pipeline, 'B', { image: IMAGE, inputs: [ProcessingInput.fromAsset('data', dataDir)] });

      // THEN
      definitionOf(stack);
      Template.fromStack(stack).resourceCountIs('Custom::CDKBucketDeployment', 1);
    });

    test('a URI location keeps the existing grants; an expression location grants nothing', () => {
      // GIVEN
      const { stack } = newStack();
      const pipeline = newPipeline(stack);

      // WHEN
      new ProcessingStep(pipeline, 'Prep', {
        image: IMAGE,
        inputs: [ProcessingInput.fromS3Uri('raw', 's3://example-bucket/raw/')],
        outputs: [ProcessingOutput.toS3Uri('out', `s3://example-bucket/${ExecutionVariable.PIPELINE_EXECUTION_ID}/out`)],
      });

      // THEN
      const args = stepOf(definitionOf(stack), 'Prep').Arguments;
      expect(args.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri).toEqual({
        'Std:Join': { On: '', Values: ['s3://example-bucket/', { Get: 'Execution.PipelineExecutionId' }, '/out'] },
      });
      const all = statements(stack);
      expect(all).toContainEqual(expect.objectContaining({ Action: 's3:GetObject', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::example-bucket/raw/*']] } }));
      expect(all).toContainEqual(expect.objectContaining({
        Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::example-bucket/*']] },
      }));
    });
  });

  describe('code', () => {
    test('a local code folder is shipped as a zip with a runproc.sh wrapper, as the SDK FrameworkProcessor does', () => {
      // GIVEN
      const { app, stack } = newStack();
      const pipeline = newPipeline(stack);

      // WHEN
      const step = new ProcessingStep(pipeline, 'Prep', {
        image: IMAGE,
        sourceDir: codeDir,
        code: 'pkg/main.py',
        containerArguments: ['--x', '1'],
        inputs: [ProcessingInput.fromS3Uri('raw', 's3://example-bucket/raw/')],
      });

      // THEN
      const args = stepOf(definitionOf(stack), 'Prep').Arguments;
      const bundle = step.node.findChild('Code') as s3assets.Asset;
      const wrapper = step.node.findChild('Entrypoint') as s3assets.Asset;
      expect(bundle.assetHash).toBe(FileSystem.fingerprint(codeDir));
      expect(args.AppSpecification).toEqual({
        ImageUri: IMAGE_URI,
        ContainerEntrypoint: ['/bin/bash', `/opt/ml/processing/input/entrypoint/${wrapper.assetHash}.sh`],
        ContainerArguments: ['--x', '1'],
      });
      expect(args.ProcessingInputs.map((i: any) => [i.InputName, i.S3Input.S3Uri, i.S3Input.LocalPath])).toEqual([
        ['raw', 's3://example-bucket/raw/', '/opt/ml/processing/input/raw'],
        ['code', `${ASSET_BUCKET}/${bundle.assetHash}.zip`, '/opt/ml/processing/input/code'],
        ['entrypoint', `${ASSET_BUCKET}/${wrapper.assetHash}.sh`, '/opt/ml/processing/input/entrypoint'],
      ]);
      const script = fs.readFileSync(path.join(app.outdir, wrapper.assetPath), 'utf-8');
      expect(script).toContain('cd /opt/ml/processing/input/code/');
      expect(script).toContain(`unzip -oq ${bundle.assetHash}.zip`);
      expect(script).toContain(`python3 -m zipfile -e ${bundle.assetHash}.zip .`);
      expect(script).toContain('pip install -r requirements.txt');
      expect(script).toContain("exec 'python3' 'pkg/main.py' \"$@\"");
    });

    test('the wrapper runs a custom command', () => {
      // GIVEN
      const { app, stack } = newStack();
      const pipeline = newPipeline(stack);

      // WHEN
      const step = new ProcessingStep(pipeline, 'Prep', { image: IMAGE, sourceDir: codeDir, code: 'helpers.py', containerEntrypoint: ['python3', '-u'] });

      // THEN
      definitionOf(stack);
      const wrapper = step.node.findChild('Entrypoint') as s3assets.Asset;
      expect(fs.readFileSync(path.join(app.outdir, wrapper.assetPath), 'utf-8')).toContain("exec 'python3' '-u' 'helpers.py' \"$@\"");
    });

    test('code as an S3 URI is mounted and run by its file name', () => {
      // GIVEN
      const { stack } = newStack();
      const pipeline = newPipeline(stack);

      // WHEN
      new ProcessingStep(pipeline, 'Prep', { image: IMAGE, code: 's3://example-bucket/code/run.py' });

      // THEN
      const args = stepOf(definitionOf(stack), 'Prep').Arguments;
      expect(args.AppSpecification.ContainerEntrypoint).toEqual(['python3', '/opt/ml/processing/input/code/run.py']);
      expect(args.ProcessingInputs[0].S3Input.S3Uri).toBe('s3://example-bucket/code/run.py');
    });
  });

  describe('errors', () => {
    test.each<[string, () => Record<string, unknown>, RegExp]>([
      ['neither image nor processor', () => ({ image: undefined }), /give an image \(ContainerImage.fromRegistry, .sklearn, ...\) or a processor/],
      ['outputKmsKey without outputs', () => ({ outputKmsKey: kms.Key.fromKeyArn(new Stack(), 'K', 'arn:aws:kms:us-east-1:123456789012:key/abc') }), /outputKmsKey encrypts outputs, and this step has none/],
      ['subnets without a vpc', () => ({ networkConfig: { subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } } }), /networkConfig.subnets and networkConfig.securityGroups apply only with networkConfig.vpc; received subnets/],
      ['sourceDir without code', () => ({ sourceDir: codeDir }), /sourceDir needs code, the entry point's path inside the folder/],
      ['sourceDir that is a file', () => ({ sourceDir: dataFile, code: 'x.py' }), /sourceDir must be a local folder; '.*lookup.csv' \(resolved to .*\) is not one/],
      ['code outside sourceDir', () => ({ sourceDir: codeDir, code: '../lookup.csv' }), /with sourceDir, code is the entry point's relative path inside the folder; '..\/lookup.csv' is not a file/],
      ['missing code in sourceDir', () => ({ sourceDir: codeDir, code: 'missing.py' }), /with sourceDir, code is the entry point's relative path inside the folder; 'missing.py' is not a file in/],
      ['code S3 URI naming a folder', () => ({ code: 's3://bucket/code/' }), /code must name a file; 's3:\/\/bucket\/code\/' ends with '\/'/],
      ['an asset as an output', () => ({ outputs: [{ outputName: 'o', localPath: '/opt/ml/processing/o', s3Uri: S3Location.fromAsset(dataDir) }] }), /S3Location.fromAsset is read-only and cannot be an output location/],
      ['an input named entrypoint next to sourceDir', () => ({ sourceDir: codeDir, code: 'helpers.py', inputs: [ProcessingInput.fromS3Uri('entrypoint', 's3://b/e')] }), /inputName 'entrypoint' is used twice \('entrypoint' is the input that carries the sourceDir wrapper script\)/],
      ['a relative localPath', () => ({ inputs: [ProcessingInput.fromS3Uri('raw', 's3://b/raw', { localPath: 'data' })] }), /input raw localPath must be an absolute container path of at most 256 characters, such as '\/opt\/ml\/processing\/input\/data'; received 'data'/],
      ['an output localPath over 256 characters', () => ({ outputs: [ProcessingOutput.default('o', { localPath: `/${'x'.repeat(256)}` })] }), /output o localPath must be an absolute container path of at most 256 characters/],
      ['a maxRuntime above 7 days', () => ({ maxRuntime: Duration.days(8) }), /maxRuntime must be between 1 second and 7 days; received 691200 seconds/],
    ])('%s is refused naming the construct path', (_name, props, message) => {
      // GIVEN
      const { stack } = newStack();
      const pipeline = newPipeline(stack);

      // WHEN / THEN
      expect(() => new ProcessingStep(pipeline, 'Prep', { image: IMAGE, ...props() } as any)).toThrow(new RegExp(`Stack/Pipeline/Prep: ${message.source}`));
    });

    test('security group counts outside 1-5 and subnet selections of none are refused', () => {
      // GIVEN
      const { stack } = newStack();
      const pipeline = newPipeline(stack);
      const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
      const groups = Array.from({ length: 6 }, (_, i) => new ec2.SecurityGroup(stack, `G${i}`, { vpc }));

      // WHEN / THEN
      expect(() => new ProcessingStep(pipeline, 'Six', { image: IMAGE, networkConfig: { vpc, securityGroups: groups } }))
        .toThrow(/Stack\/Pipeline\/Six: networkConfig.securityGroups takes 1-5 security groups; received 6/);
      expect(() => new ProcessingStep(pipeline, 'Zero', { image: IMAGE, networkConfig: { vpc, securityGroups: [] } }))
        .toThrow(/Stack\/Pipeline\/Zero: networkConfig.securityGroups takes 1-5 security groups; received 0/);
    });

    test.each<[string, () => unknown, RegExp]>([
      ['a URI that is not s3://', () => S3Location.fromUri('https://example.com/x'), /S3Location.fromUri: expected an s3:\/\/ URI such as 's3:\/\/my-bucket\/prefix'; received 'https:\/\/example.com\/x'/],
      ['a key prefix with a leading slash', () => S3Location.fromBucket(new s3.Bucket(new Stack(new App(), 'S'), 'B'), '/raw'), /S3Location.fromBucket: keyPrefix must be a key prefix without a leading '\/'/],
      ['a key prefix that is an expression', () => S3Location.fromBucket(new s3.Bucket(new Stack(new App(), 'S'), 'B'), ExecutionVariable.PIPELINE_EXECUTION_ID), /keyPrefix must be fixed when the pipeline is defined/],
      ['a missing asset', () => S3Location.fromAsset('/does/not/exist'), /S3Location.fromAsset: '\/does\/not\/exist' \(resolved to \/does\/not\/exist\) does not exist/],
    ])('S3Location refuses %s', (_name, create, message) => {
      expect(create).toThrow(message);
    });
  });
});

describe('Template', () => {
  test('the BucketDeployment handler carries the cfn-lint W3005 exemption only', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = newPipeline(stack);

    // WHEN
    new ProcessingStep(pipeline, 'Prep', { image: IMAGE, inputs: [ProcessingInput.fromAsset('data', dataDir)] });

    // THEN
    Template.fromStack(stack).hasResource('AWS::Lambda::Function', {
      Metadata: Match.objectLike({ 'cfn-lint': { config: { ignore_checks: ['W3005'] } } }),
    });
  });
});
