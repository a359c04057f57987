/**
 * Generates `lib/private/generated/shapes.ts`, the compact service-model shape table that the runtime
 * property proxy and the definition validator walk (DESIGN decision 6).
 *
 * Sources, both from the installed SDK packages:
 * - the runtime static schemas (`require('@aws-sdk/client-sagemaker').ProcessingInput$` etc.), which
 *   give every structure's members, which of them are required, and the list / map / nesting structure;
 * - the `dist-types/models/*.d.ts` declarations, read with the TypeScript compiler API, which give
 *   the enum type of string members (the runtime schemas type enums as plain strings). The generator
 *   also cross-checks every structure it emits against its `.d.ts` interface (same members, required
 *   exactly when declared without `?`, same primitive types), and throws when they disagree, so a
 *   change of the schema encoding in a future SDK fails loudly instead of producing a wrong table.
 *
 * Static schema encoding (see `@smithy/core` `schema` submodule, `NormalizedSchema`, and
 * `@smithy/types` `static-schemas.d.ts`):
 * - a number is a primitive: 0 string, 1 number, 2 boolean, 4..7 timestamp (formats), 15 document,
 *   17 big integer, 19 big decimal, 21 blob, 42 streaming blob; `64 + x` (64..127) is an anonymous list
 *   of primitive x and `128 + x` (128..255) an anonymous map (string keys) of primitive x;
 * - a function is a lazy reference to another schema;
 * - a 2-element array `[schemaRef, traits]` is a member schema carrying member traits;
 * - `[0, ns, name, traits, schemaRef]` is a named simple shape (e.g. a sensitive string);
 * - `[1, ns, name, traits, memberRef]` a named list; `[2, ns, name, traits, keyRef, valueRef]` a named map;
 * - `[3 | -3 | 4, ns, name, traits, memberNames, memberRefs, requiredCount?]` a structure, error or union;
 *   the SDK orders members so that the first `requiredCount` (absent: 0) are the required ones.
 */
import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';
// The generator only runs from the repository (tests and the regeneration command), never from the package.
// eslint-disable-next-line import/no-extraneous-dependencies
import * as ts from 'typescript';
import type { ListShape, PrimitiveShape, Shape, ShapeRef } from '../lib/private/shape-types';

/** Repository root. */
const ROOT = path.join(__dirname, '..');

/** Where the generated table is checked in. */
export const GENERATED_SHAPES_PATH = path.join(ROOT, 'lib', 'private', 'generated', 'shapes.ts');

/** The command that regenerates the table. */
export const REGENERATE_COMMAND = 'npx ts-node --prefer-ts-exts scripts/generate-shapes.ts';

type ServiceId = 'sagemaker' | 'emr';

/** The SDK packages the table is generated from; EMR shape keys are prefixed to avoid collisions. */
const SERVICES: Record<ServiceId, { readonly packageName: string; readonly prefix: string }> = {
  sagemaker: { packageName: '@aws-sdk/client-sagemaker', prefix: '' },
  emr: { packageName: '@aws-sdk/client-emr', prefix: 'emr.' },
};

/** Step `Type` -> the shapes whose members are the step's properties (`Steps.<name>.<path>`). */
const PROPERTY_ROOTS: Record<string, readonly string[]> = {
  Training: ['DescribeTrainingJobResponse'],
  Processing: ['DescribeProcessingJobResponse'],
  Transform: ['DescribeTransformJobResponse'],
  Tuning: ['DescribeHyperParameterTuningJobResponse', 'ListTrainingJobsForHyperParameterTuningJobResponse'],
  Model: ['DescribeModelOutput'],
  RegisterModel: ['DescribeModelPackageOutput'],
  AutoML: ['DescribeAutoMLJobResponse'],
  EMR: ['emr.Step'],
};

