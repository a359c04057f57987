import { Annotations as CdkAnnotations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import {
  CallbackOutputType, CallbackStep, Condition, ConditionStep, ContainerImage, FailStep, ParameterFloat, Pipeline, PipelineGraph,
  ProcessingStep, TrainingStep,
} from '../lib';
import { definitionOf, newStack } from './util';

const IMAGE = ContainerImage.fromRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com/sklearn:1.2-1');
const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/approvals';

function newPipeline() {
  const { app, stack } = newStack();
  const pipeline = new Pipeline(stack, 'Pipeline');
  return { app, stack, pipeline };
}

/** Warnings of the stack with the given id, as [construct path, message] pairs. */
function warnings(stack: import('aws-cdk-lib').Stack, id: string): Array<[string, string]> {
  return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(`\\[ack: ${id}\\]`))
    .map((w) => [w.id, String(w.entry.data)]);
}

describe('PipelineGraph', () => {
  test('pipeline.graph() has every step and data, DependsOn and branch edges, branch steps placed in their branch', () => {
    // GIVEN
    const { pipeline } = newPipeline();
    const prep = new ProcessingStep(pipeline, 'Prep', { image: IMAGE });
    const train = new TrainingStep(pipeline, 'Train', {
      image: IMAGE, outputPath: 's3://example-bucket/models', environment: { DATA: prep.properties.ProcessingJobName }, dependsOn: [prep],
    });
    const audit = new ProcessingStep(pipeline, 'Audit', { image: IMAGE, dependsOn: [prep] });
    const fail = new FailStep(pipeline, 'TooBad', { errorMessage: `bad model ${train.properties.ModelArtifacts.S3ModelArtifacts}` });
    new ConditionStep(pipeline, 'Check', {
      conditions: [Condition.greaterThan(new ParameterFloat('Threshold', { defaultValue: 0.5 }), 0.1)],
      ifSteps: [audit],
      elseSteps: [fail],
    });

    // WHEN
    const graph = pipeline.graph();

    // THEN
    expect(graph.steps.map((s) => [s.name, s.type, s.branchOf])).toEqual([
      ['Prep', 'Processing', undefined],
      ['Train', 'Training', undefined],
      ['Check', 'Condition', undefined],
      ['Audit', 'Processing', { condition: 'Check', branch: 'if' }],
      ['TooBad', 'Fail', { condition: 'Check', branch: 'else' }],
    ]);
    expect(graph.edges).toEqual(expect.arrayContaining([
      { from: 'Prep', to: 'Train', kind: 'dependsOn' },
      { from: 'Prep', to: 'Train', kind: 'data' },
      { from: 'Prep', to: 'Audit', kind: 'dependsOn' },
      { from: 'Train', to: 'TooBad', kind: 'data' },
      { from: 'Check', to: 'Audit', kind: 'if' },
      { from: 'Check', to: 'TooBad', kind: 'else' },
    ]));
    expect(graph.edges).toHaveLength(6);
    expect(graph.findings()).toEqual([]);
  });

  test('toMermaid draws each edge kind differently and puts branch steps in a subgraph per branch', () => {
    // GIVEN
    const graph = PipelineGraph.fromDefinition({
      Version: '2020-12-01',
      Steps: [
        { Name: 'A', Type: 'Processing', Arguments: {} },
        { Name: 'B', Type: 'Processing', Arguments: { X: { Get: 'Steps.A.ProcessingJobName' } }, DependsOn: ['A'] },
        {
          Name: 'C',
          Type: 'Condition',
          Arguments: {
            Conditions: [{ Type: 'Equals', LeftValue: { Get: 'Steps.B.ProcessingJobStatus' }, RightValue: 'Completed' }],
            IfSteps: [{ Name: 'D', Type: 'Fail', Arguments: { ErrorMessage: 'x' } }],
            ElseSteps: [],
          },
        },
      ],
    });

    // WHEN
    const text = graph.toMermaid();

    // THEN
    expect(text.split('\n')).toEqual([
      'flowchart TD',
      '  s0["A<br/>(Processing)"]',
      '  s1["B<br/>(Processing)"]',
      '  s2{"C<br/>(Condition)"}',
      '  subgraph s2_if["C: if"]',
      '    s3["D<br/>(Fail)"]',
      '  end',
      '  s0 -. dependsOn .-> s1',
      '  s0 --> s1',
      '  s1 --> s2',
      '  s2 == if ==> s3',
      '',
    ]);
  });

  test('toDot draws DependsOn dashed, branches bold and labelled, branch steps in clusters', () => {
    // GIVEN
    const graph = PipelineGraph.fromDefinition({
      Steps: [
        { Name: 'A', Type: 'Processing', Arguments: {} },
        { Name: 'B', Type: 'Training', Arguments: {}, DependsOn: ['A'] },
        { Name: 'C', Type: 'Condition', Arguments: { Conditions: [], IfSteps: [], ElseSteps: [{ Name: 'E"x', Type: 'Fail', Arguments: { M: { Get: 'Steps.A.X' } } }] } },
      ],
    });

    // WHEN
    const dot = graph.toDot();

    // THEN
    expect(dot.startsWith('digraph pipeline {\n')).toBe(true);
    expect(dot).toContain('"A" -> "B" [style=dashed, label="dependsOn"];');
    expect(dot).toContain('"C" -> "E\\"x" [style=bold, label="else"];');
    expect(dot).toContain('"A" -> "E\\"x";');
    expect(dot).toMatch(/subgraph cluster_0 \{\n {4}label="C: else";\n {4}style=dashed;\n {4}"E\\"x" \[label="E\\"x\\n\(Fail\)"\];\n {2}\}/);
    expect(dot).toContain('"C" [label="C\\n(Condition)", shape=diamond, style=""];');
  });

  test('a step with no edge in a pipeline of several steps is a finding, marked in both pictures', () => {
    // GIVEN
    const graph = PipelineGraph.fromDefinition({
      Steps: [
        { Name: 'A', Type: 'Processing', Arguments: {} },
        { Name: 'B', Type: 'Processing', Arguments: { X: { Get: 'Steps.A.ProcessingJobName' } } },
        { Name: 'Lonely', Type: 'Lambda', Arguments: {}, FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f', OutputParameters: [] },
      ],
    });

    // WHEN
    const findings = graph.findings();

    // THEN
    expect(findings).toEqual([expect.objectContaining({ step: 'Lonely', kind: 'disconnected' })]);
    expect(findings[0].message).toMatch(/step Lonely \(Lambda\) has no edge to any other step.*Connect it.*or acknowledge this warning/);
    expect(graph.toMermaid()).toContain('s2["Lonely<br/>(Lambda) ⚠ not connected"]');
    expect(graph.toMermaid()).toContain('  class s2 warning');
    expect(graph.toDot()).toContain('"Lonely" [label="Lonely\\n(Lambda)\\n⚠ not connected", color=red, style="rounded,dashed"];');
  });

  test('a single step is not disconnected', () => {
    expect(PipelineGraph.fromDefinition({ Steps: [{ Name: 'Only', Type: 'Fail', Arguments: {} }] }).findings()).toEqual([]);
  });

  test('Lambda and Callback outputs that no step reads are findings; a read output is not', () => {
    // GIVEN
    const graph = PipelineGraph.fromDefinition({
      Steps: [
        { Name: 'L', Type: 'Lambda', Arguments: {}, OutputParameters: [{ OutputName: 'used' }, { OutputName: 'spare' }] },
        { Name: 'W', Type: 'Callback', Arguments: {}, OutputParameters: [{ OutputName: 'approved' }], DependsOn: ['L'] },
        { Name: 'T', Type: 'Fail', Arguments: { ErrorMessage: { Get: "Steps.L.OutputParameters['used']" } } },
      ],
    });

    // WHEN
    const findings = graph.findings();

    // THEN
    expect(findings.map((f) => [f.step, f.kind, f.outputs])).toEqual([
      ['L', 'unreadOutputs', ['spare']],
      ['W', 'unreadOutputs', ['approved']],
    ]);
    expect(findings[1].message).toMatch(/Callback step W declares output 'approved' that no step reads, so no edge leaves it and Studio shows it unconnected/);
    expect(graph.toMermaid()).toContain('unread outputs: spare');
  });

  test('references to unknown steps, self references and unnamed steps draw no edge', () => {
    const graph = PipelineGraph.fromDefinition({
      Steps: [
        { Name: 'A', Type: 'Processing', Arguments: { X: { Get: 'Steps.Nope.X' }, Y: { Get: 'Steps.A.Z' } }, DependsOn: ['Ghost'] },
        { Type: 'Fail', Arguments: {} },
      ],
    });
    expect(graph.steps.map((s) => s.name)).toEqual(['A']);
    expect(graph.edges).toEqual([]);
  });

  test('property: every reference between existing steps becomes exactly one data edge, and a step is disconnected iff it has no edge', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 12 }).chain((n) => fc.tuple(fc.constant(n), fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 30 }))),
      ([n, pairs]) => {
        // GIVEN steps S0..Sn-1 where the later step of each pair reads the earlier one
        const refs = pairs.filter(([a, b]) => a !== b).map(([a, b]) => (a < b ? [a, b] : [b, a]));
        const steps = Array.from({ length: n }, (_, i) => ({
          Name: `S${i}`,
          Type: 'Processing',
          Arguments: { Environment: Object.fromEntries(refs.filter(([, to]) => to === i).map(([from], k) => [`V${k}`, { Get: `Steps.S${from}.ProcessingJobName` }])) },
        }));
        // WHEN
        const graph = PipelineGraph.fromDefinition({ Steps: steps });
        // THEN
        const expected = new Set(refs.map(([a, b]) => `S${a}->S${b}`));
        expect(new Set(graph.edges.map((e) => `${e.from}->${e.to}`))).toEqual(expected);
        expect(graph.edges).toHaveLength(expected.size);
        const touched = new Set(refs.flat().map((i) => `S${i}`));
        const disconnected = graph.findings().filter((f) => f.kind === 'disconnected').map((f) => f.step);
        expect(disconnected).toEqual(n > 1 ? steps.map((s) => s.Name).filter((name) => !touched.has(name)) : []);
      },
    ));
  });
});

