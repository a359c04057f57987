import { ValidationContext, isObject } from './validator/context';
import { collectSteps } from './validator/steps';

/**
 * How one step leads to another in a {@link PipelineGraph}:
 * - `data`: the later step reads a property of the earlier one (`{"Get": "Steps.A...."}`, a JsonGet of
 *   its property file);
 * - `dependsOn`: the later step lists the earlier one in `DependsOn`;
 * - `if` / `else`: the later step sits in that branch of the earlier condition step.
 */
export type PipelineGraphEdgeKind = 'data' | 'dependsOn' | 'if' | 'else';

/** Where a branch step sits: the condition step and which of its branches. */
export interface PipelineGraphBranch {
  /** Name of the condition step. */
  readonly condition: string;
  /** `if` (`IfSteps`) or `else` (`ElseSteps`). */
  readonly branch: 'if' | 'else';
}

/** One step of a {@link PipelineGraph}. */
export interface PipelineGraphStep {
  /** The step's `Name`. */
  readonly name: string;
  /** The step's `Type` (`Processing`, `Training`, `Condition`, ...). */
  readonly type: string;
  /**
   * The condition step whose branch holds this step, and which branch.
   * @default - a top-level step
   */
  readonly branchOf?: PipelineGraphBranch;
  /** Whether the step has `CacheConfig.Enabled: true`. */
  readonly cached: boolean;
  /**
   * Output parameters the step declares (Lambda and Callback steps), in declaration order.
   */
  readonly outputs: string[];
}

/** One edge of a {@link PipelineGraph}: `to` runs after `from`. */
export interface PipelineGraphEdge {
  /** Name of the earlier step. */
  readonly from: string;
  /** Name of the later step. */
  readonly to: string;
  /** Why `to` comes after `from`. */
  readonly kind: PipelineGraphEdgeKind;
}

/** A step a {@link PipelineGraph} finds suspicious, and why (see {@link PipelineGraph.findings}). */
export interface PipelineGraphFinding {
  /** Name of the step. */
  readonly step: string;
  /**
   * `disconnected`: a pipeline of several steps has this step with no edge at all (SageMaker Studio
   * draws it apart from the rest). `unreadOutputs`: a Lambda or Callback step declares outputs that
   * no step reads.
   */
  readonly kind: 'disconnected' | 'unreadOutputs';
  /**
   * The declared outputs no step reads (`unreadOutputs` only).
   * @default - none
   */
  readonly outputs?: string[];
  /** What was found and what to do about it. */
  readonly message: string;
}

/**
 * The step graph of a pipeline definition: every step (condition branches included), and the edges
 * between them by kind. Built from the definition JSON alone (DESIGN decision 12), so it serves a
 * `Pipeline` construct (`pipeline.graph()`), a synthesized template and a definition exported by the
 * SageMaker Python SDK alike:
 *
 * ```ts
 * const text = pipeline.graph().toMermaid();
 * const dot = PipelineGraph.fromDefinition(loadDefinition('cdk.out').definition).toDot();
 * ```
 */