/** Step `Type` -> the Create* request shape its `Arguments` must match. */
const REQUEST_SHAPES: Record<string, string> = {
  Training: 'CreateTrainingJobRequest',
  Processing: 'CreateProcessingJobRequest',
  Transform: 'CreateTransformJobRequest',
  Tuning: 'CreateHyperParameterTuningJobRequest',
  Model: 'CreateModelInput',
  RegisterModel: 'CreateModelPackageInput',
  AutoML: 'CreateAutoMLJobRequest',
  QualityCheck: 'CreateProcessingJobRequest',
  ClarifyCheck: 'CreateProcessingJobRequest',
};

/**
 * The only lists the service is known to look up by item name (reference/definition-format.md §3.2):
 * the list shape behind `structure.member` gets `keyedBy: key`.
 */
const KEYED_LISTS: ReadonlyArray<{ readonly structure: string; readonly member: string; readonly key: string }> = [
  { structure: 'ProcessingOutputConfig', member: 'Outputs', key: 'OutputName' },
  { structure: 'DescribeProcessingJobResponse', member: 'ProcessingInputs', key: 'InputName' },
  { structure: 'DescribeTrainingJobResponse', member: 'FinalMetricDataList', key: 'MetricName' },
];

/** What a `.d.ts` member type says, as far as the generator needs it. */
type DeclaredType =
  | { readonly kind: 'primitive'; readonly type: PrimitiveShape }
  | { readonly kind: 'enum'; readonly name: string }
  | { readonly kind: 'named'; readonly name: string }
  | { readonly kind: 'list'; readonly member: DeclaredType }
  | { readonly kind: 'map'; readonly value: DeclaredType }
  | { readonly kind: 'unknown' };

interface DeclaredMember {
  readonly optional: boolean;
  readonly type: DeclaredType;
}

interface DeclaredStructure {
  readonly union: boolean;
  readonly members: ReadonlyMap<string, DeclaredMember>;
}

interface LoadedService {
  readonly id: ServiceId;
  readonly packageName: string;
  readonly version: string;
  readonly prefix: string;
  readonly runtime: Readonly<Record<string, unknown>>;
  readonly structures: ReadonlyMap<string, DeclaredStructure>;
  /** Enum name -> values declared in the `.d.ts`. */
  readonly enums: ReadonlyMap<string, readonly (string | number)[]>;
}

const UNKNOWN: DeclaredType = { kind: 'unknown' };

function loadService(id: ServiceId): LoadedService {
  const { packageName, prefix } = SERVICES[id];
  const req = createRequire(path.join(ROOT, 'package.json'));
  const packageJsonPath = req.resolve(`${packageName}/package.json`);
  const version = (JSON.parse(fs.readFileSync(packageJsonPath, 'utf8')) as { version: string }).version;
  const runtime = req(packageName) as Record<string, unknown>;
  const modelsDir = path.join(path.dirname(packageJsonPath), 'dist-types', 'models');
  const files = fs.readdirSync(modelsDir).filter(f => f.endsWith('.d.ts')).sort();
  const sources = files.map(f => ts.createSourceFile(f, fs.readFileSync(path.join(modelsDir, f), 'utf8'), ts.ScriptTarget.Latest, false));

  const enums = new Map<string, Array<string | number>>();
  const intEnums = new Set<string>();
  for (const source of sources) {
    for (const statement of source.statements) {
      // An intEnum is a TypeScript `enum` (numbers at runtime): the table types it as a plain `number`.
      if (ts.isEnumDeclaration(statement)) intEnums.add(statement.name.text);
      if (!ts.isVariableStatement(statement)) continue;
      for (const decl of statement.declarationList.declarations) {
        if (!ts.isIdentifier(decl.name) || !decl.type || !ts.isTypeLiteralNode(decl.type)) continue;
        const values = decl.type.members.map(m => literalValue(m));
        if (values.length > 0 && values.every((v): v is string | number => v !== undefined)) {
          enums.set(decl.name.text, values);
        }
      }
    }
  }

  const structures = new Map<string, DeclaredStructure>();
  for (const source of sources) {
    const aliases = importAliases(source);
    const typeOf = (node: ts.TypeNode | undefined): DeclaredType => declaredType(node, aliases, enums, intEnums);
    for (const statement of source.statements) {
      if (ts.isInterfaceDeclaration(statement)) {
        const members = new Map<string, DeclaredMember>();
        for (const m of statement.members) {
          if (ts.isPropertySignature(m) && ts.isIdentifier(m.name)) {
            members.set(m.name.text, { optional: m.questionToken !== undefined, type: typeOf(m.type) });
          }
        }
        structures.set(statement.name.text, { union: false, members });
      } else if (ts.isModuleDeclaration(statement) && ts.isIdentifier(statement.name) && statement.body && ts.isModuleBlock(statement.body)) {
        // A union: `namespace U { interface AMember { A: T; B?: never; $unknown?: never } ... }`.
        const members = new Map<string, DeclaredMember>();
        for (const inner of statement.body.statements) {
          if (!ts.isInterfaceDeclaration(inner) || !inner.name.text.endsWith('Member') || inner.name.text === '$UnknownMember') continue;
          const memberName = inner.name.text.slice(0, -'Member'.length);
          const prop = inner.members.find(m => ts.isPropertySignature(m) && ts.isIdentifier(m.name) && m.name.text === memberName);
          if (prop && ts.isPropertySignature(prop)) members.set(memberName, { optional: true, type: typeOf(prop.type) });
        }
        structures.set(statement.name.text, { union: true, members });
      }
    }
  }
  return { id, packageName, version, prefix, runtime, structures, enums };
}

