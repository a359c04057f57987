/**
 * Types of the compact service-model shape table in `./generated/shapes.ts` (DESIGN decision 6).
 *
 * Key conventions of `SHAPES`:
 * - a named SageMaker shape is keyed by its Smithy name (`ProcessingOutputConfig`);
 * - a named EMR shape is keyed by `emr.` + its name (`emr.Step`);
 * - an enum is keyed by `enum:` + its SDK export name (`enum:ProcessingS3DataType`, `enum:emr.StepState`);
 * - an anonymous list or map (inlined by the SDK, e.g. a list of strings) is keyed by
 *   `list<` / `map<` + the key of its member / value + `>` (`list<string>`, `map<string>`,
 *   `list<enum:TrainingInstanceType>`).
 *
 * A `ShapeRef` is either one of the `PrimitiveShape` names or a key of `SHAPES`.
 */

/** A primitive leaf, or the key of another entry of SHAPES. */
export type ShapeRef = string;

/** Leaf types. Integers and floats are both `number`; every timestamp format is `timestamp`. */
export type PrimitiveShape = 'string' | 'number' | 'boolean' | 'timestamp' | 'blob' | 'document';

/** A structure (or union, whose members are all optional). */
export interface StructureShape {
  readonly kind: 'structure';
  /** Member name -> member shape, in the SDK schema's member order. */
  readonly members: Readonly<Record<string, ShapeRef>>;
  /** Members the service requires (in a request) or always returns (in a response). */
  readonly required: readonly string[];
}

/** A list. */
export interface ListShape {
  readonly kind: 'list';
  /** Shape of the items. */
  readonly member: ShapeRef;
  /** member name by which the service can look items up, e.g. Outputs['train'] */
  readonly keyedBy?: string;
}

/** A map with string keys. */
export interface MapShape {
  readonly kind: 'map';
  /** Shape of the values. */
  readonly value: ShapeRef;
}

/** A string enum. */
export interface EnumShape {
  readonly kind: 'enum';
  /** The accepted values, in the SDK's declaration order. */
  readonly values: readonly string[];
}

/** Any non-primitive shape. */
export type Shape = StructureShape | ListShape | MapShape | EnumShape;

/** Every primitive shape name. */
export const PRIMITIVE_SHAPES: readonly PrimitiveShape[] = ['string', 'number', 'boolean', 'timestamp', 'blob', 'document'];
