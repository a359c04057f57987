/* eslint-disable dot-notation -- property paths are written as in the AWS documentation: Outputs['train'] */
import * as path from 'path';
import { CfnParameter, Duration, Stack, aws_sagemaker } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import {
  ContainerImage, FailStep, IPipeline, ParameterString, Pipeline, ProcessingStep, Step, TrainingInput, TrainingStep,
} from '../lib';
import { definitionOf, newStack, stepOf, synthErrors } from './util';

const ECR_IMAGE_URI = '123456789012.dkr.ecr.us-east-1.amazonaws.com/sklearn:1.2-1';
const IMAGE = ContainerImage.fromRegistry(ECR_IMAGE_URI);
const CODE = path.join(__dirname, 'fixtures', 'code', 'preprocess-a.py');
const SERVICE_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$/;

function logicalIdOf(construct: Construct): string {
  return Stack.of(construct).getLogicalId(construct.node.defaultChild as any);
}

/** The policy statements attached to `role` through its default policy, resolved. */
function statementsOf(template: Template, role: iam.IRole): any[] {
  const roleId = logicalIdOf(role as iam.Role);
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } });
  return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

function actionsOf(statement: any): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

function arnPattern(resource: string): any {
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, resource]] };
}

/** A processing step that reads `s3://example-bucket/raw` and writes `s3://example-bucket/out`. */
function prep(scope: Construct, id = 'Prep', extra: Partial<ConstructorParameters<typeof ProcessingStep>[2]> = {}): ProcessingStep {
  return new ProcessingStep(scope, id, {
    image: IMAGE,
    inputs: [{ inputName: 'raw', s3Uri: 's3://example-bucket/raw', localPath: '/opt/ml/processing/raw' }],
    outputs: [{ outputName: 'train', localPath: '/opt/ml/processing/train', s3Uri: 's3://example-bucket/out' }],
    ...extra,
  });
}

function train(scope: Construct, id: string, s3Uri: string, extra: Partial<ConstructorParameters<typeof TrainingStep>[2]> = {}): TrainingStep {
  return new TrainingStep(scope, id, {
    image: IMAGE,
    outputPath: 's3://example-bucket/models',
    inputs: [TrainingInput.s3('train', s3Uri)],
    ...extra,
  });
}

describe('pipelineName', () => {
  test('a given name is the resource name', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'my--Pipeline-1' });
    new FailStep(pipeline, 'Fail');

    // THEN
    definitionOf(stack);
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::Pipeline', { PipelineName: 'my--Pipeline-1' });
    expect(pipeline.pipelineName).toBe('my--Pipeline-1');
  });

  test.each(['my_pipeline', '-leading', 'trailing-', 'with space', 'dot.name', ''])('%p is refused', (pipelineName) => {
    // GIVEN
    const { stack } = newStack();

    // WHEN / THEN
    expect(() => new Pipeline(stack, 'Pipeline', { pipelineName }))
      .toThrow(/Pipeline Stack\/Pipeline: pipelineName must be 1-256 characters of letters and digits, with hyphens only between them .*received '/);
  });

  test('257 characters are refused', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN / THEN
    expect(() => new Pipeline(stack, 'Pipeline', { pipelineName: 'a'.repeat(257) })).toThrow(/pipelineName must be 1-256 characters/);
  });

  test('more than 82 characters draw a warning', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'a'.repeat(83) });
    new FailStep(pipeline, 'Fail');

    // THEN
    definitionOf(stack);
    Annotations.fromStack(stack).hasWarning('/Stack/Pipeline', Match.stringLikeRegexp('pipelineName is 83 characters.*above 82 characters'));
  });

  test('256 characters are accepted with a warning, 82 without', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    new FailStep(new Pipeline(stack, 'Long', { pipelineName: 'a'.repeat(256) }), 'Fail');
    new FailStep(new Pipeline(stack, 'Short', { pipelineName: 'b'.repeat(82) }), 'Fail');

    // THEN
    definitionOf(stack, 'Long');
    definitionOf(stack, 'Short');
    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning('/Stack/Long', Match.stringLikeRegexp('pipelineName is 256 characters'));
    annotations.hasNoWarning('/Stack/Short', Match.anyValue());
  });

  test('the default name is lower-case, unique and matches the service pattern', () => {
    // GIVEN
    const { app, stack } = newStack();
    const other = new Stack(app, 'Other-Stack2', { env: { account: '123456789012', region: 'us-east-1' } });

    // WHEN
    const names = [
      new Pipeline(stack, 'Pipeline'),
      new Pipeline(stack, 'pipeline'),
      new Pipeline(new Construct(stack, 'Group'), 'Pipeline'),
      new Pipeline(other, 'Pipeline'),
      new Pipeline(other, 'A_Very_Long_Pipeline_Construct_Id_That_Goes_On_And_On_Beyond_Sixty_Four_Characters'),
    ].map((p) => {
      new FailStep(p, 'Fail');
      return p.pipelineName;
    });

    // THEN
    for (const name of names) {
      expect(name).toMatch(SERVICE_NAME_PATTERN);
      expect(name).toBe(name.toLowerCase());
      expect(name.length).toBeLessThanOrEqual(64);
    }
    expect(new Set(names).size).toBe(names.length);
    const template = Template.fromStack(stack);
    expect(Object.values(template.findResources('AWS::SageMaker::Pipeline')).map((r: any) => r.Properties.PipelineName).sort())
      .toEqual(names.slice(0, 3).sort());
  });

  test('the default name is stable across synths', () => {
    // GIVEN
    const first = newStack();
    const second = newStack();

    // WHEN
    const a = new Pipeline(first.stack, 'Pipeline');
    const b = new Pipeline(second.stack, 'Pipeline');

    // THEN
    expect(a.pipelineName).toBe(b.pipelineName);
  });
});

