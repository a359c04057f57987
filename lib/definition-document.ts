import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { Pipeline } from './pipeline';
import { renderDefinitionBody } from './private/definition-body';

/**
 * A pipeline definition document as SageMaker reads it (`Version`, `Parameters`, `Steps`, ...), parsed
 * from JSON.
 */
export type PipelineDefinitionDocument = Record<string, unknown>;

/**
 * An error in what was given to {@link loadDefinition} or {@link definitionOf}: a missing file, a
 * template without a pipeline, several pipelines and no choice among them. The message names the
 * input and says what to pass instead.
 */
export class DefinitionInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DefinitionInputError';
  }
}

/**
 * Readable placeholder for a CloudFormation value inside a definition: `${Ref:Bucket83908E77}`,
 * `${GetAtt:RoleABC.Arn}`, `${Sub:...}`, or `${CFN:<json>}` for anything else. Stable across runs, so
 * snapshots of definitions with placeholders give reviewable diffs.
 */
export function cloudFormationPlaceholder(value: unknown): string {
  if (typeof value === 'object' && value !== null) {
    const v = value as Record<string, unknown>;
    if (typeof v.Ref === 'string') {
      return `\${Ref:${v.Ref}}`;
    }
    if (Array.isArray(v['Fn::GetAtt'])) {
      return `\${GetAtt:${(v['Fn::GetAtt'] as string[]).join('.')}}`;
    }
    if (typeof v['Fn::Sub'] === 'string') {
      return `\${Sub:${v['Fn::Sub']}}`;
    }
  }
  return `\${CFN:${JSON.stringify(value).replace(/"/g, "'")}}`;
}

/**
 * Options of {@link definitionBodyText}, {@link definitionOf} and {@link loadDefinition}.
 */
export interface DefinitionValueOptions {
  /**
   * Values for the CloudFormation values inside the definition, keyed by their placeholder
   * (`${Ref:Bucket83908E77}`, `${GetAtt:JobRole1234.Arn}`) or by the bare logical id / `Id.Attribute`
   * (`Bucket83908E77`, `JobRole1234.Arn`). Those not given stay readable placeholders.
   * @default - every CloudFormation value becomes its placeholder
   */
  readonly values?: Record<string, string>;
}

/**
 * The JSON text of a template's `PipelineDefinitionBody` (a string, or an `Fn::Join` of text and
 * CloudFormation values), with each CloudFormation value replaced by its given value or placeholder.
 */
export function definitionBodyText(body: unknown, options: DefinitionValueOptions = {}): string {
  if (typeof body === 'string') {
    return body;
  }
  const join = (body as Record<string, unknown> | undefined)?.['Fn::Join'] as [string, unknown[]] | undefined;
  if (!Array.isArray(join) || !Array.isArray(join[1])) {
    throw new DefinitionInputError(`PipelineDefinitionBody is neither a string nor an Fn::Join; received ${JSON.stringify(body)?.slice(0, 200)}. Pass a template synthesized by cdk synth or a definition JSON file.`);
  }
  return join[1].map((part) => (typeof part === 'string' ? part : jsonEscape(valueFor(part, options.values ?? {})))).join(join[0]);
}

function valueFor(part: unknown, values: Record<string, string>): string {
  const placeholder = cloudFormationPlaceholder(part);
  if (values[placeholder] !== undefined) {
    return values[placeholder];
  }
  const bare = placeholder.replace(/^\$\{(Ref|GetAtt):(.*)\}$/, '$2');
  if (bare !== placeholder && values[bare] !== undefined) {
    return values[bare];
  }
  return placeholder;
}