export class PipelineGraph {
  /**
   * The graph of a parsed definition document (`{"Version", "Parameters", "Steps", ...}`). Steps
   * without a string `Name` are left out; references to steps that do not exist draw no edge (run
   * `validateDefinition` to report them).
   */
  public static fromDefinition(definition: Record<string, unknown>): PipelineGraph {
    const steps = Array.isArray(definition?.Steps) ? definition.Steps : [];
    const infos = collectSteps(new ValidationContext(), steps, 'Steps', []);
    const graphSteps: PipelineGraphStep[] = [];
    const seen = new Set<string>();
    const branchOf = new Map<string, { condition: string; branch: 'if' | 'else' }>();
    for (const info of infos) {
      const args = info.step.Arguments;
      if (info.type === 'Condition' && info.name !== undefined && isObject(args)) {
        for (const [key, branch] of [['IfSteps', 'if'], ['ElseSteps', 'else']] as const) {
          for (const nested of Array.isArray(args[key]) ? args[key] as unknown[] : []) {
            if (isObject(nested) && typeof nested.Name === 'string' && !branchOf.has(nested.Name)) {
              branchOf.set(nested.Name, { condition: info.name, branch });
            }
          }
        }
      }
    }
    const reads: Array<{ from: string; to: string; property: string }> = [];
    const edges: PipelineGraphEdge[] = [];
    for (const info of infos) {
      if (info.name === undefined || seen.has(info.name)) {
        continue;
      }
      seen.add(info.name);
      const step = info.step;
      const outputs = Array.isArray(step.OutputParameters)
        ? step.OutputParameters.filter(isObject).map((o) => o.OutputName).filter((n): n is string => typeof n === 'string')
        : [];
      graphSteps.push({
        name: info.name,
        type: info.type ?? 'Unknown',
        branchOf: branchOf.get(info.name),
        cached: isObject(step.CacheConfig) && step.CacheConfig.Enabled === true,
        outputs,
      });
      // Data references anywhere in the step, except inside the steps of its own branches.
      const own = info.type === 'Condition' && isObject(step.Arguments)
        ? { ...step, Arguments: { ...step.Arguments, IfSteps: undefined, ElseSteps: undefined } }
        : step;
      for (const get of stepGets(own)) {
        reads.push({ from: get.step, to: info.name, property: get.property });
      }
      if (Array.isArray(step.DependsOn)) {
        for (const from of step.DependsOn) {
          if (typeof from === 'string') {
            edges.push({ from, to: info.name, kind: 'dependsOn' });
          }
        }
      }
    }
    for (const read of reads) {
      edges.push({ from: read.from, to: read.to, kind: 'data' });
    }
    for (const [to, { condition, branch }] of branchOf) {
      edges.push({ from: condition, to, kind: branch });
    }
    return new PipelineGraph(graphSteps, edges, reads);
  }

  /** Every step, top-level steps and branch steps in document order. */
  public readonly steps: PipelineGraphStep[];
  /** Every edge between two steps of the graph, once per kind. */
  public readonly edges: PipelineGraphEdge[];
  private readonly reads: Array<{ from: string; to: string; property: string }>;

  private constructor(steps: PipelineGraphStep[], edges: PipelineGraphEdge[], reads: Array<{ from: string; to: string; property: string }>) {
    this.steps = steps;
    const names = new Set(steps.map((s) => s.name));
    const seen = new Set<string>();
    this.edges = edges.filter((e) => {
      const key = `${e.kind}\u0000${e.from}\u0000${e.to}`;
      if (!names.has(e.from) || !names.has(e.to) || e.from === e.to || seen.has(key)) {
        return false;
      }
      seen.add(key);
      return true;
    });
    this.reads = reads.filter((r) => names.has(r.from));
  }

  /**
   * Steps worth a second look: in a pipeline of several steps, a step with no edge at all (Studio
   * shows it apart, and it runs at the start of every execution); a Lambda or Callback step whose
   * declared outputs no step reads. `Pipeline` warns about each at synth.
   */
  public findings(): PipelineGraphFinding[] {
    const findings: PipelineGraphFinding[] = [];
    const connected = new Set<string>();
    for (const e of this.edges) {
      connected.add(e.from);
      connected.add(e.to);
    }
    for (const step of this.steps) {
      if (this.steps.length > 1 && !connected.has(step.name)) {
        findings.push({
          step: step.name,
          kind: 'disconnected',
          message: `step ${step.name} (${step.type}) has no edge to any other step: no step reads its properties, it reads none, and no DependsOn names it. `
            + 'It starts with the execution and SageMaker Studio draws it apart from the rest. Connect it (read one of its properties in a later step, or use dependsOn), or acknowledge this warning if it is meant to run on its own.',
        });
      }
      if ((step.type === 'Lambda' || step.type === 'Callback') && step.outputs.length > 0) {
        const read = new Set(this.reads.filter((r) => r.from === step.name).map((r) => outputName(r.property)).filter((n) => n !== undefined));
        const unread = step.outputs.filter((o) => !read.has(o));
        if (unread.length > 0) {
          findings.push({
            step: step.name,
            kind: 'unreadOutputs',
            outputs: unread,
            message: `${step.type} step ${step.name} declares output${unread.length === 1 ? '' : 's'} ${unread.map((o) => `'${o}'`).join(', ')} that no step reads`
              + `${unread.length === step.outputs.length ? ', so no edge leaves it and Studio shows it unconnected' : ''}. `
              + `Read ${unread.length === 1 ? 'it' : 'them'} in a later step (e.g. step.output('${unread[0]}')), drop unused outputs, or acknowledge this warning.`,
          });
        }
      }
    }
    return findings;
  }