describe('pipeline props', () => {
  test('displayName, description and tags render on the resource', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    const pipeline = new Pipeline(stack, 'Pipeline', {
      pipelineName: 'abalone',
      displayName: 'Abalone-Training',
      description: 'Trains the abalone model',
      tags: { team: 'ml', cost: 'research' },
    });
    new FailStep(pipeline, 'Fail');

    // THEN
    definitionOf(stack);
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::Pipeline', {
      PipelineName: 'abalone',
      PipelineDisplayName: 'Abalone-Training',
      PipelineDescription: 'Trains the abalone model',
      Tags: [{ Key: 'cost', Value: 'research' }, { Key: 'team', Value: 'ml' }],
    });
  });

  // Regression test: this once rendered incorrectly.
  test('maxParallelExecutionSteps renders ParallelismConfiguration.MaxParallelExecutionSteps', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    const pipeline = new Pipeline(stack, 'Pipeline', { maxParallelExecutionSteps: 5 });
    new FailStep(pipeline, 'Fail');

    // THEN
    definitionOf(stack);
    const resource = Object.values(Template.fromStack(stack).findResources('AWS::SageMaker::Pipeline'))[0] as any;
    expect(resource.Properties.ParallelismConfiguration).toEqual({ MaxParallelExecutionSteps: 5 });
  });

  test('without props no optional property is set', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    new FailStep(new Pipeline(stack, 'Pipeline'), 'Fail');

    // THEN
    definitionOf(stack);
    const resource = Object.values(Template.fromStack(stack).findResources('AWS::SageMaker::Pipeline'))[0] as any;
    expect(Object.keys(resource.Properties).sort()).toEqual(['PipelineDefinition', 'PipelineName', 'RoleArn']);
  });

  test.each([0, -1, 1.5])('maxParallelExecutionSteps %p is refused', (maxParallelExecutionSteps) => {
    // GIVEN
    const { stack } = newStack();

    // WHEN / THEN
    expect(() => new Pipeline(stack, 'Pipeline', { maxParallelExecutionSteps }))
      .toThrow(/Pipeline Stack\/Pipeline: maxParallelExecutionSteps must be an integer of at least 1; received /);
  });

  test('an invalid displayName is refused', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN / THEN
    expect(() => new Pipeline(stack, 'Pipeline', { displayName: 'Abalone Training' }))
      .toThrow(/Pipeline Stack\/Pipeline: displayName must be 1-256 characters of letters and digits.*received 'Abalone Training'/);
  });

  test('a description of 3073 characters is refused', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN / THEN
    expect(() => new Pipeline(stack, 'Pipeline', { description: 'x'.repeat(3073) }))
      .toThrow(/Pipeline Stack\/Pipeline: description must be at most 3,072 characters; received 3073/);
  });

  test('pipelineArn is built with formatArn', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'abalone' });

    // THEN
    expect(stack.resolve(pipeline.pipelineArn)).toEqual(arnPattern(':sagemaker:us-east-1:123456789012:pipeline/abalone'));
    expect(pipeline.pipelineRef).toEqual({ pipelineName: 'abalone' });
  });

  test('in a region-agnostic stack pipelineArn uses the stack region and account', () => {
    // GIVEN
    const { stack } = newStack({});

    // WHEN
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'abalone' });

    // THEN
    expect(stack.resolve(pipeline.pipelineArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':pipeline/abalone']],
    });
  });

  test('isPipeline recognizes pipelines', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    const pipeline = new Pipeline(stack, 'Pipeline');

    // THEN
    expect(Pipeline.isPipeline(pipeline)).toBe(true);
    expect(Pipeline.isPipeline(stack)).toBe(false);
    expect(Pipeline.isPipeline(undefined)).toBe(false);
  });

  test('steps lists the steps of this pipeline in construct order', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const other = new Pipeline(stack, 'Other');

    // WHEN
    const a = new FailStep(pipeline, 'A');
    const b = new FailStep(new Construct(pipeline, 'Group'), 'B');
    new FailStep(other, 'C');

    // THEN
    expect(pipeline.steps).toEqual<Step[]>([a, b]);
  });
});