/** The text of `value` as it may stand inside a JSON string literal. */
function jsonEscape(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

/**
 * Options of {@link definitionOf}.
 */
export interface DefinitionOfOptions extends DefinitionValueOptions {
  /**
   * Which pipeline of the scope: its construct id, construct path, or pipeline name.
   * @default - the scope's only pipeline (an error when it has several)
   */
  readonly pipeline?: string;
}

/**
 * The definition of a pipeline as a parsed object, with CloudFormation values (bucket names, role
 * ARNs) as readable placeholders such as `${Ref:Bucket83908E77}`. `scope` is a {@link Pipeline} or any
 * construct holding one (a stack). Stable across runs, for users' own snapshot tests:
 *
 * ```ts
 * expect(definitionOf(stack)).toMatchSnapshot();
 * ```
 *
 * It renders the definition without synthesizing the app; run `Template.fromStack` too when the test
 * should also run the pipeline's validations.
 */
export function definitionOf(scope: IConstruct, options: DefinitionOfOptions = {}): PipelineDefinitionDocument {
  const pipeline = pipelineOf(scope, options.pipeline);
  const stack = Stack.of(pipeline);
  const body = stack.resolve(renderDefinitionBody(stack, pipeline.renderDefinition()));
  return JSON.parse(definitionBodyText(body, options));
}

function pipelineOf(scope: IConstruct, wanted: string | undefined): Pipeline {
  if (Pipeline.isPipeline(scope) && wanted === undefined) {
    return scope;
  }
  const pipelines = scope.node.findAll().filter((c): c is Pipeline => Pipeline.isPipeline(c));
  const chosen = wanted === undefined ? pipelines
    : pipelines.filter((p) => p.node.id === wanted || p.node.path === wanted || p.pipelineName === wanted);
  if (chosen.length === 1) {
    return chosen[0];
  }
  const list = pipelines.map((p) => p.node.path).join(', ') || 'none';
  if (chosen.length === 0) {
    throw new DefinitionInputError(`definitionOf: ${wanted === undefined ? 'no Pipeline' : `no Pipeline '${wanted}'`} under ${scope.node.path || '<app>'} (pipelines: ${list}). Pass a Pipeline or a construct that holds one${wanted === undefined ? '' : ', and its construct id, path or pipeline name as `pipeline`'}.`);
  }
  throw new DefinitionInputError(`definitionOf: ${scope.node.path || '<app>'} holds ${chosen.length} pipelines (${chosen.map((p) => p.node.path).join(', ')}). Choose one with { pipeline: '<construct id, path or pipeline name>' }.`);
}

/**
 * Options of {@link loadDefinition}.
 */
export interface LoadDefinitionOptions extends DefinitionValueOptions {
  /**
   * Which pipeline of a template or `cdk.out` folder: the `AWS::SageMaker::Pipeline` resource's logical
   * id (or its prefix, as CDK adds a hash), or its `PipelineName`.
   * @default - the only pipeline (an error when there are several)
   */
  readonly pipeline?: string;
}

/**
 * A definition read by {@link loadDefinition}, with what the template says about its pipeline.
 */
export interface LoadedDefinition {
  /** The definition document. */
  readonly definition: PipelineDefinitionDocument;
  /** The file the definition came from (the template, or the definition JSON file). */
  readonly file: string;
  /**
   * The pipeline's `PipelineName` (with placeholders for CloudFormation values).
   * @default - unknown (a bare definition file carries no name)
   */
  readonly pipelineName?: string;
  /**
   * Logical id of the `AWS::SageMaker::Pipeline` resource.
   * @default - not from a template
   */
  readonly logicalId?: string;
  /**
   * `ParallelismConfiguration.MaxParallelExecutionSteps` of the pipeline resource.
   * @default - not set (the service's default applies)
   */
  readonly maxParallelExecutionSteps?: number;
}

/**
 * Read a pipeline definition from a file or folder: a `cdk.out` folder (every stack template in it),
 * a CloudFormation template (`*.template.json`), or a definition JSON document (what the SageMaker
 * Python SDK's `pipeline.definition()` returns, or `DescribePipeline`'s `PipelineDefinition`).
 * CloudFormation values inside a template's definition become given values or placeholders.
 */
export function loadDefinition(input: string, options: LoadDefinitionOptions = {}): LoadedDefinition {
  const resolved = path.resolve(input);
  if (!fs.existsSync(resolved)) {
    throw new DefinitionInputError(`${input}: no such file or folder. Pass a cdk.out folder, a *.template.json file or a pipeline definition JSON file.`);
  }
  if (fs.statSync(resolved).isDirectory()) {
    const templates = templatesIn(resolved);
    if (templates.length === 0) {
      throw new DefinitionInputError(`${input}: the folder holds no *.template.json file. Run \`npx cdk synth\` first, or pass a template or definition file.`);
    }
    return fromTemplates(input, templates, options);
  }
  const document = readJson(resolved, input);
  if (isTemplate(document)) {
    return fromTemplates(input, [{ file: resolved, template: document as Record<string, unknown> }], options);
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document) || !Array.isArray((document as Record<string, unknown>).Steps)) {
    throw new DefinitionInputError(`${input}: neither a CloudFormation template (no Resources) nor a pipeline definition (no Steps list). Pass a cdk.out folder, a *.template.json file or a definition JSON file.`);
  }
  if (options.pipeline !== undefined) {
    throw new DefinitionInputError(`${input}: --pipeline '${options.pipeline}' chooses among the pipelines of a template, but this file is a single definition. Leave it out.`);
  }
  return { definition: document as PipelineDefinitionDocument, file: resolved };
}

