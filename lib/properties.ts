import type { Step as EmrStepShape } from '@aws-sdk/client-emr';
import type {
  DescribeAutoMLJobResponse, DescribeHyperParameterTuningJobResponse, DescribeModelOutput, DescribeModelPackageOutput,
  DescribeProcessingJobResponse, DescribeTrainingJobResponse, DescribeTransformJobResponse,
  ListTrainingJobsForHyperParameterTuningJobResponse,
} from '@aws-sdk/client-sagemaker';
import { IResolvable, IResolveContext, Token } from 'aws-cdk-lib';
import { Expression, EXPRESSION_OF, ExpressionKind, IRenderContext, IStepLike } from './private/expression';
import { PROPERTY_ROOTS } from './private/generated/shapes';
import { nearestName, shapeOf } from './private/shape-util';

/**
 * Members of list type whose items the service can look up by name (`Outputs['train']`),
 * besides by position.
 */
export type KeyedListMember = 'Outputs' | 'ProcessingInputs' | 'FinalMetricDataList';

/**
 * A list in a step's properties: index it by position (`[0]`).
 */
export interface PropertyList<T> {
  /** The item at `index` (`[<index>]`). */
  readonly [index: number]: PropertyTree<T>;
}

/**
 * A list whose items the service can also look up by name: `Outputs['train']`, `ProcessingInputs['code']`,
 * `FinalMetricDataList['validation:rmse']`.
 */
export interface KeyedPropertyList<T> {
  /** The item at `index` (`[<index>]`). */
  readonly [index: number]: PropertyTree<T>;
  /** The item named `name` (`['<name>']`). */
  readonly [name: string]: PropertyTree<T>;
}

/**
 * A map in a step's properties (`Environment['KEY']`, `HyperParameters['eta']`).
 */
export interface PropertyMap<V> {
  /** The value under `key` (`['<key>']`). */
  readonly [key: string]: PropertyTree<V>;
}

/**
 * A structure in a step's properties: one member per field of the SageMaker API shape.
 */
export type PropertyStruct<T> = {
  readonly [K in keyof T]-?: K extends KeyedListMember
    ? (NonNullable<T[K]> extends ReadonlyArray<infer E> ? KeyedPropertyList<E> : PropertyTree<NonNullable<T[K]>>)
    : PropertyTree<NonNullable<T[K]>>;
};

/**
 * The typed property tree of a SageMaker API shape, as a step exposes it in `properties`.
 *
 * String, enum and timestamp leaves are string tokens, number leaves number tokens, boolean leaves
 * `IResolvable` (use them in conditions). Each renders `{"Get": "Steps.<step>.<path>"}` and makes
 * the reading step depend on the producing one.
 */
export type PropertyTree<T> =
  [T] extends [string] ? string
    : [T] extends [number] ? number
      : [T] extends [boolean] ? IResolvable
        : [T] extends [Date] ? string
          : [T] extends [Uint8Array] ? string
            : T extends ReadonlyArray<infer E> ? PropertyList<E>
              : T extends object ? (string extends keyof T ? PropertyMap<T[string]> : PropertyStruct<T>)
                : string;

/** Properties of a processing step (DescribeProcessingJob). */
export type ProcessingJobProperties = PropertyStruct<DescribeProcessingJobResponse>;
/** Properties of a training step (DescribeTrainingJob). */
export type TrainingJobProperties = PropertyStruct<DescribeTrainingJobResponse>;
/** Properties of a transform step (DescribeTransformJob). */
export type TransformJobProperties = PropertyStruct<DescribeTransformJobResponse>;
/** Properties of a tuning step (DescribeHyperParameterTuningJob and ListTrainingJobsForHyperParameterTuningJob). */
export type TuningJobProperties = PropertyStruct<DescribeHyperParameterTuningJobResponse & ListTrainingJobsForHyperParameterTuningJobResponse>;
/** Properties of a model step (DescribeModel). */
export type ModelProperties = PropertyStruct<DescribeModelOutput>;
/** Properties of a register-model step (DescribeModelPackage). */
export type ModelPackageProperties = PropertyStruct<DescribeModelPackageOutput>;
/** Properties of an AutoML step (DescribeAutoMLJob). */
export type AutoMLJobProperties = PropertyStruct<DescribeAutoMLJobResponse>;
/** Properties of an EMR step (the EMR `Step` shape of DescribeStep). */
export type EmrStepProperties = PropertyStruct<EmrStepShape>;

/**
 * A `{"Get": "Steps.<step>.<path>"}` reference to a value of a step's properties.
 */