describe('pipeline ARNs carry the name in lower case, as SageMaker forms them', () => {
  const LOWER = arnPattern(':sagemaker:us-east-1:123456789012:pipeline/dailyretrain');

  /** Every IAM statement of the stack, resolved. */
  function allStatements(stack: Stack): any[] {
    return Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
  }

  test('a mixed-case pipelineName keeps its case in PipelineName and is lower-cased in pipelineArn', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'DailyRetrain' });
    new FailStep(pipeline, 'Stop');

    // THEN
    expect(stack.resolve(pipeline.pipelineArn)).toEqual(LOWER);
    expect(pipeline.pipelineName).toBe('DailyRetrain');
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::Pipeline', { PipelineName: 'DailyRetrain' });
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('pipelineNameCaseUnknown'));
  });

  test('grantStartPipelineExecution and aws-cdk-lib\'s SageMakerStartPipelineExecution target grant the lower-case ARN', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'DailyRetrain' });
    new FailStep(pipeline, 'Stop');
    const starter = new iam.Role(stack, 'Starter', { assumedBy: new iam.AccountRootPrincipal() });

    // WHEN
    pipeline.grantStartPipelineExecution(starter);
    new scheduler.Schedule(stack, 'Nightly', {
      schedule: scheduler.ScheduleExpression.rate(Duration.days(1)),
      target: new targets.SageMakerStartPipelineExecution(pipeline),
    });

    // THEN
    const starts = allStatements(stack).filter((s) => s.Action === 'sagemaker:StartPipelineExecution');
    expect(starts).toHaveLength(2);
    for (const statement of starts) {
      expect(statement.Resource).toEqual(LOWER);
    }
    Template.fromStack(stack).hasResourceProperties('AWS::Scheduler::Schedule', { Target: { Arn: LOWER } });
  });

  test('fromPipelineName lower-cases the name in the ARN and keeps it in pipelineName', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    const imported = Pipeline.fromPipelineName(stack, 'Imported', 'DailyRetrain');

    // THEN
    expect(imported.pipelineName).toBe('DailyRetrain');
    expect(stack.resolve(imported.pipelineArn)).toEqual(LOWER);
  });

  test('fromPipelineArn lower-cases a mixed-case name in the ARN', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    const imported = Pipeline.fromPipelineArn(stack, 'Imported', 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/DailyRetrain');

    // THEN
    expect(imported.pipelineArn).toBe('arn:aws:sagemaker:us-east-1:123456789012:pipeline/dailyretrain');
    expect(imported.pipelineName).toBe('DailyRetrain');
  });

  test('a pipelineName token, whose case is unknown at synth, draws a warning saying what to do', () => {
    // GIVEN
    const { stack } = newStack();
    const name = new CfnParameter(stack, 'PipelineNameParam', { type: 'String' }).valueAsString;

    // WHEN
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: name });
    new FailStep(pipeline, 'Stop');
    Pipeline.fromPipelineName(stack, 'Imported', name);

    // THEN
    const warning = Match.stringLikeRegexp('pipeline name is a token whose case is unknown at synth.*lower case.*Give a literal lower-case name.*\\[ack: cdk-sagemaker-pipelines:pipelineNameCaseUnknown\\]');
    Annotations.fromStack(stack).hasWarning('/Stack/Pipeline', warning);
    Annotations.fromStack(stack).hasWarning('/Stack/Imported', warning);
  });

  test('property: for any valid name, the ARN is the name lower-cased and PipelineName the name as given', () => {
    const name = fc.tuple(
      fc.stringMatching(/^[a-zA-Z0-9]$/),
      fc.array(fc.tuple(fc.constantFrom('', '-', '--'), fc.stringMatching(/^[a-zA-Z0-9]$/)), { maxLength: 40 }),
    ).map(([head, rest]) => head + rest.map(([h, c]) => h + c).join(''));
    fc.assert(fc.property(name, (pipelineName) => {
      // GIVEN
      const { stack } = newStack();

      // WHEN
      const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName });

      // THEN
      expect(stack.resolve(pipeline.pipelineArn)).toEqual(arnPattern(`:sagemaker:us-east-1:123456789012:pipeline/${pipelineName.toLowerCase()}`));
      expect(stack.resolve(pipeline.cfnPipeline.pipelineName)).toBe(pipelineName);
    }), { numRuns: 50 });
  });
});

