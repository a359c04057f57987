import { createHash } from 'crypto';
import {
  Annotations, AspectPriority, Aspects, CfnResource, IResolvable, Lazy, Names, Stack, StringConcat, Token, Tokenization,
} from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct, IConstruct } from 'constructs';

/**
 * Default largest definition kept inline, as the bytes its escaped `PipelineDefinitionBody` takes in
 * the template (docs/large-definitions.md explains the choice).
 */
export const DEFAULT_MAX_INLINE_SIZE = 200_000;

/**
 * Largest total of inline definitions in one stack under `DefinitionPlacement.auto()`: the rest of
 * CloudFormation's 1 MB template budget is left to the stack's other resources.
 */
export const STACK_INLINE_BUDGET = 600_000;

/** Key prefix of definition objects. Underscores keep it apart from any `<pipeline name>/` prefix. */
const KEY_PREFIX = 'cdk_sagemaker_pipelines';

/** Prefix of the markers that stand for CloudFormation values in the S3 object until deploy time. */
const MARKER_PREFIX = '<<cdk-sagemaker-pipelines:';

/**
 * Options of {@link DefinitionPlacement.auto}.
 */
export interface AutoDefinitionPlacementOptions {
  /**
   * Largest definition kept inline in `PipelineDefinitionBody`, in bytes of the escaped JSON string
   * the template carries (each `"` of the definition takes two bytes there). A larger definition, or
   * one that would take the stack's inline definitions past 600,000 bytes together, moves to S3.
   * @default 200,000
   */
  readonly maxInlineSize?: number;
  /**
   * Bucket that receives the definition when it moves to S3.
   * @default - the pipeline's `artifactBucket`
   */
  readonly bucket?: s3.IBucket;
}

/**
 * Where the template carries the pipeline definition: inline (`PipelineDefinitionBody`) or as an
 * S3 object (`PipelineDefinitionS3Location`) under a content-hashed key, written at deploy time by
 * a `BucketDeployment` that substitutes the definition's CloudFormation values (role ARNs, bucket
 * names). See docs/large-definitions.md.
 */
export class DefinitionPlacement {
  /**
   * Inline while the definition is small, S3 when it is large: above `maxInlineSize` bytes escaped
   * in the template, or when the stack's inline definitions would pass 600,000 bytes together.
   */
  public static auto(options: AutoDefinitionPlacementOptions = {}): DefinitionPlacement {
    const max = options.maxInlineSize ?? DEFAULT_MAX_INLINE_SIZE;
    if (!Number.isInteger(max) || max < 0) {
      throw new Error(`DefinitionPlacement.auto: maxInlineSize must be a non-negative integer of bytes; received ${max}. Pass e.g. 200000.`);
    }
    return new DefinitionPlacement('auto', max, options.bucket);
  }

  /**
   * Always inline in `PipelineDefinitionBody`, whatever the size (readable `cdk diff`, no deploy-time
   * Lambda). A definition above 200,000 bytes escaped draws a warning: the template may pass
   * CloudFormation's 1 MB limit.
   */
  public static inline(): DefinitionPlacement {
    return new DefinitionPlacement('inline', DEFAULT_MAX_INLINE_SIZE, undefined);
  }

  /**
   * Always in S3 (`PipelineDefinitionS3Location`), under a content-hashed key of `bucket`.
   * @param bucket bucket that receives the definition; default: the pipeline's `artifactBucket`
   */
  public static s3(bucket?: s3.IBucket): DefinitionPlacement {
    return new DefinitionPlacement('s3', DEFAULT_MAX_INLINE_SIZE, bucket);
  }

  private constructor(
    /** @internal */ public readonly _mode: 'auto' | 'inline' | 's3',
    /** @internal */ public readonly _maxInlineSize: number,
    /** @internal */ public readonly _bucket: s3.IBucket | undefined,
  ) {}
}

/** What placing a definition needs of its pipeline (structural, to avoid an import cycle). */
export interface IPlaceablePipeline extends IConstruct {
  readonly pipelineName: string;
  readonly artifactBucket: s3.IBucket;
  readonly cfnPipeline: CfnResource;
  renderDefinition(): Record<string, unknown>;
}

/** The definition as the text of an S3 object: JSON with markers where CloudFormation values go. */
export interface DefinitionDocument {
  /** JSON text with a marker for each distinct CloudFormation value. */
  readonly text: string;
  /** Marker -> the CDK token of its CloudFormation value. */
  readonly markers: Record<string, IResolvable>;
  /** Markers whose value is a JSON value of its own (an intrinsic object), not text inside a string. */
  readonly jsonValueMarkers: string[];
  /** Marker -> the resolved CloudFormation value (`{Ref: ...}`), stable across synths. */
  readonly resolvedMarkers: Record<string, unknown>;
  /** Estimated bytes of the definition inline in the template, as `PipelineDefinitionBody`'s `Fn::Join`. */
  readonly inlineSize: number;
  /** SHA-256 over the text and the resolved markers: changes whenever the synthesized definition does. */
  readonly hash: string;
}

