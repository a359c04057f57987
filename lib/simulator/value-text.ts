/**
 * How a resolved value is printed inside `Std:Join`. The service's printing is not documented; this
 * follows the SageMaker Python SDK's local executor, which joins `str(value)` in Python: a Float is
 * printed with a decimal point (`6.0`, `1e+16`), an Integer without, a Boolean as `True` / `False`.
 */
export function joinText(value: unknown, float: boolean): string {
  if (typeof value === 'boolean') {
    return value ? 'True' : 'False';
  }
  if (typeof value === 'number') {
    return float ? pythonFloatText(value) : pythonIntegerText(value);
  }
  if (typeof value === 'string') {
    return value;
  }
  return JSON.stringify(value);
}

/** Python's `str(int)`; a non-integral number falls back to the float form. */
function pythonIntegerText(value: number): string {
  if (!Number.isInteger(value)) {
    return pythonFloatText(value);
  }
  if (Math.abs(value) < 1e21) {
    return value.toFixed(0);
  }
  return BigInt(value).toString();
}

/**
 * Python's `repr(float)`: the shortest digits that round-trip (as JavaScript's), in fixed notation
 * when the decimal exponent is in [-4, 16), else scientific with a two-digit exponent.
 */
export function pythonFloatText(value: number): string {
  if (Number.isNaN(value)) {
    return 'nan';
  }
  if (!Number.isFinite(value)) {
    return value > 0 ? 'inf' : '-inf';
  }
  if (value === 0) {
    return Object.is(value, -0) ? '-0.0' : '0.0';
  }
  const sign = value < 0 ? '-' : '';
  const [mantissa, exponentText] = Math.abs(value).toExponential().split('e');
  const exponent = Number(exponentText);
  const digits = mantissa.replace('.', '');
  if (exponent >= -4 && exponent < 16) {
    let text: string;
    if (exponent >= 0) {
      const whole = digits.length > exponent + 1 ? digits.slice(0, exponent + 1) : digits.padEnd(exponent + 1, '0');
      const fraction = digits.slice(exponent + 1);
      text = `${whole}.${fraction === '' ? '0' : fraction}`;
    } else {
      text = `0.${'0'.repeat(-exponent - 1)}${digits}`;
    }
    return sign + text;
  }
  const expSign = exponent < 0 ? '-' : '+';
  const expDigits = String(Math.abs(exponent)).padStart(2, '0');
  return `${sign}${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ''}e${expSign}${expDigits}`;
}