function literalValue(member: ts.TypeElement): string | number | undefined {
  if (!ts.isPropertySignature(member) || !member.type || !ts.isLiteralTypeNode(member.type)) return undefined;
  const literal = member.type.literal;
  if (ts.isStringLiteral(literal)) return literal.text;
  if (ts.isNumericLiteral(literal)) return Number(literal.text);
  return undefined;
}

/** Local name -> exported name, for `import { A as B }` (e.g. `DocumentType as __DocumentType`). */
function importAliases(source: ts.SourceFile): Map<string, string> {
  const aliases = new Map<string, string>();
  for (const statement of source.statements) {
    const bindings = ts.isImportDeclaration(statement) ? statement.importClause?.namedBindings : undefined;
    if (!bindings || !ts.isNamedImports(bindings)) continue;
    for (const element of bindings.elements) {
      if (element.propertyName) aliases.set(element.name.text, element.propertyName.text);
    }
  }
  return aliases;
}

function declaredType(
  node: ts.TypeNode | undefined,
  aliases: ReadonlyMap<string, string>,
  enums: ReadonlyMap<string, unknown>,
  intEnums: ReadonlySet<string>,
): DeclaredType {
  const recurse = (n: ts.TypeNode | undefined): DeclaredType => declaredType(n, aliases, enums, intEnums);
  if (!node) return UNKNOWN;
  if (ts.isParenthesizedTypeNode(node)) return recurse(node.type);
  if (ts.isUnionTypeNode(node)) {
    const defined = node.types.filter(t => t.kind !== ts.SyntaxKind.UndefinedKeyword);
    return defined.length === 1 ? recurse(defined[0]) : UNKNOWN;
  }
  if (ts.isArrayTypeNode(node)) return { kind: 'list', member: recurse(node.elementType) };
  switch (node.kind) {
    case ts.SyntaxKind.StringKeyword: return { kind: 'primitive', type: 'string' };
    case ts.SyntaxKind.NumberKeyword: return { kind: 'primitive', type: 'number' };
    case ts.SyntaxKind.BooleanKeyword: return { kind: 'primitive', type: 'boolean' };
    default: break;
  }
  if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName)) {
    const local = node.typeName.text;
    const name = aliases.get(local) ?? local;
    const args = node.typeArguments ?? [];
    if (name === 'Record' && args.length === 2) return { kind: 'map', value: recurse(args[1]) };
    if (name === 'Partial' && args.length === 1) return recurse(args[0]);
    if (name === 'Date') return { kind: 'primitive', type: 'timestamp' };
    if (name === 'Uint8Array') return { kind: 'primitive', type: 'blob' };
    if (name === 'DocumentType') return { kind: 'primitive', type: 'document' };
    if (enums.has(name)) return { kind: 'enum', name };
    if (intEnums.has(name)) return { kind: 'primitive', type: 'number' };
    return { kind: 'named', name };
  }
  return UNKNOWN;
}

