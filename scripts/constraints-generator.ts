/**
 * Generates `lib/private/generated/constraints.ts`, the table of value constraints (string lengths and
 * patterns, numeric ranges, list and map sizes) that the definition validator checks literal job-step
 * `Arguments` against.
 *
 * The npm SDK (`@aws-sdk/client-*`) drops these traits from its schemas, so they come from the
 * botocore service models installed with Python's `botocore` package
 * (`<botocore>/data/sagemaker/<api-version>/service-2.json[.gz]`, and `.../emr/...`). `python3` is only
 * used to locate the installed package; the model file is read (and gunzipped) here.
 *
 * The table holds one entry per member of every structure in `lib/private/generated/shapes.ts`
 * (`<Structure>.<Member>`, EMR structures prefixed `emr.` as in SHAPES) whose botocore target shape
 * carries a constraint:
 * - a string: `min` (when above 0), `max` and `pattern` (except the match-everything patterns);
 *   strings with an enum are left out (the validator checks them against the enum);
 * - a number (integer, long, float, double): `min` and `max`;
 * - a list: `min` (when above 0) / `max` number of items, and `items`, the constraints of string or number items;
 * - a map: `min` / `max` number of entries, and `keys` / `values`, the constraints of its keys and values.
 *
 * botocore patterns are Java regular expressions, copied unchanged; the validator translates or skips
 * what JavaScript cannot compile.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { SHAPES } from '../lib/private/generated/shapes';

/** Repository root. */
const ROOT = path.join(__dirname, '..');

/** Where the generated table is checked in. */
export const GENERATED_CONSTRAINTS_PATH = path.join(ROOT, 'lib', 'private', 'generated', 'constraints.ts');

/** The command that regenerates the table. */
export const REGENERATE_CONSTRAINTS_COMMAND = 'npx ts-node --prefer-ts-exts scripts/generate-constraints.ts';

/** Patterns that accept every string (under the validator's dotAll matching); left out of the table. */
const MATCH_ALL_PATTERNS: ReadonlySet<string> = new Set(['.*', '[\\S\\s]*', '[\\s\\S]*']);

/** The installed botocore package. */
export interface Botocore {
  /** botocore's `__version__`. */
  readonly version: string;
  /** Directory of the package (holds `data/`). */
  readonly dir: string;
}

/**
 * Locates the installed botocore with `python3`, or returns `undefined` when python3 or botocore is missing.
 */
export function locateBotocore(): Botocore | undefined {
  let out: string;
  try {
    out = execFileSync('python3', ['-c', 'import botocore, os; print(botocore.__version__); print(os.path.dirname(botocore.__file__))'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 30_000,
    });
  } catch {
    return undefined;
  }
  const [version, dir] = out.trim().split(/\r?\n/);
  if (!version || !dir || !fs.existsSync(path.join(dir, 'data'))) {
    return undefined;
  }
  return { version: version.trim(), dir: dir.trim() };
}

interface BotoShape {
  readonly type: string;
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly enum?: readonly string[];
  readonly member?: { readonly shape: string };
  readonly key?: { readonly shape: string };
  readonly value?: { readonly shape: string };
  readonly members?: Readonly<Record<string, { readonly shape: string }>>;
}

interface BotoModel {
  readonly apiVersion: string;
  readonly shapes: Readonly<Record<string, BotoShape>>;
}

/** Reads `data/<service>/<newest api version>/service-2.json(.gz)`. */
function readModel(botocore: Botocore, service: string): BotoModel {
  const serviceDir = path.join(botocore.dir, 'data', service);
  const versions = fs.readdirSync(serviceDir).filter((v) => /^\d{4}-\d{2}-\d{2}$/.test(v)).sort();
  if (versions.length === 0) {
    throw new Error(`botocore ${botocore.version} has no service model under ${serviceDir}`);
  }
  const apiVersion = versions[versions.length - 1];
  const base = path.join(serviceDir, apiVersion, 'service-2.json');
  const text = fs.existsSync(base) ? fs.readFileSync(base, 'utf8') : zlib.gunzipSync(fs.readFileSync(`${base}.gz`)).toString('utf8');
  const json = JSON.parse(text) as { shapes: Record<string, BotoShape> };
  return { apiVersion, shapes: json.shapes };
}