describe('importing', () => {
  test('fromPipelineName builds the ARN in the stack account and region', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    const imported = Pipeline.fromPipelineName(stack, 'Imported', 'existing-pipeline');

    // THEN
    expect(imported.pipelineName).toBe('existing-pipeline');
    expect(stack.resolve(imported.pipelineArn)).toEqual(arnPattern(':sagemaker:us-east-1:123456789012:pipeline/existing-pipeline'));
  });

  test('fromPipelineArn parses the name, account and region', () => {
    // GIVEN
    const { stack } = newStack();
    const arn = 'arn:aws:sagemaker:eu-west-1:210987654321:pipeline/existing-pipeline';

    // WHEN
    const imported = Pipeline.fromPipelineArn(stack, 'Imported', arn);

    // THEN
    expect(imported.pipelineName).toBe('existing-pipeline');
    expect(imported.pipelineArn).toBe(arn);
    expect(imported.env).toEqual({ account: '210987654321', region: 'eu-west-1' });
  });

  test.each([
    'arn:aws:sagemaker:us-east-1:123456789012:model/existing',
    'arn:aws:sagemaker:us-east-1:123456789012:pipeline/',
  ])('fromPipelineArn refuses %p', (arn) => {
    // GIVEN
    const { stack } = newStack();

    // WHEN / THEN
    expect(() => Pipeline.fromPipelineArn(stack, 'Imported', arn)).toThrow(/Pipeline.fromPipelineArn: '.*' is not a pipeline ARN; expected arn:<partition>:sagemaker:<region>:<account>:pipeline\/<name>/);
  });

  // Regression test: this once rendered incorrectly.
  test('fromPipelineArn refuses a string that is not an ARN with its own message', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN / THEN
    expect(() => Pipeline.fromPipelineArn(stack, 'Imported', 'existing-pipeline')).toThrow(/Pipeline.fromPipelineArn: 'existing-pipeline' is not a pipeline ARN/);
  });

  test('fromPipelineArn refuses a string that is not an ARN', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN / THEN
    expect(() => Pipeline.fromPipelineArn(stack, 'Imported', 'existing-pipeline')).toThrow(/ARN/);
  });

  test('an imported pipeline grants StartPipelineExecution on its ARN', () => {
    // GIVEN
    const { stack } = newStack();
    const imported = Pipeline.fromPipelineArn(stack, 'Imported', 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/existing');
    const role = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });

    // WHEN
    imported.grantStartPipelineExecution(role);

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'sagemaker:StartPipelineExecution', Effect: 'Allow', Resource: 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/existing' }] },
    });
  });
});