/** Static schema id of a named simple shape, list, map, structure, union and error. */
const SIMPLE = 0;
const LIST = 1;
const MAP = 2;
const STRUCTURE = 3;
const UNION = 4;
const ERROR = -3;

function primitiveOf(code: number): PrimitiveShape | undefined {
  switch (code) {
    case 0: return 'string';
    case 1: case 17: case 19: return 'number';
    case 2: return 'boolean';
    case 4: case 5: case 6: case 7: return 'timestamp';
    case 15: return 'document';
    case 21: case 42: return 'blob';
    default: return undefined;
  }
}

function describe(t: DeclaredType): string {
  switch (t.kind) {
    case 'primitive': return t.type;
    case 'enum': case 'named': return t.name;
    case 'list': return `${describe(t.member)}[]`;
    case 'map': return `Record<string, ${describe(t.value)}>`;
    default: return 'unknown';
  }
}

/** Walks the static schemas from the roots and builds the table, collecting every disagreement with the `.d.ts`. */
class ShapeTableBuilder {
  public readonly shapes = new Map<string, Shape>();
  public readonly problems: string[] = [];
  /** Named list/map key -> the declared type it was first reached with, to check that every use agrees. */
  private readonly declaredAt = new Map<string, string>();

  constructor(private readonly services: Readonly<Record<ServiceId, LoadedService>>) {}

  /** Adds the structure exported as `<name>$` by the service's package; returns its key. */
  public addRoot(key: string): string {
    const svc = key.startsWith(SERVICES.emr.prefix) ? this.services.emr : this.services.sagemaker;
    const name = key.slice(svc.prefix.length);
    const schema = svc.runtime[`${name}$`];
    if (!Array.isArray(schema) || schema[0] !== STRUCTURE) {
      throw new Error(`${svc.packageName}@${svc.version} exports no structure schema ${name}$ (root ${key})`);
    }
    return this.resolve(svc, schema, { kind: 'named', name }, key);
  }

  private resolve(svc: LoadedService, ref: unknown, declared: DeclaredType, where: string): ShapeRef {
    const schema: unknown = typeof ref === 'function' ? (ref as () => unknown)() : ref;
    if (typeof schema === 'number') return this.resolveNumber(svc, schema, declared, where);
    if (!Array.isArray(schema)) {
      this.problems.push(`${where}: unsupported schema ${JSON.stringify(schema)}`);
      return 'document';
    }
    if (schema.length === 2) return this.resolve(svc, schema[0], declared, where); // [schemaRef, memberTraits]
    const [id, , name] = schema as [number, string, string];
    switch (id) {
      case SIMPLE: return this.resolve(svc, schema[4], declared, where);
      case LIST: return this.resolveNamedList(svc, schema, declared, where);
      case MAP: return this.resolveNamedMap(svc, schema, declared, where);
      case STRUCTURE: case UNION: case ERROR: return this.resolveStructure(svc, schema, declared, where);
      default:
        this.problems.push(`${where}: unsupported schema id ${id} (${name})`);
        return 'document';
    }
  }

