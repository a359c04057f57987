import { Token, Tokenization } from 'aws-cdk-lib';
import { ParameterString } from '../parameters';
import { ErrorLocation, locationText } from './error-location';

/**
 * Checks a value for an enum-typed request member that the service evaluates at run time.
 *
 * A literal must be one of `allowed`. An expression (a `ParameterString`'s `valueAsString`, a step
 * property, a `Join`) is accepted and rendered as such (`{"Get": "Parameters.X"}`), as the SageMaker
 * SDK does for `Union[str, PipelineVariable]` arguments; a String parameter that lists `enumValues`
 * must list only allowed values.
 */
export function checkRuntimeEnum(where: ErrorLocation, prop: string, value: unknown, allowed: Record<string, string> | readonly string[]): void {
  if (value === undefined) {
    return;
  }
  const values: readonly string[] = Array.isArray(allowed) ? allowed : Object.values(allowed);
  if (typeof value !== 'string') {
    throw new Error(`${locationText(where)}: ${prop} must be one of ${values.join(', ')} or a String parameter's valueAsString; received ${typeof value}.`);
  }
  if (!Token.isUnresolved(value)) {
    if (!values.includes(value)) {
      throw new Error(`${locationText(where)}: ${prop} must be one of ${values.join(', ')}; received '${value}'.`);
    }
    return;
  }
  const fragments = Tokenization.reverseString(value);
  if (fragments.length !== 1) {
    return;
  }
  const token = fragments.firstToken;
  if (token instanceof ParameterString && token.enumValues !== undefined) {
    const outside = token.enumValues.filter((v) => !values.includes(v));
    if (outside.length > 0) {
      throw new Error(`${locationText(where)}: ${prop} takes String parameter '${token.name}' whose enumValues list ${outside.map((v) => `'${v}'`).join(', ')}, not accepted by the service here (allowed: ${values.join(', ')}). Remove them from the parameter's enumValues.`);
    }
  }
}
