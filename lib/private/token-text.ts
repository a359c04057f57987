/**
 * How CDK tokens show in plain values (aws-cdk-lib `core/lib/private/encoding`): a string token as
 * `${Token[NAME.123]}` inside a string (a list token as `#{Token[...]}`), and a number token as a double
 * near -1.8881545897087626e+289, which prints into a string as `...e+289`. The renderer, the definition
 * body and the expression helpers ask these two questions of every value they pass, so they share them.
 */

/**
 * Whether `text` may hold a token: cheap substring tests, true for every string that holds one (and for
 * a few that only look alike, which the caller's exact check then clears).
 */
export function mayHoldToken(text: string): boolean {
  return text.includes('Token[') || text.includes('e+289');
}

/**
 * Whether `value` is an ordinary number: not a possible number token (those lie near -1.89e+289), nor
 * NaN or an infinity. Cheaper than `Token.isUnresolved`, which allocates two typed arrays per number.
 */
export function isLiteralNumber(value: number): boolean {
  return value > -1e287 && value < 1e287;
}