/**
 * Serialize a rendered definition for S3: each distinct CloudFormation token becomes one marker that
 * the `BucketDeployment` handler replaces at deploy time (string values JSON-escaped into their string,
 * number values bare, intrinsic objects as JSON values).
 */
export function definitionDocument(stack: Stack, definition: Record<string, unknown>): DefinitionDocument {
  const objectTokens = new Set<IResolvable>();
  const prepared = replaceObjectTokens(definition, objectTokens);
  const json = JSON.stringify(prepared);
  if (json.includes(MARKER_PREFIX)) {
    throw new Error(`the pipeline definition contains the text '${MARKER_PREFIX}', which the library reserves for deploy-time values; remove it from the step arguments.`);
  }

  const markerOf = new Map<IResolvable, string>();
  const occurrences = new Map<string, number>();
  const markers: Record<string, IResolvable> = {};
  const jsonValueMarkers: string[] = [];
  const text: string = Tokenization.reverseString(json).mapTokens({
    mapToken: (token: IResolvable) => {
      let marker = markerOf.get(token);
      if (marker === undefined) {
        marker = `${MARKER_PREFIX}${markerOf.size}>>`;
        markerOf.set(token, marker);
        markers[marker] = token;
        if (objectTokens.has(token)) {
          jsonValueMarkers.push(marker);
        }
      }
      occurrences.set(marker, (occurrences.get(marker) ?? 0) + 1);
      return marker;
    },
  }).join(new StringConcat());

  const resolvedMarkers: Record<string, unknown> = {};
  let markerCharacters = 0;
  let valueBytes = 0;
  for (const [marker, token] of Object.entries(markers)) {
    const resolved = stack.resolve(token);
    resolvedMarkers[marker] = resolved;
    const count = occurrences.get(marker) ?? 0;
    markerCharacters += marker.length * count;
    // In the Fn::Join each value is its own list item: `","` around it and its JSON.
    valueBytes += (JSON.stringify(resolved ?? null).length + 4) * count;
  }
  // `{"Fn::Join":["",["...",...]]}`: the escaped literal text plus the values.
  const inlineSize = JSON.stringify(text).length - markerCharacters + valueBytes + 20;
  const hash = createHash('sha256').update(text).update('\n').update(JSON.stringify(resolvedMarkers)).digest('hex');
  return {
    text,
    markers,
    jsonValueMarkers,
    resolvedMarkers,
    inlineSize,
    hash,
  };
}

/** Stack -> bytes of inline definitions placed so far by `auto()`. */
const inlineBytesByStack = new WeakMap<Stack, number>();

/**
 * Give the pipeline's `CfnPipeline.PipelineDefinition` its value. The returned token produces
 * `{PipelineDefinitionBody: renderBody(definition)}` unless the placement decided, in the prepare
 * phase (an aspect on the pipeline, which runs once every step exists), to move the definition to S3;
 * then it produces `{PipelineDefinitionS3Location: {Bucket, Key}}`. (The definition's size limit,
 * 1,048,576 characters, is one of the checks of the pipeline's definition validator.)
 */
export function bindDefinitionPlacement(
  pipeline: IPlaceablePipeline, placement: DefinitionPlacement, renderBody: (definition: Record<string, unknown>) => string,
): IResolvable {
  const state: PlacementState = {};
  // One body token per rendered definition: placement measures it, and the template and tree
  // metadata reuse it (its JSON text is written once).
  const bodyOf = (definition: Record<string, unknown>): string => {
    if (state.body === undefined || state.body.definition !== definition) {
      state.body = { definition, token: renderBody(definition) };
    }
    return state.body.token;
  };

  Aspects.of(pipeline).add({
    visit: (node: IConstruct) => {
      if (node !== pipeline || state.location !== undefined) {
        return;
      }
      place(pipeline, placement, state, bodyOf);
    },
  }, { priority: AspectPriority.MUTATING });

  return Lazy.uncachedAny({
    produce: () => state.location !== undefined
      // PascalCase keys: CfnPipeline passes this property through verbatim (cdk-integration.md #4).
      ? { PipelineDefinitionS3Location: { Bucket: state.location.bucket.bucketName, Key: state.location.key } }
      : { PipelineDefinitionBody: bodyOf(pipeline.renderDefinition()) },
  });
}

/** Where the aspect put the definition: nowhere yet (inline), or an S3 object; and the body token of the last definition. */
interface PlacementState {
  location?: { bucket: s3.IBucket; key: string };
  body?: { definition: Record<string, unknown>; token: string };
}

