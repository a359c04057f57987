/**
 * An evaluator of IAM identity policies, after IAM's policy evaluation logic for a request within
 * one account: an explicit Deny in any statement wins; otherwise any Allow allows; otherwise the
 * request is implicitly denied.
 *
 * - `Action` / `NotAction`: case-insensitive, with `*` and `?` wildcards.
 * - `Resource` / `NotResource`: case-sensitive across the whole ARN; `*` matches any run of
 *   characters (colons and slashes included), `?` exactly one.
 * - `Condition`: every operator block and every key in it must hold (AND); the values of one key
 *   are alternatives (OR). Operators: StringEquals, StringNotEquals, StringEqualsIgnoreCase,
 *   StringLike, StringNotLike, ArnEquals, ArnLike, ArnNotEquals, ArnNotLike (the Arn operators
 *   compare the six colon-separated parts one by one, each with wildcards), Bool, each with an
 *   `IfExists` form. A key missing from the request fails a positive operator and satisfies a
 *   negated one. Any other operator throws, so a policy the evaluator cannot judge is never
 *   reported as allowed.
 */

/** One call to an AWS API, as IAM sees it. */
export interface Request {
  /** `service:Action`. */
  readonly action: string;
  /** The resource ARN the service forms for the call (`*` for actions without resource types). */
  readonly resource: string;
  /** Request context keys, e.g. `{ 'iam:PassedToService': 'sagemaker.amazonaws.com' }`. */
  readonly context?: Record<string, string | string[]>;
}

/** The outcome of a request. */
export type Decision = 'allowed' | 'implicitly denied' | 'explicitly denied';

type Statement = {
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
};

/** An identity policy document (resolved: every value a string). */
export interface PolicyDocument {
  readonly Statement: Statement | Statement[];
}

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Whether `value` matches the IAM glob `pattern` (`*`: any characters, `?`: one). */
export function globMatches(pattern: string, value: string, ignoreCase = false): boolean {
  // Iterative wildcard matching (no regular expressions: a pattern is data, not code).
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const v = ignoreCase ? value.toLowerCase() : value;
  let pi = 0;
  let vi = 0;
  let star = -1;
  let mark = 0;
  while (vi < v.length) {
    if (pi < p.length && (p[pi] === '?' || p[pi] === v[vi])) {
      pi++;
      vi++;
    } else if (pi < p.length && p[pi] === '*') {
      star = pi++;
      mark = vi;
    } else if (star >= 0) {
      pi = star + 1;
      vi = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') {
    pi++;
  }
  return pi === p.length;
}

/** ArnLike / ArnEquals: the six colon-separated parts compared one by one, each with wildcards. */
export function arnMatches(pattern: string, arn: string): boolean {
  const split = (s: string): string[] => {
    const parts = s.split(':');
    return parts.length < 6 ? parts : [...parts.slice(0, 5), parts.slice(5).join(':')];
  };
  const p = split(pattern);
  const a = split(arn);
  if (p.length !== 6 || a.length !== 6) {
    return false;
  }
  return p.every((part, i) => globMatches(part, a[i]));
}

const OPERATORS: Record<string, (policyValue: string, requestValue: string) => boolean> = {
  StringEquals: (p, r) => p === r,
  StringEqualsIgnoreCase: (p, r) => p.toLowerCase() === r.toLowerCase(),
  StringLike: (p, r) => globMatches(p, r),
  ArnEquals: arnMatches,
  ArnLike: arnMatches,
  Bool: (p, r) => p.toLowerCase() === r.toLowerCase(),
};
const NEGATED: Record<string, string> = {
  StringNotEquals: 'StringEquals',
  StringNotLike: 'StringLike',
  ArnNotEquals: 'ArnEquals',
  ArnNotLike: 'ArnLike',
};

function conditionHolds(operator: string, key: string, policyValues: unknown, context: Record<string, string | string[]>): boolean {
  const ifExists = operator.endsWith('IfExists');
  const base = ifExists ? operator.slice(0, -'IfExists'.length) : operator;
  const contextKey = Object.keys(context).find((k) => k.toLowerCase() === key.toLowerCase());
  const requestValues = contextKey === undefined ? undefined : list(context[contextKey]);
  const values = list(policyValues as string | string[]).map(String);
  const negatedOf = NEGATED[base];
  const compare = OPERATORS[negatedOf ?? base];
  if (compare === undefined) {
    throw new Error(`condition operator ${operator} is not implemented by test/iam/evaluate.ts`);
  }
  if (requestValues === undefined) {
    return ifExists || negatedOf !== undefined;
  }
  const anyMatch = requestValues.some((r) => values.some((p) => compare(p, r)));
  return negatedOf !== undefined ? !anyMatch : anyMatch;
}

function statementApplies(statement: Statement, request: Request): boolean {
  const actionMatch = (patterns: string[]): boolean => patterns.some((p) => globMatches(p, request.action, true));
  const resourceMatch = (patterns: string[]): boolean => patterns.some((p) => globMatches(p, request.resource));
  if (statement.Action !== undefined ? !actionMatch(list(statement.Action)) : actionMatch(list(statement.NotAction))) {
    return false;
  }
  if (statement.Resource !== undefined ? !resourceMatch(list(statement.Resource)) : resourceMatch(list(statement.NotResource))) {
    return false;
  }
  const context = request.context ?? {};
  return Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, values]) => conditionHolds(operator, key, values, context)));
}

/** The decision of IAM on `request` for a principal whose identity policies are `policies`. */
export function evaluate(policies: PolicyDocument[], request: Request): Decision {
  const statements = policies.flatMap((p) => list(p.Statement));
  if (statements.some((s) => s.Effect === 'Deny' && statementApplies(s, request))) {
    return 'explicitly denied';
  }
  return statements.some((s) => s.Effect === 'Allow' && statementApplies(s, request)) ? 'allowed' : 'implicitly denied';
}
