import { SHAPES } from '../private/generated/shapes';
import { isObject } from '../validator/context';
import { tokenize } from '../validator/properties';

/** Member names by which the service looks list items up (`Outputs['train']`), from the service model. */
const KEY_MEMBERS = [...new Set(Object.values(SHAPES).flatMap((s) => (s.kind === 'list' && s.keyedBy !== undefined ? [s.keyedBy] : [])))];

/** A value found at a property path. */
export interface PropertyLookup {
  /** The value, or undefined when the step would not have it. */
  readonly value: unknown;
  /** Whether the service reports the value as a Float (metric values), for `Std:Join`. */
  readonly float: boolean;
}

/**
 * The value at `propertyPath` (`ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri`) in a step's
 * properties. A `['key']` segment on a list selects the item whose name member (`OutputName`,
 * `InputName`, `MetricName`: the service model's keyed lists) equals the key; on an object, the member.
 */
export function lookupProperty(properties: unknown, propertyPath: string): PropertyLookup {
  const tokens = tokenize(propertyPath);
  if (typeof tokens === 'string') {
    return { value: undefined, float: false };
  }
  let current: unknown = properties;
  for (const token of tokens) {
    if (current === undefined || current === null) {
      return { value: undefined, float: false };
    }
    if (token.kind === 'index') {
      current = Array.isArray(current) ? current[Number(token.text)] : undefined;
    } else if (token.kind === 'key' && Array.isArray(current)) {
      current = current.find((item) => isObject(item) && KEY_MEMBERS.some((k) => item[k] === token.text));
    } else {
      current = isObject(current) && Object.prototype.hasOwnProperty.call(current, token.text) ? current[token.text] : undefined;
    }
  }
  const last = tokens[tokens.length - 1];
  const float = typeof current === 'number' && last?.kind === 'member' && last.text === 'Value' && /Metric/.test(propertyPath);
  return { value: current, float };
}