describe('disconnected-step warnings at synth', () => {
  test('warn on the step construct about a step with no edge', () => {
    // GIVEN
    const { stack, pipeline } = newPipeline();
    const prep = new ProcessingStep(pipeline, 'Prep', { image: IMAGE });
    new ProcessingStep(pipeline, 'Next', { image: IMAGE, dependsOn: [prep] });
    new ProcessingStep(pipeline, 'Lonely', { image: IMAGE });

    // WHEN
    definitionOf(stack);

    // THEN
    const found = warnings(stack, 'cdk-sagemaker-pipelines:disconnectedStep');
    expect(found).toHaveLength(1);
    expect(found[0][0]).toBe('/Stack/Pipeline/Lonely');
    expect(found[0][1]).toMatch(/^step Lonely \(Processing\) has no edge to any other step.*\(Stack\/Pipeline\/Lonely\)/);
  });

  test('warn about Callback outputs that no step reads (the seed article\'s unconnected step)', () => {
    // GIVEN
    const { stack, pipeline } = newPipeline();
    const prep = new ProcessingStep(pipeline, 'Prep', { image: IMAGE });
    new CallbackStep(pipeline, 'Approve', {
      queueUrl: QUEUE_URL, inputs: { job: prep.properties.ProcessingJobName }, outputs: [{ outputName: 'approved', outputType: CallbackOutputType.BOOLEAN }],
    });

    // WHEN
    definitionOf(stack);

    // THEN
    const found = warnings(stack, 'cdk-sagemaker-pipelines:unreadStepOutputs');
    expect(found).toEqual([['/Stack/Pipeline/Approve', expect.stringMatching(/Callback step Approve declares output 'approved' that no step reads/)]]);
    expect(warnings(stack, 'cdk-sagemaker-pipelines:disconnectedStep')).toEqual([]);
  });

  test('no warning once the output is read', () => {
    // GIVEN
    const { stack, pipeline } = newPipeline();
    const approve = new CallbackStep(pipeline, 'Approve', { queueUrl: QUEUE_URL, inputs: {}, outputs: [{ outputName: 'approved' }] });
    new FailStep(pipeline, 'Report', { errorMessage: `approved: ${approve.output('approved')}` });

    // WHEN
    definitionOf(stack);

    // THEN
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('the warnings can be acknowledged on the pipeline', () => {
    // GIVEN
    const { stack, pipeline } = newPipeline();
    new ProcessingStep(pipeline, 'A', { image: IMAGE });
    new ProcessingStep(pipeline, 'B', { image: IMAGE });
    CdkAnnotations.of(pipeline).acknowledgeWarning('cdk-sagemaker-pipelines:disconnectedStep', 'two independent jobs');

    // WHEN
    definitionOf(stack);

    // THEN
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });
});