  private resolveNumber(svc: LoadedService, code: number, declared: DeclaredType, where: string): ShapeRef {
    if (code >= 64 && code < 128) { // LIST_MODIFIER | primitive
      const member = this.resolveNumber(svc, code - 64, this.expect(declared, 'list', where), `${where}[]`);
      return this.add(`list<${member}>`, { kind: 'list', member }, where);
    }
    if (code >= 128 && code < 256) { // MAP_MODIFIER | primitive
      const value = this.resolveNumber(svc, code - 128, this.expect(declared, 'map', where), `${where}{}`);
      return this.add(`map<${value}>`, { kind: 'map', value }, where);
    }
    const primitive = primitiveOf(code);
    if (!primitive) {
      this.problems.push(`${where}: unknown primitive schema code ${code}`);
      return 'document';
    }
    if (declared.kind === 'enum') {
      if (primitive !== 'string') this.problems.push(`${where}: enum ${declared.name} on a ${primitive} schema`);
      return this.enumShape(svc, declared.name, where);
    }
    if (declared.kind !== 'unknown' && !(declared.kind === 'primitive' && declared.type === primitive)) {
      this.problems.push(`${where}: schema says ${primitive}, .d.ts says ${describe(declared)}`);
    }
    return primitive;
  }

  private resolveNamedList(svc: LoadedService, schema: readonly unknown[], declared: DeclaredType, where: string): ShapeRef {
    const key = svc.prefix + String(schema[2]);
    if (this.enter(key, declared, where)) {
      const member = this.resolve(svc, schema[4], this.expect(declared, 'list', where), `${where}[]`);
      this.leave(key, { kind: 'list', member });
    }
    return key;
  }

  private resolveNamedMap(svc: LoadedService, schema: readonly unknown[], declared: DeclaredType, where: string): ShapeRef {
    const key = svc.prefix + String(schema[2]);
    if (this.enter(key, declared, where)) {
      const keyRef = this.resolve(svc, schema[4], UNKNOWN, `${where}{key}`);
      if (keyRef !== 'string' && !keyRef.startsWith('enum:')) this.problems.push(`${where}: map key is ${keyRef}, not a string`);
      const value = this.resolve(svc, schema[5], this.expect(declared, 'map', where), `${where}{}`);
      this.leave(key, { kind: 'map', value });
    }
    return key;
  }

  private resolveStructure(svc: LoadedService, schema: readonly unknown[], declared: DeclaredType, where: string): ShapeRef {
    const id = schema[0] as number;
    const name = String(schema[2]);
    const key = svc.prefix + name;
    if (declared.kind !== 'unknown' && !(declared.kind === 'named' && declared.name === name)) {
      this.problems.push(`${where}: schema says structure ${name}, .d.ts says ${describe(declared)}`);
    }
    if (!this.enter(key, UNKNOWN, where)) return key;
    const memberNames = schema[4] as readonly string[];
    const memberRefs = schema[5] as readonly unknown[];
    const requiredCount = id === UNION ? 0 : (schema[6] as number | undefined) ?? 0;
    const required = memberNames.slice(0, requiredCount);

    const dts = svc.structures.get(name);
    if (!dts) {
      this.problems.push(`${key}: no .d.ts declaration named ${name} in ${svc.packageName}`);
    } else {
      if (dts.union !== (id === UNION)) this.problems.push(`${key}: schema id ${id} but .d.ts ${dts.union ? 'union' : 'interface'}`);
      const declaredNames = [...dts.members.keys()];
      const missing = declaredNames.filter(n => !memberNames.includes(n));
      const extra = memberNames.filter(n => !dts.members.has(n));
      if (missing.length || extra.length) this.problems.push(`${key}: members differ from .d.ts (only in .d.ts: ${missing}; only in schema: ${extra})`);
      const declaredRequired = declaredNames.filter(n => !dts.members.get(n)!.optional);
      if ([...declaredRequired].sort().join() !== [...required].sort().join()) {
        this.problems.push(`${key}: required members [${required}] (first ${requiredCount} in the schema) differ from .d.ts [${declaredRequired}]`);
      }
    }
    const members: Record<string, ShapeRef> = {};
    memberNames.forEach((member, i) => {
      members[member] = this.resolve(svc, memberRefs[i], dts?.members.get(member)?.type ?? UNKNOWN, `${key}.${member}`);
    });
    this.leave(key, { kind: 'structure', members, required });
    return key;
  }