function place(
  pipeline: IPlaceablePipeline, placement: DefinitionPlacement, state: PlacementState, bodyOf: (definition: Record<string, unknown>) => string,
): void {
  const stack = Stack.of(pipeline);
  const definition = pipeline.renderDefinition();
  if (!Array.isArray(definition.Steps) || definition.Steps.length === 0) {
    return; // the pipeline's own validation reports a pipeline without steps
  }
  const name = Token.isUnresolved(pipeline.pipelineName) ? pipeline.node.path : pipeline.pipelineName;
  if (placement._mode === 's3') {
    moveToS3(pipeline, placement, state, definitionDocument(stack, definition));
    return;
  }

  // The bytes the body takes in the template: its resolved value as JSON (what the template holds).
  const inlineSize = JSON.stringify(stack.resolve(bodyOf(definition)) ?? null).length;
  if (placement._mode === 'auto') {
    const used = inlineBytesByStack.get(stack) ?? 0;
    if (inlineSize > placement._maxInlineSize || used + inlineSize > STACK_INLINE_BUDGET) {
      moveToS3(pipeline, placement, state, definitionDocument(stack, definition));
      return;
    }
    inlineBytesByStack.set(stack, used + inlineSize);
  } else if (inlineSize > placement._maxInlineSize) {
    Annotations.of(pipeline).addWarningV2('cdk-sagemaker-pipelines:largeInlineDefinition',
      `the definition of pipeline ${name} takes about ${inlineSize.toLocaleString('en-US')} bytes inline in the template (DefinitionPlacement.inline()); CloudFormation rejects templates above 1 MB. Use DefinitionPlacement.auto() or DefinitionPlacement.s3() to deploy it through S3.`);
  }
}

function moveToS3(pipeline: IPlaceablePipeline, placement: DefinitionPlacement, state: PlacementState, doc: DefinitionDocument): void {
  const bucket = placement._bucket ?? pipeline.artifactBucket;
  const prefix = `${KEY_PREFIX}/${keySegment(pipeline)}/`;
  const fileName = `definition-${doc.hash.slice(0, 32)}.json`;
  const deployment = new s3deploy.BucketDeployment(pipeline, 'DefinitionDeployment', {
    sources: [definitionSource(fileName, doc)],
    destinationBucket: bucket,
    destinationKeyPrefix: prefix,
    // Markers are substituted only in extracted files; keep older definitions (running executions, rollbacks).
    extract: true,
    prune: false,
    retainOnDelete: true,
  });
  // The object must exist before CloudFormation creates or updates the pipeline from it.
  pipeline.cfnPipeline.node.addDependency(deployment);
  state.location = { bucket, key: `${prefix}${fileName}` };
}

/** A `BucketDeployment` source: the definition text, and our markers with their encodings. */
function definitionSource(fileName: string, doc: DefinitionDocument): s3deploy.ISource {
  const data = s3deploy.Source.data(fileName, doc.text);
  return {
    bind: (scope: Construct, context?: s3deploy.DeploymentSourceContext): s3deploy.SourceConfig => {
      const config = data.bind(scope, context);
      const markerEncodings: Record<string, s3deploy.MarkerEncoding> = {};
      for (const marker of doc.jsonValueMarkers) {
        markerEncodings[marker] = s3deploy.MarkerEncoding.JSON_VALUE;
      }
      return {
        bucket: config.bucket,
        zipObjectKey: config.zipObjectKey,
        markers: Object.keys(doc.markers).length > 0 ? doc.markers : undefined,
        // jsonEscape: string values are JSON-escaped into their string, numbers go in bare.
        markersConfig: { jsonEscape: true, markerEncodings },
      };
    },
  };
}

/** The pipeline's folder under the key prefix: its name when literal and short, else a unique id. */
function keySegment(pipeline: IPlaceablePipeline): string {
  const name = pipeline.pipelineName;
  if (!Token.isUnresolved(name) && name.length <= 64) {
    return name;
  }
  return Names.uniqueResourceName(pipeline, { maxLength: 64, separator: '-', allowedSpecialCharacters: '-' });
}

/**
 * Replace CloudFormation token objects (intrinsics that are not string- or number-encoded) by number
 * tokens, so that `JSON.stringify` prints them bare where a marker can take their place.
 */
function replaceObjectTokens(value: unknown, objectTokens: Set<IResolvable>): unknown {
  if (value === null || typeof value !== 'object') {
    return value;
  }
  if (Tokenization.isResolvable(value)) {
    objectTokens.add(value);
    return Token.asNumber(value);
  }
  if (Array.isArray(value)) {
    return value.map((v) => replaceObjectTokens(v, objectTokens));
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = replaceObjectTokens(v, objectTokens);
  }
  return out;
}
