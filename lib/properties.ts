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
  return structNode(step, '', root.members, rootDescription ?? root.description);
}

/** Step type -> the members of its property roots (merged, first root wins) and their description. */
const ROOT_MEMBERS = new Map<string, { members: Map<string, string>; description: string }>();

/** The merged members of a step type's property roots, computed once per step type (every step of that type shares them). */
function rootMembersOf(stepType: string): { members: Map<string, string>; description: string } {
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
  root = { members, description: roots.join(' + ') };
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
      return structNode(step, path, membersOf(ref, shape.members), ref);
    case 'list':
      return listNode(step, path, shape.member, shape.keyedBy, ref);
    case 'map':
      return mapNode(step, path, shape.value);
  }
}

/** Structure shape -> its members as a map, built once per shape. */
const STRUCT_MEMBERS = new Map<string, Map<string, string>>();

function membersOf(ref: string, members: Record<string, string>): Map<string, string> {
  let map = STRUCT_MEMBERS.get(ref);
  if (map === undefined) {
    map = new Map(Object.entries(members));
    STRUCT_MEMBERS.set(ref, map);
  }
  return map;
}

/** Names that JavaScript tooling probes on objects (promises, jest, inspect) are not members. */
function looksLikeMember(prop: string): boolean {
  return /^[A-Z]/.test(prop);
}

function join(path: string, member: string): string {
  return path === '' ? member : `${path}.${member}`;
}

function structNode(step: IStepLike, path: string, members: Map<string, string>, shapeName: string): unknown {
  const cache = new Map<string, unknown>();
  const target = nodeTarget(step, path, () => `'${path}' is the structure ${shapeName}, not a value; choose one of its members (${[...members.keys()].slice(0, 8).join(', ')}...)`);
  return new Proxy(target, {
    get(t, prop) {
      if (typeof prop !== 'string') {
        return Reflect.get(t, prop);
      }
      const ref = members.get(prop);
      if (ref !== undefined) {
        if (!cache.has(prop)) {
          cache.set(prop, node(step, join(path, prop), ref));
        }
        return cache.get(prop);
      }
      const caseInsensitive = [...members.keys()].find((m) => m.toLowerCase() === prop.toLowerCase());
      if (!looksLikeMember(prop) && caseInsensitive === undefined) {
        return Reflect.get(t, prop);
      }
      return invalidNode(step, join(path, prop), unknownMemberMessage(step, path, prop, shapeName, [...members.keys()]));
    },
    has(_t, prop) {
      return typeof prop === 'string' && members.has(prop);
    },
    ownKeys() {
      return [...members.keys()];
    },
    getOwnPropertyDescriptor(_t, prop) {
      return typeof prop === 'string' && members.has(prop) ? { enumerable: true, configurable: true } : undefined;
    },
  });
}

function listNode(step: IStepLike, path: string, member: string, keyedBy: string | undefined, shapeName: string): unknown {
  const cache = new Map<string, unknown>();
  const target = nodeTarget(step, path, () => `'${path}' is a list, not a value; index it, e.g. ${path}[0]`);
  return new Proxy(target, {
    get(t, prop) {
      if (typeof prop !== 'string') {
        return Reflect.get(t, prop);
      }
      if (/^(0|[1-9][0-9]*)$/.test(prop)) {
        const childPath = `${path}[${prop}]`;
        if (!cache.has(childPath)) {
          cache.set(childPath, node(step, childPath, member));
        }
        return cache.get(childPath);
      }
      if (prop in t) {
        return Reflect.get(t, prop);
      }
      const childPath = `${path}['${prop}']`;
      if (keyedBy === undefined) {
        return invalidNode(step, childPath, `Property ${step.stepName}.${path} (${shapeName}) can be indexed by position only (for example [0]); the service cannot look its items up by name '${prop}'. (Step ${step.node.path})`);
      }
      if (prop.includes("'")) {
        return invalidNode(step, childPath, `Property key '${prop}' of ${step.stepName}.${path} contains a single quote, which the service's property paths cannot express.`);
      }
      if (!cache.has(childPath)) {
        cache.set(childPath, node(step, childPath, member));
      }
      return cache.get(childPath);
    },
  });
}

function mapNode(step: IStepLike, path: string, value: string): unknown {
  const cache = new Map<string, unknown>();
  const target = nodeTarget(step, path, () => `'${path}' is a map, not a value; look up a key, e.g. ${path}['KEY']`);
  return new Proxy(target, {
    get(t, prop) {
      if (typeof prop !== 'string' || prop in t) {
        return Reflect.get(t, prop);
      }
      const childPath = `${path}['${prop}']`;
      if (prop.includes("'")) {
        return invalidNode(step, childPath, `Property key '${prop}' of ${step.stepName}.${path} contains a single quote, which the service's property paths cannot express.`);
      }
      if (!cache.has(childPath)) {
        cache.set(childPath, node(step, childPath, value));
      }
      return cache.get(childPath);
    },
  });
}

/**
 * The object behind an inner node. If it reaches a string field anyway (through `any`), it
 * renders its path and reports that it is not a value.
 */
function nodeTarget(step: IStepLike, path: string, problem: () => string): object {
  return new NodeTarget(new InnerNodeReference(step, path, problem));
}

/**
 * The reference behind an inner node: renders its path and reports, only if it is ever rendered
 * (a mistake), that the node is not a value. The message is written then, not for every node built.
 */
class InnerNodeReference extends StepPropertyReference {
  constructor(step: IStepLike, path: string, private readonly describeProblem: () => string) {
    super(step, path, 'Unknown');
  }

  /** Written only when asked for (a mistake), not for every node built. */
  public get problem(): string {
    return `Property ${this.step.stepName}.${this.describeProblem()} (step ${this.step.node.path})`;
  }
}

/** The proxy target of an inner node: carries its reference, and prints and resolves as it. */
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
