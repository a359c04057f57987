import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { definitionOf as templateDefinitionOf, newStack } from './util';
import { createApp as createAbalone } from '../examples/abalone/app';
import {
  DefinitionInputError, DefinitionPlacement, FailStep, ParameterString, Pipeline, definitionOf, loadDefinition,
} from '../lib';

function stackWithPipeline(placement?: DefinitionPlacement) {
  const { app, stack } = newStack();
  const bucket = new s3.Bucket(stack, 'Data');
  const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'daily', definitionPlacement: placement });
  const where = new ParameterString('Where', { defaultValue: 's3://example/x' });
  new FailStep(pipeline, 'Stop', { errorMessage: `stopped at ${where.valueAsString} in ${bucket.bucketName}` });
  return { app, stack, pipeline, bucket };
}

describe('definitionOf', () => {
  test('gives the template definition, with readable placeholders, from a stack or a pipeline', () => {
    // GIVEN
    const { stack, pipeline } = stackWithPipeline();
    // WHEN
    const fromStack = definitionOf(stack);
    // THEN
    expect(fromStack).toEqual(templateDefinitionOf(stack));
    expect(definitionOf(pipeline)).toEqual(fromStack);
    expect(JSON.stringify(fromStack)).toMatch(/\$\{Ref:Data[0-9A-F]+\}/);
  });

  test('is the same object on every run: two separate apps of an example with code assets give equal JSON', () => {
    // GIVEN two builds of the abalone example (processing code as content-hashed assets, roles, buckets)
    const first = createAbalone(new App());
    const second = createAbalone(new App());
    // WHEN
    const a = JSON.stringify(definitionOf(first));
    const b = JSON.stringify(definitionOf(second));
    // THEN
    expect(a).toEqual(b);
    expect(a).toMatch(/\$\{GetAtt:[A-Za-z0-9]+\.Arn\}/);
    expect(a).not.toMatch(/\$\{Token\[|Fn::|"Ref"/);
  });

  test('fills given values for CloudFormation values', () => {
    const { stack, bucket } = stackWithPipeline();
    const id = stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
    const definition = definitionOf(stack, { values: { [id]: 'my-bucket' } }) as any;
    expect(definition.Steps[0].Arguments.ErrorMessage['Std:Join'].Values).toEqual(['stopped at ', { Get: 'Parameters.Where' }, ' in ', 'my-bucket']);
  });

  test('refuses a scope with no pipeline, and several pipelines without a choice', () => {
    const { stack } = newStack();
    expect(() => definitionOf(stack)).toThrow(DefinitionInputError);
    expect(() => definitionOf(stack)).toThrow(/no Pipeline under Stack/);
    const p1 = new Pipeline(stack, 'One');
    new FailStep(p1, 'F', {});
    const p2 = new Pipeline(stack, 'Two');
    new FailStep(p2, 'F', {});
    expect(() => definitionOf(stack)).toThrow(/holds 2 pipelines \(Stack\/One, Stack\/Two\)/);
    expect(definitionOf(stack, { pipeline: 'Two' })).toEqual(definitionOf(p2));
  });
});

describe('loadDefinition', () => {
  function synthTo(placement?: DefinitionPlacement): string {
    const { app } = stackWithPipeline(placement);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'load-'));
    app.synth({ force: true });
    // copy the assembly so the test owns it
    const assembly = app.synth();
    fs.cpSync(assembly.directory, out, { recursive: true });
    return out;
  }

  test('reads a cdk.out folder, a template and a definition file alike', () => {
    const dir = synthTo();
    const fromFolder = loadDefinition(dir);
    expect(fromFolder.pipelineName).toBe('daily');
    expect(fromFolder.logicalId).toMatch(/^Pipeline/);
    const fromTemplate = loadDefinition(path.join(dir, 'Stack.template.json'));
    expect(fromTemplate.definition).toEqual(fromFolder.definition);
    const file = path.join(dir, 'definition.json');
    fs.writeFileSync(file, JSON.stringify(fromFolder.definition));
    expect(loadDefinition(file).definition).toEqual(fromFolder.definition);
  });

  test('reads a definition placed in S3 from the staged asset, markers as placeholders', () => {
    const inline = loadDefinition(synthTo()).definition;
    const inS3 = loadDefinition(synthTo(DefinitionPlacement.s3())).definition;
    expect(inS3).toEqual(inline);
  });

  test('picks a pipeline by name or logical id and names the choices when unknown', () => {
    const dir = synthTo();
    expect(loadDefinition(dir, { pipeline: 'daily' }).pipelineName).toBe('daily');
    expect(loadDefinition(dir, { pipeline: 'Pipeline' }).pipelineName).toBe('daily');
    expect(() => loadDefinition(dir, { pipeline: 'nightly' })).toThrow(/no pipeline 'nightly'. The pipelines are: Pipeline[0-9A-F]+ \(daily\)/);
  });

  test('names what is wrong with bad input', () => {
    expect(() => loadDefinition('/no/such/file.json')).toThrow(/no such file or folder/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-'));
    expect(() => loadDefinition(dir)).toThrow(/holds no \*\.template\.json/);
    const notJson = path.join(dir, 'x.json');
    fs.writeFileSync(notJson, '{');
    expect(() => loadDefinition(notJson)).toThrow(/not valid JSON/);
    fs.writeFileSync(notJson, '{"Steps": 3}');
    expect(() => loadDefinition(notJson)).toThrow(/neither a CloudFormation template/);
  });
});
