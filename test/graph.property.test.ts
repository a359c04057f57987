import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { ContainerImage, ExecutionVariable, FailStep, ParameterString, Pipeline, TrainingStep } from '../lib';
import { definitionOf, newStack, stepOf } from './util';

const IMAGE = ContainerImage.fromRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com/xgboost:1.7-1');

/** How an edge `from -> to` is realised: `to` lists `from` in dependsOn, reads a property of it, or both. */
type EdgeKind = 'dependsOn' | 'property' | 'both';

interface Dag {
  readonly n: number;
  /** Edges from a lower to a higher index, without duplicates. */
  readonly edges: ReadonlyArray<{ from: number; to: number; kind: EdgeKind }>;
  /** The order in which the steps' scopes are created: the construct order the pipeline sees. */
  readonly order: readonly number[];
}

/** Random DAGs of 1..maxSteps steps, with edges only from lower to higher index, and a shuffled construct order. */
function dagArbitrary(minSteps: number, maxSteps: number): fc.Arbitrary<Dag> {
  return fc.integer({ min: minSteps, max: maxSteps }).chain((n) => fc.record({
    n: fc.constant(n),
    edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1), fc.constantFrom<EdgeKind>('dependsOn', 'property', 'both')), { maxLength: 3 * n })
      .map((raw) => {
        const seen = new Set<string>();
        const edges: Array<{ from: number; to: number; kind: EdgeKind }> = [];
        for (const [a, b, kind] of raw) {
          const from = Math.min(a, b);
          const to = Math.max(a, b);
          if (from !== to && !seen.has(`${from}-${to}`)) {
            seen.add(`${from}-${to}`);
            edges.push({ from, to, kind });
          }
        }
        return edges;
      }),
    order: fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
  }));
}

/**
 * Builds the DAG as training steps S0..S(n-1). Each step lives in its own scope; the scopes are created in
 * `order`, so the construct order is shuffled while each step is still created after the steps it reads from.
 */
function buildDag(dag: Dag): { stack: ReturnType<typeof newStack>['stack']; steps: TrainingStep[] } {
  const { stack } = newStack();
  const pipeline = new Pipeline(stack, 'Pipeline');
  const scopes: Construct[] = [];
  for (const index of dag.order) {
    scopes[index] = new Construct(pipeline, `Scope${index}`);
  }
  const steps: TrainingStep[] = [];
  for (let to = 0; to < dag.n; to++) {
    const hyperparameters: Record<string, string> = {};
    for (const edge of dag.edges) {
      if (edge.to === to && edge.kind !== 'dependsOn') {
        hyperparameters[`from_${edge.from}`] = steps[edge.from].properties.ModelArtifacts.S3ModelArtifacts;
      }
    }
    steps.push(new TrainingStep(scopes[to], `S${to}`, {
      image: IMAGE,
      outputPath: 's3://example-bucket/models',
      hyperparameters: Object.keys(hyperparameters).length > 0 ? hyperparameters : undefined,
    }));
  }
  // dependsOn edges are added after every step exists, in reverse, to avoid any accidental ordering.
  for (const edge of [...dag.edges].reverse()) {
    if (edge.kind !== 'property') {
      steps[edge.to].addDependsOn(steps[edge.from]);
    }
  }
  return { stack, steps };
}

/** Names of the steps a rendered step reads from (`{"Get": "Steps.<name>...."}` anywhere in it). */
function referencedSteps(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    value.forEach((v) => referencedSteps(v, found));
  } else if (typeof value === 'object' && value !== null) {
    const get = (value as Record<string, unknown>).Get;
    if (typeof get === 'string' && get.startsWith('Steps.')) {
      found.add(get.split('.')[1]);
    }
    Object.values(value).forEach((v) => referencedSteps(v, found));
  }
  return found;
}

describe('random DAGs', () => {
  test('never fail with a cycle error, and render every step after the steps it depends on or reads', () => {
    fc.assert(fc.property(dagArbitrary(1, 30), (dag) => {
      // GIVEN
      const { stack } = buildDag(dag);

      // WHEN
      const definition = definitionOf(stack);

      // THEN
      const names: string[] = definition.Steps.map((s: any) => s.Name);
      expect([...names].sort()).toEqual([...Array(dag.n).keys()].map((i) => `S${i}`).sort());
      const position = new Map(names.map((name, i) => [name, i]));
      for (const step of definition.Steps) {
        const upstream = new Set<string>([...(step.DependsOn ?? []), ...referencedSteps(step.Arguments)]);
        for (const name of upstream) {
          expect(position.get(name)).toBeLessThan(position.get(step.Name)!);
        }
      }
      for (const edge of dag.edges) {
        expect(position.get(`S${edge.from}`)).toBeLessThan(position.get(`S${edge.to}`)!);
        const to = stepOf(definition, `S${edge.to}`);
        expect((to.DependsOn ?? []).includes(`S${edge.from}`)).toBe(edge.kind !== 'property');
        expect(referencedSteps(to.Arguments).has(`S${edge.from}`)).toBe(edge.kind !== 'dependsOn');
      }
    }), { numRuns: 25 });
  });

  test('adding one back-edge that closes a cycle always fails synth with "steps form a cycle"', () => {
    const withEdge = dagArbitrary(2, 30).filter((dag) => dag.edges.length > 0);
    fc.assert(fc.property(withEdge, fc.nat(), (dag, pick) => {
      // GIVEN: a pair (a, c) where c is reachable from a
      const downstream = new Map<number, number[]>();
      dag.edges.forEach((e) => downstream.set(e.from, [...(downstream.get(e.from) ?? []), e.to]));
      const pairs: Array<[number, number]> = [];
      for (let a = 0; a < dag.n; a++) {
        const reached = new Set<number>();
        const queue = [...(downstream.get(a) ?? [])];
        while (queue.length > 0) {
          const v = queue.shift()!;
          if (!reached.has(v)) {
            reached.add(v);
            queue.push(...(downstream.get(v) ?? []));
          }
        }
        reached.forEach((c) => pairs.push([a, c]));
      }
      const [a, c] = pairs[pick % pairs.length];
      const { stack, steps } = buildDag(dag);

      // WHEN: a now also depends on c
      steps[a].addDependsOn(steps[c]);

      // THEN
      expect(() => Template.fromStack(stack)).toThrow(/steps form a cycle: /);
    }), { numRuns: 25 });
  });
});

