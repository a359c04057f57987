import * as fs from 'fs';
import * as path from 'path';
import { PROPERTY_ROOTS, REQUEST_SHAPES, SDK_VERSIONS, SHAPES } from '../lib/private/generated/shapes';
import { Shape, ShapeRef, StructureShape } from '../lib/private/shape-types';
import { isPrimitive, nearestName, shapeOf } from '../lib/private/shape-util';
import { GENERATED_SHAPES_PATH, generateShapesSource, REGENERATE_COMMAND } from '../scripts/shapes-generator';

/** Follows a member path from a root shape, e.g. `refAt('DescribeTrainingJobResponse', 'ModelArtifacts', 'S3ModelArtifacts')`. */
function refAt(root: ShapeRef, ...members: string[]): ShapeRef {
  let ref = root;
  for (const member of members) {
    const shape = shapeOf(ref);
    if (typeof shape === 'string' || shape.kind !== 'structure') throw new Error(`${ref} is not a structure (looking up ${member})`);
    if (!(member in shape.members)) throw new Error(`${ref} has no member ${member}`);
    ref = shape.members[member];
  }
  return ref;
}

function structure(ref: ShapeRef): StructureShape {
  const shape = shapeOf(ref);
  if (typeof shape === 'string' || shape.kind !== 'structure') throw new Error(`${ref} is not a structure`);
  return shape;
}

/** The shape refs a shape points to. */
function refsOf(shape: Shape): ShapeRef[] {
  switch (shape.kind) {
    case 'structure': return Object.values(shape.members);
    case 'list': return [shape.member];
    case 'map': return [shape.value];
    case 'enum': return [];
  }
}