describe('ecosystem', () => {
  test('a Pipeline is an aws_sagemaker.IPipeline', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    const pipeline = new Pipeline(stack, 'Pipeline');
    const asCdk: aws_sagemaker.IPipeline = pipeline;
    const asOwn: IPipeline = pipeline;

    // THEN
    expect(asCdk.pipelineName).toBe(asOwn.pipelineName);
  });

  test('an EventBridge Scheduler target starts the pipeline', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'abalone' });
    const input = new ParameterString('InputData', { defaultValue: 's3://example-bucket/raw' });
    new FailStep(pipeline, 'Fail', { errorMessage: input.valueAsString });

    // WHEN
    new scheduler.Schedule(stack, 'Nightly', {
      schedule: scheduler.ScheduleExpression.rate(Duration.days(1)),
      target: new targets.SageMakerStartPipelineExecution(pipeline, {
        pipelineParameterList: [{ name: 'InputData', value: 's3://example-bucket/nightly' }],
      }),
    });

    // THEN
    definitionOf(stack);
    const template = Template.fromStack(stack);
    const pipelineArn = arnPattern(':sagemaker:us-east-1:123456789012:pipeline/abalone');
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Target: {
        Arn: pipelineArn,
        SageMakerPipelineParameters: { PipelineParameterList: [{ Name: 'InputData', Value: 's3://example-bucket/nightly' }] },
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([{ Action: 'sagemaker:StartPipelineExecution', Effect: 'Allow', Resource: pipelineArn }]) },
    });
  });

  test('a pipeline in one stack reads a bucket and a role of another through exports', () => {
    // GIVEN
    const { app } = newStack();
    const env = { account: '123456789012', region: 'us-east-1' };
    const data = new Stack(app, 'Data', { env });
    const bucket = new s3.Bucket(data, 'Bucket');
    const jobRole = new iam.Role(data, 'JobRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const ml = new Stack(app, 'Ml', { env });
    const pipeline = new Pipeline(ml, 'Pipeline', { pipelineName: 'cross-stack' });

    // WHEN
    const step = prep(pipeline, 'Prep', {
      role: jobRole,
      outputs: [{ outputName: 'train', localPath: '/opt/ml/processing/train', s3Uri: `s3://${bucket.bucketName}/train` }],
    });
    train(pipeline, 'Train', step.properties.ProcessingOutputConfig.Outputs.train.S3Output.S3Uri, { role: jobRole });

    // THEN
    const definition = definitionOf(ml);
    const imported = (name: string) => `\${CFN:{'Fn::ImportValue':'${name}'}}`;
    const exports = Object.values(Template.fromStack(data).toJSON().Outputs as Record<string, any>).map((o) => o.Export.Name);
    const bucketExport = exports.find((e: string) => e.includes('Bucket'));
    const roleExport = exports.find((e: string) => e.includes('JobRole'));
    expect(bucketExport).toBeDefined();
    expect(roleExport).toBeDefined();
    expect(stepOf(definition, 'Prep').Arguments.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri).toBe(`s3://${imported(bucketExport!)}/train`);
    expect(stepOf(definition, 'Prep').Arguments.RoleArn).toBe(imported(roleExport!));
    expect(stepOf(definition, 'Train').Arguments.RoleArn).toBe(imported(roleExport!));
    // The definition holds no reference to the other stack's resources but through imports.
    expect(JSON.stringify(Template.fromStack(ml).toJSON())).not.toMatch(/"Ref":"Bucket|"Fn::GetAtt":\["JobRole/);
  });

  test('grantStartPipelineExecution on a Lambda function', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'abalone' });
    new FailStep(pipeline, 'Fail');
    const fn = new lambda.Function(stack, 'Starter', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {};'),
    });

    // WHEN
    const grant = pipeline.grantStartPipelineExecution(fn);

    // THEN
    definitionOf(stack);
    expect(grant.success).toBe(true);
    const statements = statementsOf(Template.fromStack(stack), fn.role!);
    expect(statements).toEqual([
      { Action: 'sagemaker:StartPipelineExecution', Effect: 'Allow', Resource: arnPattern(':sagemaker:us-east-1:123456789012:pipeline/abalone') },
    ]);
  });
});

