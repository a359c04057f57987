import { SimulationInputError } from './errors';
import type { SimulationValue } from './options';
import { isObject } from '../validator/context';

/** A pipeline parameter's value in an execution, with its declared type. */
export interface ParameterValue {
  /** The value, of the declared type's JavaScript type. */
  readonly value: SimulationValue;
  /** The declared `Type`: String, Integer, Float or Boolean. */
  readonly type: string;
}

/**
 * The value of every declared parameter for one execution, checked as `StartPipelineExecution`
 * checks them: only declared names, values of the declared type (text converted, as the service
 * receives every value as text), values within `EnumValues`, and a value for every parameter without
 * a default.
 */
export function resolveParameters(definition: Record<string, unknown>, given: Record<string, SimulationValue> = {}): Map<string, ParameterValue> {
  const declared = Array.isArray(definition.Parameters) ? definition.Parameters.filter(isObject) : [];
  const byName = new Map(declared.filter((p) => typeof p.Name === 'string').map((p) => [p.Name as string, p]));
  const names = [...byName.keys()];
  for (const name of Object.keys(given)) {
    if (!byName.has(name)) {
      throw new SimulationInputError(`parameter '${name}' is not declared by the pipeline (declared: ${names.join(', ') || 'none'}). Pass only declared parameters, e.g. --param ${names[0] ?? 'Name'}=VALUE.`);
    }
  }
  const values = new Map<string, ParameterValue>();
  for (const [name, parameter] of byName) {
    const type = typeof parameter.Type === 'string' ? parameter.Type : 'String';
    const raw = (name in given ? given[name] : parameter.DefaultValue) as SimulationValue | null | undefined;
    const source = name in given ? 'the value given' : 'its DefaultValue';
    if (raw === undefined || raw === null) {
      throw new SimulationInputError(`parameter '${name}' (Type ${type}) has no DefaultValue, so StartPipelineExecution needs a value for it. Pass one, e.g. --param ${name}=VALUE or parameters: { ${name}: ... }.`);
    }
    const value = convertValue(raw, type, () => `parameter '${name}' (Type ${type}): ${source}`);
    const enumValues = parameter.EnumValues;
    if (Array.isArray(enumValues) && enumValues.length > 0 && !enumValues.includes(value)) {
      throw new SimulationInputError(`parameter '${name}': ${source} ${JSON.stringify(value)} is not one of its EnumValues (${enumValues.map((v) => JSON.stringify(v)).join(', ')}). Pass one of them.`);
    }
    values.set(name, { value, type });
  }
  return values;
}

/**
 * Converts `raw` to the JavaScript value of a declared `Type` (String, Integer, Float, Boolean), as
 * the service parses the text it receives. `what` describes the value for the error message.
 */
export function convertValue(raw: SimulationValue, type: string, what: () => string): SimulationValue {
  const fail = (expected: string): never => {
    throw new SimulationInputError(`${what()} is ${JSON.stringify(raw)}, not ${expected}. Pass ${expected}.`);
  };
  switch (type) {
    case 'Integer': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*[-+]?\d+\s*$/.test(raw) ? Number(raw) : NaN;
      return Number.isSafeInteger(n) ? n : fail('an integer');
    }
    case 'Float': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      return Number.isFinite(n) ? n : fail('a number');
    }
    case 'Boolean': {
      if (typeof raw === 'boolean') {
        return raw;
      }
      const text = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
      return text === 'true' ? true : text === 'false' ? false : fail('a boolean (true or false)');
    }
    default:
      return typeof raw === 'string' ? raw : fail('a string');
  }
}