function installedVersion(packageName: string): string {
  const file = path.join(__dirname, '..', 'node_modules', ...packageName.split('/'), 'package.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

describe('generated shape table', () => {
  test('the checked-in file matches what the generator produces from the installed SDK', () => {
    // WHEN
    const expected = generateShapesSource();
    const actual = fs.readFileSync(GENERATED_SHAPES_PATH, 'utf8');

    // THEN
    if (actual !== expected) {
      const a = actual.split('\n');
      const e = expected.split('\n');
      let line = 0;
      while (line < Math.max(a.length, e.length) && a[line] === e[line]) line++;
      throw new Error(
        'lib/private/generated/shapes.ts is out of date with the installed @aws-sdk/client-sagemaker / @aws-sdk/client-emr '
        + `(first difference at line ${line + 1}). Regenerate it with: ${REGENERATE_COMMAND}`,
      );
    }
  }, 60_000);

  test('records the installed SDK versions', () => {
    expect(SDK_VERSIONS).toEqual({
      sagemaker: installedVersion('@aws-sdk/client-sagemaker'),
      emr: installedVersion('@aws-sdk/client-emr'),
    });
  });

  test('every shape reference resolves (no dangling keys)', () => {
    const dangling: string[] = [];
    for (const [key, shape] of Object.entries(SHAPES)) {
      for (const ref of refsOf(shape)) {
        if (!isPrimitive(ref) && !(ref in SHAPES)) dangling.push(`${key} -> ${ref}`);
      }
    }
    expect(dangling).toEqual([]);
  });

  test('holds only shapes reachable from the roots', () => {
    // GIVEN
    const reached = new Set<string>();
    const queue = [...Object.values(PROPERTY_ROOTS).flat(), ...Object.values(REQUEST_SHAPES)];

    // WHEN
    while (queue.length > 0) {
      const ref = queue.pop()!;
      if (isPrimitive(ref) || reached.has(ref)) continue;
      reached.add(ref);
      const shape = shapeOf(ref);
      if (typeof shape !== 'string') queue.push(...refsOf(shape));
    }

    // THEN
    expect(Object.keys(SHAPES).filter(k => !reached.has(k))).toEqual([]);
  });

  test('roots are structures', () => {
    for (const root of [...Object.values(PROPERTY_ROOTS).flat(), ...Object.values(REQUEST_SHAPES)]) {
      expect(structure(root).kind).toBe('structure');
    }
    expect(PROPERTY_ROOTS.Tuning).toEqual(['DescribeHyperParameterTuningJobResponse', 'ListTrainingJobsForHyperParameterTuningJobResponse']);
    expect(REQUEST_SHAPES.QualityCheck).toBe('CreateProcessingJobRequest');
    expect(REQUEST_SHAPES.ClarifyCheck).toBe('CreateProcessingJobRequest');
  });

  test('Processing outputs and inputs are lists keyed by name', () => {
    const outputConfig = refAt('DescribeProcessingJobResponse', 'ProcessingOutputConfig');
    expect(outputConfig).toBe('ProcessingOutputConfig');
    expect(shapeOf(refAt(outputConfig, 'Outputs'))).toEqual({ kind: 'list', member: 'ProcessingOutput', keyedBy: 'OutputName' });
    expect(shapeOf(refAt('DescribeProcessingJobResponse', 'ProcessingInputs'))).toEqual({ kind: 'list', member: 'ProcessingInput', keyedBy: 'InputName' });
    expect(refAt('ProcessingOutput', 'S3Output', 'S3Uri')).toBe('string');
  });

  test('FinalMetricDataList is keyed by MetricName, and no other list is keyed', () => {
    expect(shapeOf(refAt('DescribeTrainingJobResponse', 'FinalMetricDataList'))).toEqual({ kind: 'list', member: 'MetricData', keyedBy: 'MetricName' });
    const keyed = Object.entries(SHAPES).filter(([, s]) => s.kind === 'list' && s.keyedBy !== undefined).map(([k]) => k);
    expect(keyed.sort()).toEqual(['FinalMetricDataList', 'ProcessingInputs', 'ProcessingOutputs']);
  });

  test('leaf, map and list types', () => {
    expect(refAt('DescribeTrainingJobResponse', 'ModelArtifacts', 'S3ModelArtifacts')).toBe('string');
    expect(refAt('DescribeTrainingJobResponse', 'HyperParameters')).toBe('map<string>');
    expect(shapeOf('map<string>')).toEqual({ kind: 'map', value: 'string' });
    expect(shapeOf(refAt('AppSpecification', 'ContainerEntrypoint'))).toEqual({ kind: 'list', member: 'string' });
    expect(refAt('DescribeTrainingJobResponse', 'CreationTime')).toBe('timestamp');
    expect(refAt('DescribeTrainingJobResponse', 'EnableNetworkIsolation')).toBe('boolean');
    expect(refAt('DescribeTrainingJobResponse', 'ResourceConfig', 'InstanceCount')).toBe('number');
    // A sensitive string is a named simple schema wrapped in a member schema in the SDK.
    expect(refAt('DescribeModelPackageOutput', 'ModelCard', 'ModelCardContent')).toBe('string');
  });

  test('required members are what the SDK declares', () => {
    // In this SDK version AlgorithmSpecification, ResourceConfig and StoppingCondition are optional
    // (serverless training jobs); the service checks them at run time.
    expect([...structure('CreateTrainingJobRequest').required].sort()).toEqual(['OutputDataConfig', 'RoleArn', 'TrainingJobName']);
    expect([...structure('CreateProcessingJobRequest').required].sort()).toEqual(['AppSpecification', 'ProcessingJobName', 'ProcessingResources', 'RoleArn']);
    expect(structure('ProcessingOutput').required).toEqual(['OutputName']);
    expect(structure('emr.Step').required).toEqual([]);
  });

  test('enums come from the SDK', () => {
    expect(refAt('ProcessingInput', 'S3Input', 'S3DataType')).toBe('enum:ProcessingS3DataType');
    expect(shapeOf('enum:ProcessingS3DataType')).toEqual({ kind: 'enum', values: ['ManifestFile', 'S3Prefix'] });
    expect(refAt('DescribeTrainingJobResponse', 'TrainingJobStatus')).toBe('enum:TrainingJobStatus');
    expect(shapeOf(refAt('DescribeModelPackageOutput', 'InferenceSpecification', 'SupportedTransformInstanceTypes')))
      .toEqual({ kind: 'list', member: 'enum:TransformInstanceType' });
  });

  test('EMR Step shapes are prefixed', () => {
    expect(PROPERTY_ROOTS.EMR).toEqual(['emr.Step']);
    expect(refAt('emr.Step', 'Status')).toBe('emr.StepStatus');
    const state = shapeOf(refAt('emr.Step', 'Status', 'State'));
    expect(state).toEqual(expect.objectContaining({ kind: 'enum' }));
    expect(typeof state !== 'string' && state.kind === 'enum' ? state.values : []).toContain('COMPLETED');
  });
});

describe('shapeOf / isPrimitive', () => {
  test('primitives are their own shape', () => {
    expect(isPrimitive('string')).toBe(true);
    expect(isPrimitive('ProcessingOutputConfig')).toBe(false);
    expect(shapeOf('number')).toBe('number');
  });

  test('unknown keys throw', () => {
    expect(() => shapeOf('NoSuchShape')).toThrow(/Unknown shape 'NoSuchShape'/);
    expect(() => shapeOf('constructor')).toThrow(/Unknown shape/);
  });
});

describe('nearestName', () => {
  test('finds transpositions, case slips and small typos', () => {
    expect(nearestName('Outptus', ['Outputs', 'OutputName'])).toBe('Outputs');
    expect(nearestName('s3uri', ['S3Uri', 'S3UploadMode'])).toBe('S3Uri');
    expect(nearestName('ModelArtefacts', ['ModelArtifacts', 'ModelPackageConfig'])).toBe('ModelArtifacts');
  });

  test('returns undefined when nothing is close', () => {
    expect(nearestName('Banana', ['Outputs', 'OutputName'])).toBeUndefined();
    expect(nearestName('Id', ['Arn'])).toBeUndefined();
    expect(nearestName('x', [])).toBeUndefined();
  });

  test('ties go to the first candidate', () => {
    expect(nearestName('Nam', ['Name', 'Nams'])).toBe('Name');
    expect(nearestName('Nam', ['Nams', 'Name'])).toBe('Nams');
  });
});