describe('IAM', () => {
  test('the default pipeline role is trusted by SageMaker and has no managed policies', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    const pipeline = new Pipeline(stack, 'Pipeline');
    prep(pipeline);

    // THEN
    definitionOf(stack);
    const template = Template.fromStack(stack);
    const role = template.toJSON().Resources[logicalIdOf(pipeline.role as iam.Role)];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' } },
    ]);
    for (const r of Object.values(template.findResources('AWS::IAM::Role')) as any[]) {
      expect(r.Properties.ManagedPolicyArns).toBeUndefined();
    }
    template.hasResourceProperties('AWS::SageMaker::Pipeline', { RoleArn: { 'Fn::GetAtt': [logicalIdOf(pipeline.role as iam.Role), 'Arn'] } });
  });

  test('the pipeline role passes only the job roles its steps use, only to SageMaker, and creates only their job types', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const customRole = new iam.Role(stack, 'TrainRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });

    // WHEN
    const p = prep(pipeline);
    const t = train(pipeline, 'Train', p.properties.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri, { role: customRole });
    prep(pipeline, 'Prep2');

    // THEN
    definitionOf(stack);
    const template = Template.fromStack(stack);
    const statements = statementsOf(template, pipeline.role);
    const passRole = statements.filter((s) => actionsOf(s).includes('iam:PassRole'));
    expect(passRole).toEqual([
      { Action: 'iam:PassRole', Effect: 'Allow', Resource: { 'Fn::GetAtt': [logicalIdOf(pipeline.defaultJobRole as iam.Role), 'Arn'] }, Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } } },
      { Action: 'iam:PassRole', Effect: 'Allow', Resource: { 'Fn::GetAtt': [logicalIdOf(customRole), 'Arn'] }, Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } } },
    ]);
    expect(p.role).toBe(pipeline.defaultJobRole);
    expect(t.role).toBe(customRole);

    const sagemakerStatements = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('sagemaker:')));
    expect(sagemakerStatements).toEqual([
      {
        Action: ['sagemaker:CreateProcessingJob', 'sagemaker:DescribeProcessingJob', 'sagemaker:StopProcessingJob', 'sagemaker:AddTags'],
        Effect: 'Allow',
        Resource: arnPattern(':sagemaker:us-east-1:123456789012:processing-job/*'),
      },
      {
        Action: ['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob', 'sagemaker:AddTags'],
        Effect: 'Allow',
        Resource: arnPattern(':sagemaker:us-east-1:123456789012:training-job/*'),
      },
    ]);
    expect(statements).toHaveLength(passRole.length + sagemakerStatements.length);
    for (const s of statements) {
      expect(s.Resource).not.toBe('*');
    }
  });

  test('a pipeline with only a FailStep grants its role nothing and creates no job role', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');

    // WHEN
    new FailStep(pipeline, 'Fail');

    // THEN
    definitionOf(stack);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.resourceCountIs('AWS::IAM::Role', 1);
  });

  test('no *FullAccess managed policy appears anywhere in the template', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');

    // WHEN
    const p = prep(pipeline, 'Prep', { code: CODE });
    train(pipeline, 'Train', p.properties.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri);

    // THEN
    definitionOf(stack);
    expect(JSON.stringify(Template.fromStack(stack).toJSON())).not.toMatch(/FullAccess/);
  });

  test('a role brought by the user is the RoleArn and receives the grants; no role is created', () => {
    // GIVEN
    const { stack } = newStack();
    const role = new iam.Role(stack, 'MyPipelineRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });

    // WHEN
    const pipeline = new Pipeline(stack, 'Pipeline', { role });
    prep(pipeline);

    // THEN
    definitionOf(stack);
    const template = Template.fromStack(stack);
    expect(pipeline.role).toBe(role);
    template.hasResourceProperties('AWS::SageMaker::Pipeline', { RoleArn: { 'Fn::GetAtt': [logicalIdOf(role), 'Arn'] } });
    expect(statementsOf(template, role).flatMap(actionsOf)).toEqual(expect.arrayContaining(['iam:PassRole', 'sagemaker:CreateProcessingJob']));
    expect(pipeline.node.tryFindChild('Role')).toBeUndefined();
  });

  test('an imported immutable role is used as is', () => {
    // GIVEN
    const { stack } = newStack();
    const role = iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::123456789012:role/pipeline-role', { mutable: false });

    // WHEN
    const pipeline = new Pipeline(stack, 'Pipeline', { role });
    prep(pipeline);

    // THEN
    definitionOf(stack);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SageMaker::Pipeline', { RoleArn: 'arn:aws:iam::123456789012:role/pipeline-role' });
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as any[];
    expect(policies.flatMap((p) => p.Properties.PolicyDocument.Statement).flatMap(actionsOf)).not.toContain('iam:PassRole');
  });

  test('the job role reads literal input prefixes, writes output prefixes, pulls the ECR image and reads the code asset', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');

    // WHEN
    prep(pipeline, 'Prep', { code: CODE });

    // THEN
    definitionOf(stack);
    const statements = statementsOf(Template.fromStack(stack), pipeline.defaultJobRole);
    expect(statements).toEqual(expect.arrayContaining([
      { Action: 's3:GetObject', Effect: 'Allow', Resource: arnPattern(':s3:::example-bucket/raw*') },
      // One list statement per bucket, limited to every prefix the role reads or writes there.
      { Action: 's3:ListBucket', Effect: 'Allow', Resource: arnPattern(':s3:::example-bucket'), Condition: { StringLike: { 's3:prefix': ['raw*', 'out*'] } } },
      { Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'], Effect: 'Allow', Resource: arnPattern(':s3:::example-bucket/out*') },
      {
        Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        Effect: 'Allow',
        Resource: arnPattern(':ecr:us-east-1:123456789012:repository/sklearn'),
      },
      { Action: 'ecr:GetAuthorizationToken', Effect: 'Allow', Resource: '*' },
    ]));
    const assetRead = statements.find((s) => actionsOf(s).includes('s3:GetObject*'));
    expect(assetRead.Resource).toEqual([
      arnPattern(':s3:::cdk-hnb659fds-assets-123456789012-us-east-1'),
      arnPattern(':s3:::cdk-hnb659fds-assets-123456789012-us-east-1/*'),
    ]);
    expect(actionsOf(assetRead).filter((a) => !a.startsWith('s3:Get') && !a.startsWith('s3:List'))).toEqual([]);
  });

  test('a bucket token in an output URI is granted with the bucket kept as a CloudFormation value', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const bucket = new s3.Bucket(stack, 'Data');

    // WHEN
    new TrainingStep(pipeline, 'Train', {
      image: IMAGE,
      outputPath: `s3://${bucket.bucketName}/models`,
      inputs: [TrainingInput.s3('train', 's3://literal-bucket/train/')],
    });

    // THEN
    definitionOf(stack);
    const statements = statementsOf(Template.fromStack(stack), pipeline.defaultJobRole);
    expect(statements).toEqual(expect.arrayContaining([
      { Action: 's3:GetObject', Effect: 'Allow', Resource: arnPattern(':s3:::literal-bucket/train/*') },
      {
        Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
        Effect: 'Allow',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { Ref: logicalIdOf(bucket) }, '/models*']] },
      },
    ]));
  });

  test('URIs known only at run time grant nothing on S3', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const input = new ParameterString('InputData');

    // WHEN
    const publicImage = ContainerImage.fromRegistry('public.ecr.aws/docker/library/python:3.12');
    const p = new ProcessingStep(pipeline, 'Prep', {
      image: publicImage,
      inputs: [{ inputName: 'raw', s3Uri: input.valueAsString, localPath: '/opt/ml/processing/raw' }],
      outputs: [{ outputName: 'train', localPath: '/opt/ml/processing/train', s3Uri: `${input.valueAsString}/out` }],
    });
    train(pipeline, 'Train', p.properties.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri, { outputPath: input.valueAsString, image: publicImage });

    // THEN
    definitionOf(stack);
    const actions = statementsOf(Template.fromStack(stack), pipeline.defaultJobRole).flatMap(actionsOf);
    expect(actions.filter((a) => a.startsWith('s3:') || a.startsWith('ecr:'))).toEqual([]);
  });

  // Regression test: this once rendered incorrectly.
  test('a URI whose bucket name contains an expression grants nothing on a truncated bucket', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const environment = new ParameterString('Env', { defaultValue: 'dev' });

    // WHEN
    new TrainingStep(pipeline, 'Train', {
      image: ContainerImage.fromRegistry('public.ecr.aws/docker/library/python:3.12'),
      outputPath: `s3://models-${environment.valueAsString}/out`,
      inputs: [TrainingInput.s3('train', `s3://data-${environment.valueAsString}/train`)],
    });

    // THEN
    definitionOf(stack);
    const actions = statementsOf(Template.fromStack(stack), pipeline.defaultJobRole).flatMap(actionsOf);
    expect(actions.filter((a) => a.startsWith('s3:'))).toEqual([]);
  });
});