export class StepPropertyReference extends Expression {
  constructor(
    /** The step whose property this is. */
    public readonly step: IStepLike,
    /** The path below `Steps.<step>.` */
    public readonly path: string,
    /** What the value is at run time. */
    public readonly kind: ExpressionKind,
    private readonly invalidBecause?: string,
  ) {
    super();
  }

  /** Why the path is invalid, if it is. */
  public get problem(): string | undefined {
    return this.invalidBecause;
  }

  public render(context: IRenderContext): unknown {
    context.addStepReference(this.step);
    if (this.problem !== undefined) {
      context.addProblem(this.problem);
    }
    return { Get: `Steps.${this.step.stepName}.${this.path}` };
  }
}

/**
 * @internal
 * Builds the runtime property tree of a step: a proxy that walks the generated shape table.
 */
export function createPropertyTree(step: IStepLike, stepType: string, rootDescription?: string): unknown {
  const root = rootMembersOf(stepType);
  return structNode(step, '', rootDescription === undefined ? root : { kind: 'structure', members: root.members, shapeName: rootDescription });
}

/** Step type -> the members of its property roots (merged, first root wins) and their description. */
const ROOT_MEMBERS = new Map<string, StructureInfo>();

/** The merged members of a step type's property roots, computed once per step type (every step of that type shares them). */
function rootMembersOf(stepType: string): StructureInfo {
  let root = ROOT_MEMBERS.get(stepType);
  if (root !== undefined) {
    return root;
  }
  const roots = PROPERTY_ROOTS[stepType];
  if (roots === undefined) {
    throw new Error(`No property shapes for step type ${stepType}`);
  }
  const members = new Map<string, string>();
  for (const name of roots) {
    const shape = shapeOf(name);
    if (typeof shape === 'string' || shape.kind !== 'structure') {
      throw new Error(`Property root ${name} is not a structure`);
    }
    for (const [member, ref] of Object.entries(shape.members)) {
      if (!members.has(member)) {
        members.set(member, ref);
      }
    }
  }
  root = { kind: 'structure', members, shapeName: roots.join(' + ') };
  ROOT_MEMBERS.set(stepType, root);
  return root;
}

/** @internal a property tree over fixed members (Lambda outputs, check-step baselines) */
export function createFixedPropertyTree(step: IStepLike, members: Record<string, ExpressionKind>, description: string): Record<string, string> {
  const tree: Record<string, string> = {};
  for (const [name, kind] of Object.entries(members)) {
    tree[name] = Token.asString(new StepPropertyReference(step, name, kind));
  }
  return new Proxy(tree, {
    get(target, prop) {
      if (typeof prop !== 'string' || prop in target) {
        return Reflect.get(target, prop);
      }
      if (!looksLikeMember(prop)) {
        return undefined;
      }
      return invalidNode(step, prop, unknownMemberMessage(step, '', prop, description, Object.keys(members)));
    },
  });
}

function leaf(step: IStepLike, path: string, ref: string): unknown {
  const shape = shapeOf(ref);
  if (typeof shape === 'string') {
    switch (shape) {
      case 'number':
        return Token.asNumber(new StepPropertyReference(step, path, 'Unknown'));
      case 'boolean':
        return new StepPropertyReference(step, path, 'Boolean');
      default:
        return Token.asString(new StepPropertyReference(step, path, 'String'));
    }
  }
  if (shape.kind === 'enum') {
    return Token.asString(new StepPropertyReference(step, path, 'String'));
  }
  return undefined;
}

function node(step: IStepLike, path: string, ref: string): unknown {
  const shape = shapeOf(ref);
  if (typeof shape === 'string' || shape.kind === 'enum') {
    return leaf(step, path, ref);
  }
  switch (shape.kind) {
    case 'structure':
      return structNode(step, path, structureOf(ref, shape.members));
    case 'list':
      return listNode(step, path, listOf(ref, shape.member, shape.keyedBy));
    case 'map':
      return mapNode(step, path, shape.value);
  }
}

/*
 * Inner nodes (structures, lists, maps) are proxies whose handlers are shared by every node of a
 * kind: what a node knows (its step, path and shape, and the children built so far) lives on the
 * reference its target carries, so building a node allocates the target, its reference and the
 * proxy, and nothing per handler. The shapes are described once per shape, not once per node.
 */

/** A structure shape as its nodes use it: its members (a map, built once per shape) and its name. */
interface StructureInfo {
  readonly kind: 'structure';
  readonly members: Map<string, string>;
  readonly shapeName: string;
}