  private enumShape(svc: LoadedService, name: string, where: string): ShapeRef {
    const key = `enum:${svc.prefix}${name}`;
    if (this.shapes.has(key)) return key;
    const runtime = svc.runtime[name];
    const values = runtime !== null && typeof runtime === 'object' && !Array.isArray(runtime) ? Object.values(runtime) : [];
    const declaredValues = svc.enums.get(name) ?? [];
    if (values.length === 0 || !values.every((v): v is string => typeof v === 'string')) {
      this.problems.push(`${where}: ${svc.packageName} exports no string enum ${name} (got ${JSON.stringify(runtime)})`);
      return 'string';
    }
    if (values.join('\n') !== declaredValues.join('\n')) {
      this.problems.push(`${where}: runtime values of enum ${name} differ from its .d.ts declaration`);
    }
    return this.add(key, { kind: 'enum', values }, where);
  }

  /** The declared type of the item / value when `declared` is a list / map, else records a problem. */
  private expect(declared: DeclaredType, kind: 'list' | 'map', where: string): DeclaredType {
    if (declared.kind === 'list' && kind === 'list') return declared.member;
    if (declared.kind === 'map' && kind === 'map') return declared.value;
    if (declared.kind !== 'unknown') this.problems.push(`${where}: schema says ${kind}, .d.ts says ${describe(declared)}`);
    return UNKNOWN;
  }

  /** True when `key` has to be built now; false when it is built or being built (recursive shapes). */
  private enter(key: string, declared: DeclaredType, where: string): boolean {
    const signature = describe(declared);
    const previous = this.declaredAt.get(key);
    if (previous !== undefined) {
      if (previous !== signature && declared.kind !== 'unknown' && previous !== 'unknown') {
        this.problems.push(`${where}: ${key} is declared as ${signature} here but as ${previous} elsewhere`);
      }
      return false;
    }
    this.declaredAt.set(key, signature);
    return true;
  }

  private leave(key: string, shape: Shape): void {
    this.shapes.set(key, shape);
  }

  private add(key: string, shape: Shape, where: string): ShapeRef {
    const existing = this.shapes.get(key);
    if (existing && JSON.stringify(existing) !== JSON.stringify(shape)) {
      this.problems.push(`${where}: two different shapes for key ${key}`);
    }
    this.shapes.set(key, shape);
    return key;
  }
}