/** One piece of a concatenated string. */
type Fragment =
  | { kind: 'text'; text: string }
  | { kind: 'execution'; name: string }
  | { kind: 'parameter' }
  | { kind: 'bucket' };

const EXECUTION_VARIABLES: Record<string, string> = {
  StartDateTime: ExecutionVariable.START_DATE_TIME,
  CurrentDateTime: ExecutionVariable.CURRENT_DATE_TIME,
  PipelineName: ExecutionVariable.PIPELINE_NAME,
  PipelineArn: ExecutionVariable.PIPELINE_ARN,
  PipelineExecutionId: ExecutionVariable.PIPELINE_EXECUTION_ID,
  PipelineExecutionArn: ExecutionVariable.PIPELINE_EXECUTION_ARN,
  TrainingJobName: ExecutionVariable.TRAINING_JOB_NAME,
  ProcessingJobName: ExecutionVariable.PROCESSING_JOB_NAME,
};

const fragmentArbitrary: fc.Arbitrary<Fragment> = fc.oneof(
  fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.string({ unit: 'grapheme', maxLength: 4 }),
    fc.constantFrom('$', '{', '}', '${', '}$', '{}', '$$', '"', '\\', '\n', 's3://', '/'),
  ).map((text): Fragment => ({ kind: 'text', text })),
  fc.constantFrom(...Object.keys(EXECUTION_VARIABLES)).map((name): Fragment => ({ kind: 'execution', name })),
  fc.constant<Fragment>({ kind: 'parameter' }),
  fc.constant<Fragment>({ kind: 'bucket' }),
);

/** The marker that stands for an expression `{"Get": path}` when the rendered Values are joined back. */
function marker(path: string): string {
  return `\u0000<${path}>\u0000`;
}

describe('the renderer', () => {
  test('a concatenation renders as the plain string, a single Get, or a Std:Join whose Values join back to it', () => {
    fc.assert(fc.property(fc.array(fragmentArbitrary, { maxLength: 8 }), (fragments) => {
      // GIVEN
      const { stack } = newStack();
      const bucket = new s3.Bucket(stack, 'Data');
      const parameter = new ParameterString('Prefix', { defaultValue: 'runs' });
      const pipeline = new Pipeline(stack, 'Pipeline');
      const bucketPlaceholder = `\${Ref:${stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket)}}`;
      let message = '';
      let expected = '';
      for (const fragment of fragments) {
        switch (fragment.kind) {
          case 'text':
            message += fragment.text;
            expected += fragment.text;
            break;
          case 'execution':
            message += EXECUTION_VARIABLES[fragment.name];
            expected += marker(`Execution.${fragment.name}`);
            break;
          case 'parameter':
            message += parameter.valueAsString;
            expected += marker('Parameters.Prefix');
            break;
          case 'bucket':
            message += bucket.bucketName;
            expected += bucketPlaceholder;
            break;
        }
      }
      const expressions = fragments.filter((f) => f.kind === 'execution' || f.kind === 'parameter').length;

      // WHEN
      new FailStep(pipeline, 'Fail', { errorMessage: message });
      const definition = definitionOf(stack);

      // THEN
      const rendered = stepOf(definition, 'Fail').Arguments.ErrorMessage;
      const values: unknown[] = [];
      if (typeof rendered === 'string') {
        expect(expressions).toBe(0);
        values.push(rendered);
      } else if ('Get' in rendered) {
        expect(fragments.filter((f) => f.kind !== 'text' || f.text !== '')).toHaveLength(1);
        values.push(rendered);
      } else {
        expect(expressions).toBeGreaterThan(0);
        expect(Object.keys(rendered)).toEqual(['Std:Join']);
        expect(rendered['Std:Join'].On).toBe('');
        values.push(...rendered['Std:Join'].Values);
      }
      const joined = values.map((v) => {
        if (typeof v === 'string') {
          return v;
        }
        expect(Object.keys(v as object)).toEqual(['Get']);
        return marker((v as { Get: string }).Get);
      }).join('');
      expect(joined).toBe(expected);
      expect(definition.Parameters).toEqual(fragments.some((f) => f.kind === 'parameter') ? [{ Name: 'Prefix', Type: 'String', DefaultValue: 'runs' }] : []);
    }), { numRuns: 60 });
  });
});