/** A list shape as its nodes use it. */
interface ListInfo {
  readonly kind: 'list';
  readonly member: string;
  readonly keyedBy: string | undefined;
  readonly shapeName: string;
}

/** A map shape as its nodes use it. */
interface MapInfo {
  readonly kind: 'map';
  readonly value: string;
}

type InnerShape = StructureInfo | ListInfo | MapInfo;

/** Structure shape -> its members as a map and its name, built once per shape. */
const STRUCTURES = new Map<string, StructureInfo>();

function structureOf(ref: string, members: Record<string, string>): StructureInfo {
  let info = STRUCTURES.get(ref);
  if (info === undefined) {
    info = { kind: 'structure', members: new Map(Object.entries(members)), shapeName: ref };
    STRUCTURES.set(ref, info);
  }
  return info;
}

/** List shape -> what its nodes need, built once per shape. */
const LISTS = new Map<string, ListInfo>();

function listOf(ref: string, member: string, keyedBy: string | undefined): ListInfo {
  let info = LISTS.get(ref);
  if (info === undefined) {
    info = { kind: 'list', member, keyedBy, shapeName: ref };
    LISTS.set(ref, info);
  }
  return info;
}

/** Names that JavaScript tooling probes on objects (promises, jest, inspect) are not members. */
function looksLikeMember(prop: string): boolean {
  return /^[A-Z]/.test(prop);
}

function join(path: string, member: string): string {
  return path === '' ? member : `${path}.${member}`;
}

/** The reference an inner node's proxy target carries: its state. */
function stateOf(target: NodeTarget): InnerNodeReference {
  return target[EXPRESSION_OF] as InnerNodeReference;
}

/**
 * The child of an inner node under `key` (a member name, or the child's path in lists and maps),
 * built at its first access; `path` gives the child's path (called only then).
 */
function childOf(state: InnerNodeReference, key: string, ref: string, path: (key: string) => string): unknown {
  const children = (state.children ??= new Map<string, unknown>());
  if (!children.has(key)) {
    children.set(key, node(state.step, path(key), ref));
  }
  return children.get(key);
}

/** A child path that is its key. */
const keyIsPath = (key: string): string => key;

const STRUCT_HANDLER: ProxyHandler<NodeTarget> = {
  get(t, prop) {
    if (typeof prop !== 'string') {
      return Reflect.get(t, prop);
    }
    const state = stateOf(t);
    const { members, shapeName } = state.shape as StructureInfo;
    const ref = members.get(prop);
    if (ref !== undefined) {
      return childOf(state, prop, ref, (member) => join(state.path, member));
    }
    const caseInsensitive = [...members.keys()].find((m) => m.toLowerCase() === prop.toLowerCase());
    if (!looksLikeMember(prop) && caseInsensitive === undefined) {
      return Reflect.get(t, prop);
    }
    return invalidNode(state.step, join(state.path, prop), unknownMemberMessage(state.step, state.path, prop, shapeName, [...members.keys()]));
  },
  has(t, prop) {
    return typeof prop === 'string' && (stateOf(t).shape as StructureInfo).members.has(prop);
  },
  ownKeys(t) {
    return [...(stateOf(t).shape as StructureInfo).members.keys()];
  },
  getOwnPropertyDescriptor(t, prop) {
    return typeof prop === 'string' && (stateOf(t).shape as StructureInfo).members.has(prop) ? { enumerable: true, configurable: true } : undefined;
  },
};

function structNode(step: IStepLike, path: string, shape: StructureInfo): unknown {
  return new Proxy(new NodeTarget(new InnerNodeReference(step, path, shape)), STRUCT_HANDLER);
}

const LIST_HANDLER: ProxyHandler<NodeTarget> = {
  get(t, prop) {
    if (typeof prop !== 'string') {
      return Reflect.get(t, prop);
    }
    const state = stateOf(t);
    const { member, keyedBy, shapeName } = state.shape as ListInfo;
    const path = state.path;
    if (/^(0|[1-9][0-9]*)$/.test(prop)) {
      const childPath = `${path}[${prop}]`;
      return childOf(state, childPath, member, keyIsPath);
    }
    if (prop in t) {
      return Reflect.get(t, prop);
    }
    const childPath = `${path}['${prop}']`;
    const step = state.step;
    if (keyedBy === undefined) {
      return invalidNode(step, childPath, `Property ${step.stepName}.${path} (${shapeName}) can be indexed by position only (for example [0]); the service cannot look its items up by name '${prop}'. (Step ${step.node.path})`);
    }
    if (prop.includes("'")) {
      return invalidNode(step, childPath, `Property key '${prop}' of ${step.stepName}.${path} contains a single quote, which the service's property paths cannot express.`);
    }
    return childOf(state, childPath, member, keyIsPath);
  },
};