/** Single-quoted TypeScript string literal. */
function lit(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Object key: bare when an identifier, else quoted. */
function objectKey(s: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(s) ? s : lit(s);
}

function renderShape(shape: Shape): string {
  switch (shape.kind) {
    case 'structure': {
      const members = Object.entries(shape.members).map(([k, v]) => `${objectKey(k)}: ${lit(v)}`).join(', ');
      return `{ kind: 'structure', members: {${members ? ` ${members} ` : ''}}, required: [${shape.required.map(lit).join(', ')}] }`;
    }
    case 'list':
      return `{ kind: 'list', member: ${lit(shape.member)}${shape.keyedBy ? `, keyedBy: ${lit(shape.keyedBy)}` : ''} }`;
    case 'map':
      return `{ kind: 'map', value: ${lit(shape.value)} }`;
    case 'enum':
      return `{ kind: 'enum', values: [${shape.values.map(lit).join(', ')}] }`;
  }
}

/** Code-unit order, independent of the locale. */
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The result of walking the installed SDK's schemas. */
export interface ShapeTable {
  readonly shapes: ReadonlyMap<string, Shape>;
  readonly versions: Readonly<Record<ServiceId, string>>;
}

/**
 * Walks the installed SDK schemas from the property and request roots.
 * @throws when a root is missing or the schemas disagree with the SDK's `.d.ts` declarations
 */
export function buildShapeTable(): ShapeTable {
  const services = { sagemaker: loadService('sagemaker'), emr: loadService('emr') };
  const builder = new ShapeTableBuilder(services);
  for (const roots of Object.values(PROPERTY_ROOTS)) roots.forEach(r => builder.addRoot(r));
  for (const root of Object.values(REQUEST_SHAPES)) builder.addRoot(root);

  for (const { structure, member, key } of KEYED_LISTS) {
    const owner = builder.shapes.get(structure);
    const listKey = owner?.kind === 'structure' ? owner.members[member] : undefined;
    const list = listKey === undefined ? undefined : builder.shapes.get(listKey);
    const item = list?.kind === 'list' ? builder.shapes.get(list.member) : undefined;
    if (!listKey || list?.kind !== 'list' || listKey.startsWith('list<') || item?.kind !== 'structure' || item.members[key] !== 'string') {
      builder.problems.push(`keyedBy: ${structure}.${member} is not a named list of structures with a string member ${key}`);
      continue;
    }
    const keyed: ListShape = { ...list, keyedBy: key };
    builder.shapes.set(listKey, keyed);
  }

  if (builder.problems.length > 0) {
    throw new Error(`The SDK schemas do not match the generator's assumptions:\n  ${builder.problems.join('\n  ')}`);
  }
  return { shapes: builder.shapes, versions: { sagemaker: services.sagemaker.version, emr: services.emr.version } };
}

/**
 * The full text of `lib/private/generated/shapes.ts` for the installed SDK packages.
 * Deterministic: shapes sorted by key, members in schema order, no timestamps.
 */
export function generateShapesSource(): string {
  const { shapes, versions } = buildShapeTable();
  const keys = [...shapes.keys()].sort(byCodeUnit);
  const lines = [
    '// ~~ Generated by scripts/generate-shapes.ts. Do not edit by hand.',
    `// Source: ${SERVICES.sagemaker.packageName}@${versions.sagemaker} and ${SERVICES.emr.packageName}@${versions.emr}`,
    '// (runtime static schemas for structure; dist-types .d.ts for enum types).',
    `// Regenerate after an SDK upgrade with: ${REGENERATE_COMMAND}`,
    '// test/shapes.test.ts fails when this file no longer matches the installed SDK.',
    '// Key conventions: see ../shape-types.ts.',
    '/* eslint-disable */',
    "import type { Shape } from '../shape-types';",
    '',
    "export type { EnumShape, ListShape, MapShape, PrimitiveShape, Shape, ShapeRef, StructureShape } from '../shape-types';",
    '',
    '/** Versions of the SDK packages this table was generated from. */',
    'export const SDK_VERSIONS: Readonly<{ sagemaker: string; emr: string }> = {',
    `  sagemaker: ${lit(versions.sagemaker)},`,
    `  emr: ${lit(versions.emr)},`,
    '};',
    '',
    '/** Step `Type` -> the root shapes of its properties (`Steps.<name>.<member>...`). */',
    'export const PROPERTY_ROOTS: Readonly<Record<string, readonly string[]>> = {',
    ...Object.entries(PROPERTY_ROOTS).map(([type, roots]) => `  ${objectKey(type)}: [${roots.map(lit).join(', ')}],`),
    '};',
    '',
    '/** Step `Type` -> the Create* request shape its `Arguments` follow. */',
    'export const REQUEST_SHAPES: Readonly<Record<string, string>> = {',
    ...Object.entries(REQUEST_SHAPES).map(([type, shape]) => `  ${objectKey(type)}: ${lit(shape)},`),
    '};',
    '',
    `/** ${keys.length} shapes reachable from PROPERTY_ROOTS and REQUEST_SHAPES. */`,
    'export const SHAPES: Readonly<Record<string, Shape>> = {',
    ...keys.map(k => `  ${lit(k)}: ${renderShape(shapes.get(k)!)},`),
    '};',
    '',
  ];
  return lines.join('\n');
}