interface TemplateFile {
  readonly file: string;
  readonly template: Record<string, unknown>;
}

function templatesIn(dir: string): TemplateFile[] {
  const found: TemplateFile[] = [];
  const visit = (d: string, depth: number): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory() && !entry.name.startsWith('asset.') && depth < 3) {
        visit(full, depth + 1);
      } else if (entry.isFile() && entry.name.endsWith('.template.json')) {
        const template = readJson(full, full);
        if (isTemplate(template)) {
          found.push({ file: full, template: template as Record<string, unknown> });
        }
      }
    }
  };
  visit(dir, 0);
  return found;
}

function readJson(file: string, shown: string): unknown {
  const text = fs.readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new DefinitionInputError(`${shown}: not valid JSON (${(e as Error).message}). Pass a cdk.out folder, a *.template.json file or a definition JSON file.`);
  }
}

function isTemplate(document: unknown): boolean {
  return typeof document === 'object' && document !== null && typeof (document as Record<string, unknown>).Resources === 'object';
}

interface PipelineResource {
  readonly file: string;
  readonly logicalId: string;
  readonly properties: Record<string, any>;
  readonly template: Record<string, any>;
}

function fromTemplates(input: string, templates: TemplateFile[], options: LoadDefinitionOptions): LoadedDefinition {
  const all: PipelineResource[] = [];
  for (const { file, template } of templates) {
    for (const [logicalId, resource] of Object.entries(template.Resources as Record<string, any>)) {
      if (resource?.Type === 'AWS::SageMaker::Pipeline') {
        all.push({ file, logicalId, properties: resource.Properties ?? {}, template });
      }
    }
  }
  const describe = (r: PipelineResource): string => `${r.logicalId} (${nameOf(r) ?? 'name set at deploy'}) in ${path.basename(r.file)}`;
  if (all.length === 0) {
    throw new DefinitionInputError(`${input}: no AWS::SageMaker::Pipeline resource in ${templates.map((t) => path.basename(t.file)).join(', ')}. Pass the template of a stack with a pipeline.`);
  }
  const wanted = options.pipeline;
  let chosen = all;
  if (wanted !== undefined) {
    const exact = all.filter((r) => r.logicalId === wanted || nameOf(r) === wanted);
    chosen = exact.length > 0 ? exact : all.filter((r) => r.logicalId.startsWith(wanted));
    if (chosen.length === 0) {
      throw new DefinitionInputError(`${input}: no pipeline '${wanted}'. The pipelines are: ${all.map(describe).join('; ')}. Pass one's logical id or name with --pipeline.`);
    }
  }
  if (chosen.length > 1) {
    throw new DefinitionInputError(`${input}: ${chosen.length} pipelines match: ${chosen.map(describe).join('; ')}. Choose one by logical id or name with --pipeline.`);
  }
  const resource = chosen[0];
  const definitionProperty = resource.properties.PipelineDefinition ?? {};
  let text: string;
  if (definitionProperty.PipelineDefinitionBody !== undefined) {
    text = definitionBodyText(definitionProperty.PipelineDefinitionBody, options);
  } else if (definitionProperty.PipelineDefinitionS3Location !== undefined) {
    text = s3DefinitionText(resource, definitionProperty.PipelineDefinitionS3Location, options);
  } else {
    throw new DefinitionInputError(`${input}: pipeline ${describe(resource)} has neither PipelineDefinitionBody nor PipelineDefinitionS3Location.`);
  }
  let definition: PipelineDefinitionDocument;
  try {
    definition = JSON.parse(text);
  } catch (e) {
    throw new DefinitionInputError(`${input}: the definition of pipeline ${describe(resource)} is not valid JSON (${(e as Error).message}).`);
  }
  const parallel = resource.properties.ParallelismConfiguration?.MaxParallelExecutionSteps;
  return {
    definition,
    file: resource.file,
    logicalId: resource.logicalId,
    pipelineName: nameOf(resource, options),
    maxParallelExecutionSteps: typeof parallel === 'number' ? parallel : undefined,
  };
}