describe('graph', () => {
  test('an empty pipeline fails synth', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    new Pipeline(stack, 'Pipeline', { pipelineName: 'empty' });

    // THEN
    expect(() => Template.fromStack(stack)).toThrow(/pipeline empty has no steps; add at least one/);
  });

  test('two steps with the same stepName fail synth naming both paths', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');

    // WHEN
    new FailStep(pipeline, 'First', { stepName: 'Stop' });
    new FailStep(new Construct(pipeline, 'Group'), 'Second', { stepName: 'Stop' });

    // THEN
    expect(() => Template.fromStack(stack))
      .toThrow(/2 steps are named 'Stop' \(Stack\/Pipeline\/First, Stack\/Pipeline\/Group\/Second\); step names must be unique within a pipeline/);
  });

  test('a cycle of three steps fails synth listing the cycle with construct paths', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const c = prep(pipeline, 'C');
    const a = train(pipeline, 'A', c.properties.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri);
    const b = train(pipeline, 'B', a.properties.ModelArtifacts.S3ModelArtifacts);

    // WHEN
    c.addDependsOn(b);

    // THEN
    const errors = synthErrors(stack);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/steps form a cycle: (A -> B -> C -> A|B -> C -> A -> B|C -> A -> B -> C) \(/);
    for (const id of ['A', 'B', 'C']) {
      expect(errors[0]).toContain(`Stack/Pipeline/${id}`);
    }
  });

  test('two steps depending on each other form a cycle', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const a = new FailStep(pipeline, 'A');
    const b = new FailStep(pipeline, 'B', { dependsOn: [a] });

    // WHEN
    a.addDependsOn(b);

    // THEN
    expect(() => Template.fromStack(stack)).toThrow(/steps form a cycle: A -> B -> A \(Stack\/Pipeline\/A, Stack\/Pipeline\/B\)/);
  });

  test('a step reading properties of a step of another pipeline fails naming both paths', () => {
    // GIVEN
    const { stack } = newStack();
    const first = new Pipeline(stack, 'First');
    const second = new Pipeline(stack, 'Second');
    const p = prep(first, 'Prep');

    // WHEN
    train(second, 'Train', p.properties.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri);

    // THEN
    expect(() => Template.fromStack(stack))
      .toThrow(/step Stack\/Second\/Train reads properties of Stack\/First\/Prep, which belongs to another pipeline \(Stack\/First\)/);
  });

  test('a step depending on a step of another pipeline fails naming both paths', () => {
    // GIVEN
    const { stack } = newStack();
    const first = new Pipeline(stack, 'First');
    const second = new Pipeline(stack, 'Second');
    const a = new FailStep(first, 'A');

    // WHEN
    new FailStep(second, 'B', { dependsOn: [a] });

    // THEN
    expect(() => Template.fromStack(stack))
      .toThrow(/step Stack\/Second\/B depends on Stack\/First\/A, which belongs to another pipeline \(Stack\/First\)/);
  });

  test('several problems are reported at once', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const other = new Pipeline(stack, 'Other');
    const foreign = new FailStep(other, 'Foreign');

    // WHEN
    new FailStep(pipeline, 'Bad Id');
    new FailStep(pipeline, 'One', { stepName: 'Same' });
    new FailStep(pipeline, 'Two', { stepName: 'Same', dependsOn: [foreign] });
    const x = new FailStep(pipeline, 'X');
    const y = new FailStep(pipeline, 'Y', { dependsOn: [x] });
    x.addDependsOn(y);

    // THEN
    const errors = synthErrors(stack);
    expect(errors).toEqual(expect.arrayContaining([
      expect.stringMatching(/^\[Stack\/Pipeline\] step name 'Bad Id' of Stack\/Pipeline\/Bad Id is invalid/),
      expect.stringMatching(/^\[Stack\/Pipeline\] 2 steps are named 'Same' \(Stack\/Pipeline\/One, Stack\/Pipeline\/Two\)/),
      expect.stringMatching(/^\[Stack\/Pipeline\] step Stack\/Pipeline\/Two depends on Stack\/Other\/Foreign, which belongs to another pipeline/),
      expect.stringMatching(/^\[Stack\/Pipeline\] steps form a cycle: X -> Y -> X/),
    ]));
    expect(errors).toHaveLength(4);
  });

  test('steps render in dependency order even when constructed in reverse order', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');
    const late = new Construct(pipeline, 'Late');
    const early = new Construct(pipeline, 'Early');

    // WHEN: construct order Report, Train, Prep (Late's children are found first), data flows Prep -> Train -> Report
    const p = prep(early, 'Prep');
    const t = train(late, 'Train', p.properties.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri);
    const report = new FailStep(late, 'Report', { errorMessage: t.properties.ModelArtifacts.S3ModelArtifacts });
    const cleanup = new FailStep(late, 'Cleanup');
    const first = new FailStep(early, 'First');
    cleanup.addDependsOn(report);
    p.addDependsOn(first);

    // THEN
    const definition = definitionOf(stack);
    expect(pipeline.steps.map((s) => s.stepName)).toEqual(['Train', 'Report', 'Cleanup', 'Prep', 'First']);
    expect(definition.Steps.map((s: any) => s.Name)).toEqual(['First', 'Prep', 'Train', 'Report', 'Cleanup']);
    expect(stepOf(definition, 'Prep').DependsOn).toEqual(['First']);
    expect(stepOf(definition, 'Cleanup').DependsOn).toEqual(['Report']);
  });

  test('steps without dependencies keep construct order', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline');

    // WHEN
    for (const id of ['C', 'A', 'B']) {
      new FailStep(pipeline, id);
    }

    // THEN
    expect(definitionOf(stack).Steps.map((s: any) => s.Name)).toEqual(['C', 'A', 'B']);
  });

  test('two synths of the same app give identical templates', () => {
    // GIVEN
    const build = () => {
      const { stack } = newStack();
      const pipeline = new Pipeline(stack, 'Pipeline');
      const p = prep(pipeline, 'Prep', { code: CODE });
      train(pipeline, 'Train', p.properties.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri);
      definitionOf(stack);
      return Template.fromStack(stack).toJSON();
    };

    // WHEN
    const first = build();
    const second = build();

    // THEN
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
  });
});