  /**
   * The graph as Mermaid flowchart text (first line `flowchart TD`): a node per step labelled with
   * its name and type (conditions as diamonds), data edges as solid arrows, `DependsOn` edges dotted
   * and labelled `dependsOn`, condition branches thick and labelled `if` / `else`, branch steps inside
   * a subgraph per branch, and steps {@link findings} flags marked with the class `warning`.
   */
  public toMermaid(): string {
    const ids = this.ids('s');
    const flagged = this.flagged();
    const lines = ['flowchart TD'];
    const node = (s: PipelineGraphStep, indent: string): string => {
      const label = mermaidText(`${s.name}`) + '<br/>' + mermaidText(`(${s.type})`) + (flagged.has(s.name) ? mermaidText(` ⚠ ${flagged.get(s.name)}`) : '');
      return s.type === 'Condition' ? `${indent}${ids.get(s.name)}{"${label}"}` : `${indent}${ids.get(s.name)}["${label}"]`;
    };
    const emit = (parent: { condition: string; branch: 'if' | 'else' } | undefined, indent: string): void => {
      for (const s of this.steps.filter((x) => sameBranch(x.branchOf, parent))) {
        lines.push(node(s, indent));
      }
      for (const s of this.steps.filter((x) => x.type === 'Condition' && sameBranch(x.branchOf, parent))) {
        for (const branch of ['if', 'else'] as const) {
          const inner = { condition: s.name, branch };
          if (this.steps.some((x) => sameBranch(x.branchOf, inner))) {
            lines.push(`${indent}subgraph ${ids.get(s.name)}_${branch}["${mermaidText(`${s.name}: ${branch}`)}"]`);
            emit(inner, `${indent}  `);
            lines.push(`${indent}end`);
          }
        }
      }
    };
    emit(undefined, '  ');
    for (const e of this.edges) {
      const from = ids.get(e.from);
      const to = ids.get(e.to);
      switch (e.kind) {
        case 'data': lines.push(`  ${from} --> ${to}`); break;
        case 'dependsOn': lines.push(`  ${from} -. dependsOn .-> ${to}`); break;
        default: lines.push(`  ${from} == ${e.kind} ==> ${to}`); break;
      }
    }
    if (flagged.size > 0) {
      lines.push('  classDef warning stroke:#c00,stroke-width:2px,stroke-dasharray:5 5');
      lines.push(`  class ${[...flagged.keys()].map((n) => ids.get(n)).join(',')} warning`);
    }
    return `${lines.join('\n')}\n`;
  }