function nameOf(resource: PipelineResource, options: DefinitionValueOptions = {}): string | undefined {
  const name = resource.properties.PipelineName;
  if (name === undefined) {
    return undefined;
  }
  return typeof name === 'string' ? name : valueFor(name, options.values ?? {});
}

/**
 * The definition of a pipeline placed in S3 (`DefinitionPlacement.s3()` or a large definition): the
 * text is the file of the `BucketDeployment` asset staged beside the template, with its markers
 * standing for CloudFormation values.
 */
function s3DefinitionText(resource: PipelineResource, location: Record<string, unknown>, options: DefinitionValueOptions): string {
  const key = typeof location.Key === 'string' ? location.Key : undefined;
  const dir = path.dirname(resource.file);
  for (const r of Object.values(resource.template.Resources as Record<string, any>)) {
    if (r?.Type !== 'Custom::CDKBucketDeployment' || key === undefined) {
      continue;
    }
    const prefix = r.Properties?.DestinationBucketKeyPrefix;
    if (typeof prefix !== 'string' || !key.startsWith(prefix)) {
      continue;
    }
    const fileName = key.slice(prefix.length);
    const sourceKeys: unknown[] = r.Properties?.SourceObjectKeys ?? [];
    for (const sourceKey of sourceKeys) {
      const hash = typeof sourceKey === 'string' ? sourceKey.replace(/\.zip$/, '') : undefined;
      const candidate = hash && path.join(dir, `asset.${hash}`, fileName);
      if (candidate && fs.existsSync(candidate)) {
        const markers: Array<Record<string, unknown>> = r.Properties?.SourceMarkers ?? [];
        let text = fs.readFileSync(candidate, 'utf8');
        for (const markerSet of markers) {
          for (const [marker, value] of Object.entries(markerSet ?? {})) {
            const replacement = typeof value === 'string' ? value : valueFor(value, options.values ?? {});
            text = text.split(marker).join(jsonEscape(replacement));
          }
        }
        return text;
      }
    }
  }
  throw new DefinitionInputError(`${resource.file}: pipeline ${resource.logicalId} keeps its definition in S3 (PipelineDefinitionS3Location), and its staged file was not found beside the template. Pass the cdk.out folder the template was synthesized into, or a definition JSON file.`);
}