/** Constraints of one string or number value. */
export interface ValueConstraintData {
  min?: number;
  max?: number;
  pattern?: string;
}

/** Constraints of one structure member. */
export interface MemberConstraintData extends ValueConstraintData {
  items?: ValueConstraintData;
  keys?: ValueConstraintData;
  values?: ValueConstraintData;
}

const NUMBER_TYPES = ['integer', 'long', 'float', 'double'];

/** The constraints of a string or number shape, or undefined when it has none (or is an enum). */
function scalarConstraint(shape: BotoShape | undefined): ValueConstraintData | undefined {
  if (shape === undefined) return undefined;
  const c: ValueConstraintData = {};
  if (shape.type === 'string') {
    if (shape.enum !== undefined) return undefined;
    if (shape.min !== undefined && shape.min > 0) c.min = shape.min;
    if (shape.max !== undefined) c.max = shape.max;
    if (shape.pattern !== undefined && !MATCH_ALL_PATTERNS.has(shape.pattern)) c.pattern = shape.pattern;
  } else if (NUMBER_TYPES.includes(shape.type)) {
    if (shape.min !== undefined) c.min = shape.min;
    if (shape.max !== undefined) c.max = shape.max;
  } else {
    return undefined;
  }
  return Object.keys(c).length === 0 ? undefined : c;
}

function memberConstraint(model: BotoModel, shapeName: string): MemberConstraintData | undefined {
  const shape = model.shapes[shapeName];
  if (shape === undefined) return undefined;
  if (shape.type === 'list' || shape.type === 'map') {
    const c: MemberConstraintData = {};
    if (shape.min !== undefined && shape.min > 0) c.min = shape.min;
    if (shape.max !== undefined) c.max = shape.max;
    if (shape.type === 'list') {
      const items = scalarConstraint(model.shapes[shape.member!.shape]);
      if (items) c.items = items;
    } else {
      const keys = scalarConstraint(model.shapes[shape.key!.shape]);
      const values = scalarConstraint(model.shapes[shape.value!.shape]);
      if (keys) c.keys = keys;
      if (values) c.values = values;
    }
    return Object.keys(c).length === 0 ? undefined : c;
  }
  return scalarConstraint(shape);
}

/** The generated table, before rendering. */
export interface ConstraintTable {
  readonly botocoreVersion: string;
  readonly apiVersions: Readonly<Record<string, string>>;
  /** `Structure.Member` -> constraints, in SHAPES order. */
  readonly constraints: ReadonlyArray<readonly [string, MemberConstraintData]>;
  /** `Structure.Member` (or `Structure`) of shapes.ts that botocore's model does not have. */
  readonly missing: readonly string[];
}

/** Builds the table from the installed botocore and the checked-in shapes table. */
export function buildConstraintTable(botocore: Botocore): ConstraintTable {
  const models: Record<string, BotoModel> = { sagemaker: readModel(botocore, 'sagemaker'), emr: readModel(botocore, 'emr') };
  const constraints: Array<readonly [string, MemberConstraintData]> = [];
  const missing: string[] = [];
  for (const key of Object.keys(SHAPES).sort()) {
    const shape = SHAPES[key];
    if (shape.kind !== 'structure') continue;
    const [model, name] = key.startsWith('emr.') ? [models.emr, key.slice(4)] : [models.sagemaker, key];
    const boto = model.shapes[name];
    if (boto === undefined || boto.type !== 'structure' || boto.members === undefined) {
      missing.push(key);
      continue;
    }
    for (const member of Object.keys(shape.members)) {
      const target = boto.members[member];
      if (target === undefined) {
        missing.push(`${key}.${member}`);
        continue;
      }
      const c = memberConstraint(model, target.shape);
      if (c !== undefined) constraints.push([`${key}.${member}`, c]);
    }
  }
  return {
    botocoreVersion: botocore.version,
    apiVersions: { sagemaker: models.sagemaker.apiVersion, emr: models.emr.apiVersion },
    constraints,
    missing,
  };
}