  /**
   * The graph as Graphviz DOT text (`digraph`): a box per step labelled with its name and type
   * (conditions as diamonds), data edges solid, `DependsOn` edges dashed, condition branches bold and
   * labelled `if` / `else`, branch steps inside a cluster per branch, flagged steps red and dashed.
   */
  public toDot(): string {
    const flagged = this.flagged();
    const lines = ['digraph pipeline {', '  rankdir=TB;', '  graph [fontname="Helvetica"];', '  node [shape=box, style=rounded, fontname="Helvetica"];', '  edge [fontname="Helvetica"];'];
    let cluster = 0;
    const emit = (parent: { condition: string; branch: 'if' | 'else' } | undefined, indent: string): void => {
      for (const s of this.steps.filter((x) => sameBranch(x.branchOf, parent))) {
        const attributes = [`label=${dotString(`${s.name}\n(${s.type})${flagged.has(s.name) ? `\n⚠ ${flagged.get(s.name)}` : ''}`)}`];
        if (s.type === 'Condition') {
          attributes.push('shape=diamond', 'style=""');
        }
        if (flagged.has(s.name)) {
          attributes.push('color=red', s.type === 'Condition' ? 'style=dashed' : 'style="rounded,dashed"');
        }
        lines.push(`${indent}${dotString(s.name)} [${attributes.join(', ')}];`);
      }
      for (const s of this.steps.filter((x) => x.type === 'Condition' && sameBranch(x.branchOf, parent))) {
        for (const branch of ['if', 'else'] as const) {
          const inner = { condition: s.name, branch };
          if (this.steps.some((x) => sameBranch(x.branchOf, inner))) {
            lines.push(`${indent}subgraph cluster_${cluster++} {`);
            lines.push(`${indent}  label=${dotString(`${s.name}: ${branch}`)};`, `${indent}  style=dashed;`);
            emit(inner, `${indent}  `);
            lines.push(`${indent}}`);
          }
        }
      }
    };
    emit(undefined, '  ');
    for (const e of this.edges) {
      const style = e.kind === 'data' ? '' : e.kind === 'dependsOn' ? ' [style=dashed, label="dependsOn"]' : ` [style=bold, label="${e.kind}"]`;
      lines.push(`  ${dotString(e.from)} -> ${dotString(e.to)}${style};`);
    }
    lines.push('}');
    return `${lines.join('\n')}\n`;
  }

  private ids(prefix: string): Map<string, string> {
    return new Map(this.steps.map((s, i) => [s.name, `${prefix}${i}`]));
  }

  /** Step name => short mark for the picture. */
  private flagged(): Map<string, string> {
    const marks = new Map<string, string>();
    for (const f of this.findings()) {
      const mark = f.kind === 'disconnected' ? 'not connected' : `unread outputs: ${f.outputs!.join(', ')}`;
      marks.set(f.step, marks.has(f.step) ? `${marks.get(f.step)}; ${mark}` : mark);
    }
    return marks;
  }
}

function sameBranch(a: { condition: string; branch: string } | undefined, b: { condition: string; branch: string } | undefined): boolean {
  return a === undefined || b === undefined ? a === b : a.condition === b.condition && a.branch === b.branch;
}

/** `{"Get": "Steps.<name>.<property>"}` references anywhere in `value`. */
function stepGets(value: unknown): Array<{ step: string; property: string }> {
  const found: Array<{ step: string; property: string }> = [];
  collectStepGets(value, 0, found);
  return found;
}

/** {@link stepGets} into `found` (a plain recursive function: the walk visits every value of every step). */
function collectStepGets(v: unknown, depth: number, found: Array<{ step: string; property: string }>): void {
  if (depth > 200) {
    return;
  }
  if (Array.isArray(v)) {
    // A hole adds nothing (undefined is neither a list nor an object), so a plain loop may visit it.
    for (let i = 0; i < v.length; i++) {
      collectStepGets(v[i], depth + 1, found);
    }
  } else if (isObject(v) && isPlain(v)) {
    const get = v.Get;
    if (typeof get === 'string' && get.startsWith('Steps.')) {
      const match = STEP_GET.exec(get);
      if (match) {
        found.push({ step: match[1], property: match[2] });
      }
    }
    for (const key of Object.keys(v)) {
      collectStepGets(v[key], depth + 1, found);
    }
  }
}

const STEP_GET = /^Steps\.([^.[]+)\.?(.*)$/;

/** Plain JSON objects only: an unresolved token object (a construct reference) is not walked into. */
function isPlain(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** `x` of a property path `OutputParameters['x']` (either quote), else undefined. */
function outputName(property: string): string | undefined {
  return /^OutputParameters\[(['"])(.*)\1\]/.exec(property)?.[2];
}

/** Text inside a quoted Mermaid label: quotes and markup characters as entity codes. */
function mermaidText(text: string): string {
  return text.replace(/[#"<>]/g, (c) => `#${c.charCodeAt(0)};`);
}

/** A DOT double-quoted string. */
function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}