function listNode(step: IStepLike, path: string, shape: ListInfo): unknown {
  return new Proxy(new NodeTarget(new InnerNodeReference(step, path, shape)), LIST_HANDLER);
}

const MAP_HANDLER: ProxyHandler<NodeTarget> = {
  get(t, prop) {
    if (typeof prop !== 'string' || prop in t) {
      return Reflect.get(t, prop);
    }
    const state = stateOf(t);
    const path = state.path;
    const childPath = `${path}['${prop}']`;
    if (prop.includes("'")) {
      return invalidNode(state.step, childPath, `Property key '${prop}' of ${state.step.stepName}.${path} contains a single quote, which the service's property paths cannot express.`);
    }
    return childOf(state, childPath, (state.shape as MapInfo).value, keyIsPath);
  },
};

function mapNode(step: IStepLike, path: string, value: string): unknown {
  return new Proxy(new NodeTarget(new InnerNodeReference(step, path, { kind: 'map', value })), MAP_HANDLER);
}

/**
 * The reference behind an inner node, and the node's state: its shape and the children built so
 * far. It renders the node's path and reports, only if it is ever rendered (a mistake), that the
 * node is not a value. The message is written then, not for every node built.
 */
class InnerNodeReference extends StepPropertyReference {
  /** Child nodes built so far, by member name (structures) or child path (lists, maps). */
  public children?: Map<string, unknown>;

  constructor(step: IStepLike, path: string, public readonly shape: InnerShape) {
    super(step, path, 'Unknown');
  }

  /** Written only when asked for (a mistake), not for every node built. */
  public get problem(): string {
    return `Property ${this.step.stepName}.${describeInnerNode(this.path, this.shape)} (step ${this.step.node.path})`;
  }
}

/** Why an inner node is not a value, and what to do instead. */
function describeInnerNode(path: string, shape: InnerShape): string {
  switch (shape.kind) {
    case 'structure':
      return `'${path}' is the structure ${shape.shapeName}, not a value; choose one of its members (${[...shape.members.keys()].slice(0, 8).join(', ')}...)`;
    case 'list':
      return `'${path}' is a list, not a value; index it, e.g. ${path}[0]`;
    case 'map':
      return `'${path}' is a map, not a value; look up a key, e.g. ${path}['KEY']`;
  }
}

/**
 * The proxy target of an inner node: carries its reference, and prints and resolves as it. If the
 * node reaches a string field anyway (through `any`), it renders its path and reports that it is
 * not a value.
 */
class NodeTarget {
  public readonly creationStack: string[] = [];
  public readonly [EXPRESSION_OF]: StepPropertyReference;

  constructor(reference: StepPropertyReference) {
    this[EXPRESSION_OF] = reference;
  }

  public [Symbol.toPrimitive](): string {
    return Token.asString(this[EXPRESSION_OF]);
  }

  public toString(): string {
    return Token.asString(this[EXPRESSION_OF]);
  }

  public resolve(context: IResolveContext): unknown {
    return this[EXPRESSION_OF].resolve(context);
  }
}

function unknownMemberMessage(step: IStepLike, path: string, prop: string, shapeName: string, candidates: string[]): string {
  const suggestion = nearestName(prop, candidates);
  const where = path === '' ? `step ${step.stepName}` : `${step.stepName}.${path}`;
  return `'${prop}' is not a property of ${where} (${shapeName})${suggestion ? `; did you mean '${suggestion}'?` : ''} (step ${step.node.path})`;
}

/**
 * A node reached through a misspelt member. Any further access continues the path; used as a value
 * it renders its path and reports the first mistake at synth.
 */
function invalidNode(step: IStepLike, path: string, problem: string): unknown {
  const reference = new StepPropertyReference(step, path, 'Unknown', problem);
  const target = {
    [EXPRESSION_OF]: reference,
    [Symbol.toPrimitive]: () => Token.asString(reference),
    toString: () => Token.asString(reference),
    resolve: (context: IResolveContext) => reference.resolve(context),
    creationStack: [] as string[],
  };
  return new Proxy(target, {
    get(t, prop) {
      if (typeof prop !== 'string' || prop in t) {
        return Reflect.get(t, prop);
      }
      if (/^[0-9]+$/.test(prop)) {
        return invalidNode(step, `${path}[${prop}]`, problem);
      }
      return looksLikeMember(prop) ? invalidNode(step, join(path, prop), problem) : invalidNode(step, `${path}['${prop}']`, problem);
    },
  });
}