function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function renderValue(c: ValueConstraintData): string {
  const parts: string[] = [];
  if (c.min !== undefined) parts.push(`min: ${c.min}`);
  if (c.max !== undefined) parts.push(`max: ${c.max}`);
  if (c.pattern !== undefined) parts.push(`pattern: ${quote(c.pattern)}`);
  return parts.join(', ');
}

function renderMember(c: MemberConstraintData): string {
  const parts: string[] = [];
  const own = renderValue(c);
  if (own !== '') parts.push(own);
  if (c.items) parts.push(`items: { ${renderValue(c.items)} }`);
  if (c.keys) parts.push(`keys: { ${renderValue(c.keys)} }`);
  if (c.values) parts.push(`values: { ${renderValue(c.values)} }`);
  return `{ ${parts.join(', ')} }`;
}

/** Renders the table as the source of `lib/private/generated/constraints.ts`. */
export function renderConstraintsSource(table: ConstraintTable): string {
  const wrap = (items: readonly string[]): string[] => {
    const lines: string[] = [];
    let line = '//  ';
    for (const i of items) {
      if (line.length + i.length > 120) {
        lines.push(line.trimEnd());
        line = '//  ';
      }
      line += ` ${i}`;
    }
    if (line.trim() !== '//') lines.push(line.trimEnd());
    return lines;
  };
  return [
    '// ~~ Generated by scripts/generate-constraints.ts. Do not edit by hand.',
    `// Source: botocore ${table.botocoreVersion} service models sagemaker ${table.apiVersions.sagemaker} and emr ${table.apiVersions.emr}`,
    '// (min / max / pattern traits of the member target shapes; the npm SDK does not carry them).',
    `// Regenerate after upgrading botocore or the SDK (shapes.ts) with: ${REGENERATE_CONSTRAINTS_COMMAND}`,
    '// test/validator-limits.test.ts fails when this file no longer matches the installed botocore.',
    '// Keys: `<Structure>.<Member>` of lib/private/generated/shapes.ts. For a list / map member, min and max count',
    '// its items / entries; `items`, `keys`, `values` constrain them. Patterns are botocore\'s (Java syntax), unchanged.',
    `// Not in botocore's model (newer in the SDK; unconstrained here):${table.missing.length === 0 ? ' none' : ''}`,
    ...wrap(table.missing),
    '/* eslint-disable */',
    '',
    '/** Constraints of one string (length in UTF-16 code units, pattern) or number (range). */',
    'export interface ValueConstraint {',
    '  readonly min?: number;',
    '  readonly max?: number;',
    '  readonly pattern?: string;',
    '}',
    '',
    '/** Constraints of one structure member; for a list or map, min / max count its items or entries. */',
    'export interface MemberConstraint extends ValueConstraint {',
    '  readonly items?: ValueConstraint;',
    '  readonly keys?: ValueConstraint;',
    '  readonly values?: ValueConstraint;',
    '}',
    '',
    '/** The botocore version this table was generated from. */',
    `export const BOTOCORE_VERSION = ${quote(table.botocoreVersion)};`,
    '',
    `/** ${table.constraints.length} constrained members, by \`Structure.Member\`. */`,
    'export const CONSTRAINTS: Readonly<Record<string, MemberConstraint>> = {',
    ...table.constraints.map(([key, c]) => `  ${quote(key)}: ${renderMember(c)},`),
    '};',
    '',
  ].join('\n');
}

/** Generates the source from the installed botocore; throws when botocore cannot be found. */
export function generateConstraintsSource(botocore: Botocore | undefined = locateBotocore()): string {
  if (botocore === undefined) {
    throw new Error('python3 with botocore is required to generate the constraints table (pip install botocore).');
  }
  return renderConstraintsSource(buildConstraintTable(botocore));
}
