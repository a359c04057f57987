/**
 * One mapper per step type: from a step of the definition to the construct and camelCase props that
 * render it. What a mapper does not map is corrected afterwards by argument overrides (see
 * Generator.correct), so mappers cover the common members and stay readable. Not exported.
 */
import { arr, call, Code, id, isEmptyObject, lit, member, obj, Statement } from './code';
import type { Generator } from './generator';
import type { StepInfo } from './import-definition';

type JsonObject = Record<string, unknown>;
type Props = Array<[string, Code | undefined]>;

/** How a step is written: `new <construct>(pipeline, name, props)` or `<construct>.<factory>(...)`. */
export interface StepMapping {
  /** Class of the construct. */
  readonly construct: string;
  /** Static factory of the class, if the step is made through one. */
  readonly factory?: string;
  /** Type-specific props (the common ones are added by the generator). */
  readonly props: Props;
  /** Keys of the step object outside `Arguments` that the props render. */
  readonly envelopeKeys: string[];
  /** Comment lines above the declaration. */
  readonly comments?: string[];
  /** Statements right after the declaration. */
  readonly after?: Statement[];
}

/** The mapping of `step` (throws when the step type is unknown). */
export function mapStep(g: Generator, step: StepInfo): StepMapping {
  const args = (typeof step.json.Arguments === 'object' && step.json.Arguments !== null ? step.json.Arguments : {}) as JsonObject;
  const path = `${step.path}.Arguments`;
  switch (step.type) {
    case 'Processing':
      return processing(g, step, args, path);
    case 'Training':
      return { construct: 'TrainingStep', props: trainingJob(g, args, path, 'HyperParameters'), envelopeKeys: [], comments: imageComments(g, path) };
    case 'Tuning':
      return tuning(g, args, path);
    case 'Transform':
      return transform(g, args, path);
    case 'Model':
      return model(g, args, path);
    case 'RegisterModel':
      return registerModel(g, args, path);
    case 'Condition':
      return condition(g, args, path);
    case 'Fail':
      return { construct: 'FailStep', props: [['errorMessage', args.ErrorMessage === undefined ? undefined : g.str(args.ErrorMessage, `${path}.ErrorMessage`)]], envelopeKeys: [] };
    case 'Lambda':
      return lambdaStep(g, step, args, path);
    case 'Callback':
      return callback(g, step, args, path);
    case 'EMR':
      return emr(g, args, path);
    case 'QualityCheck':
      return qualityCheck(g, step, args, path);
    case 'ClarifyCheck':
      return clarifyCheck(g, step, args, path);
    case 'AutoML':
      return autoML(g, args, path);
    default:
      throw new Error(`the library has no construct for steps of type "${step.type}"`);
  }
}

/** Whether `value` is an object with exactly the members of `expected` (texts compared as they are). */
function jsonMatches(value: unknown, expected: JsonObject): boolean {
  return isObject(value) && Object.keys(value).length === Object.keys(expected).length
    && Object.entries(expected).every(([k, v]) => value[k] === v);
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function at(value: unknown, ...keys: Array<string | number>): unknown {
  let v = value;
  for (const k of keys) {
    if (typeof v !== 'object' || v === null) {
      return undefined;
    }
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}

/** A string-keyed map of texts (or expressions) as an object literal. */
function stringMap(g: Generator, value: unknown, path: string): Code | undefined {
  if (!isObject(value)) {
    return undefined;
  }
  return obj(Object.entries(value).map(([k, v]): [string, Code] => [k, g.value(v, `${path}.${k}`)]));
}

function stringList(g: Generator, value: unknown, path: string): Code | undefined {
  return Array.isArray(value) ? arr(value.map((v, i) => g.value(v, `${path}[${i}]`))) : undefined;
}

function num(g: Generator, value: unknown, path: string): Code | undefined {
  return value === undefined ? undefined : g.value(value, path);
}

function seconds(g: Generator, value: unknown): Code | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? g.duration(value) : undefined;
}

/** Image notes are attached to the statement through the generator's notes; nothing extra here. */
function imageComments(_g: Generator, _path: string): string[] | undefined {
  return undefined;
}

function processing(g: Generator, step: StepInfo, args: JsonObject, path: string): StepMapping {
  const cluster = at(args, 'ProcessingResources', 'ClusterConfig') as JsonObject | undefined;
  const app = (args.AppSpecification ?? {}) as JsonObject;
  // The SDK's layout of a script in S3: the last input is `code` at /opt/ml/processing/input/code and
  // the entry point ends with the script's path there; the construct's `code` prop renders the same.
  const inputList = (Array.isArray(args.ProcessingInputs) ? args.ProcessingInputs : []) as JsonObject[];
  const entrypoint = Array.isArray(app.ContainerEntrypoint) ? app.ContainerEntrypoint as unknown[] : undefined;
  const last = inputList[inputList.length - 1];
  const codeUri = at(last, 'S3Input', 'S3Uri');
  const codeFile = typeof codeUri === 'string' && /^s3:\/\/[^/]+\/.*[^/]$/.test(codeUri) ? codeUri.split('/').pop() : undefined;
  const isCode = last?.InputName === 'code' && last.AppManaged === false && codeFile !== undefined
    && jsonMatches(at(last, 'S3Input'), { S3Uri: codeUri, LocalPath: '/opt/ml/processing/input/code', S3DataType: 'S3Prefix', S3InputMode: 'File', S3DataDistributionType: 'FullyReplicated', S3CompressionType: 'None' })
    && entrypoint !== undefined && entrypoint.length >= 2 && entrypoint[entrypoint.length - 1] === `/opt/ml/processing/input/code/${codeFile}`
    && entrypoint.every((e) => typeof e === 'string');
  const command = isCode ? entrypoint!.slice(0, -1) as string[] : undefined;
  const inputs: Code[] = [];
  (isCode ? inputList.slice(0, -1) : inputList).forEach((raw, i) => {
    const input = raw as JsonObject;
    const s3 = input?.S3Input as JsonObject | undefined;
    const p = `${path}.ProcessingInputs[${i}]`;
    if (!isObject(s3) || input.AppManaged === true || typeof input.InputName !== 'string' || typeof s3.LocalPath !== 'string') {
      return; // corrected by an override
    }
    inputs.push(obj({
      inputName: lit(input.InputName),
      s3Uri: g.str(s3.S3Uri, `${p}.S3Input.S3Uri`),
      localPath: lit(s3.LocalPath),
      s3DataType: s3.S3DataType !== 'S3Prefix' ? g.enumValue('ProcessingS3DataType', s3.S3DataType, path) : undefined,
      s3InputMode: s3.S3InputMode !== 'File' ? g.enumValue('ProcessingS3InputMode', s3.S3InputMode, path) : undefined,
      s3DataDistributionType: s3.S3DataDistributionType !== 'FullyReplicated' ? g.enumValue('ProcessingS3DataDistributionType', s3.S3DataDistributionType, path) : undefined,
      s3CompressionType: s3.S3CompressionType !== 'None' ? g.enumValue('ProcessingS3CompressionType', s3.S3CompressionType, path) : undefined,
    }));
  });
  const outputs: Code[] = [];
  (Array.isArray(at(args, 'ProcessingOutputConfig', 'Outputs')) ? at(args, 'ProcessingOutputConfig', 'Outputs') as unknown[] : []).forEach((raw, i) => {
    const output = raw as JsonObject;
    const s3 = output?.S3Output as JsonObject | undefined;
    const p = `${path}.ProcessingOutputConfig.Outputs[${i}]`;
    if (!isObject(s3) || output.AppManaged === true || typeof output.OutputName !== 'string' || typeof s3.LocalPath !== 'string') {
      return;
    }
    outputs.push(obj({
      outputName: lit(output.OutputName),
      localPath: lit(s3.LocalPath),
      s3Uri: s3.S3Uri === undefined ? undefined : g.str(s3.S3Uri, `${p}.S3Output.S3Uri`),
      s3UploadMode: s3.S3UploadMode !== 'EndOfJob' ? g.enumValue('ProcessingS3UploadMode', s3.S3UploadMode, path) : undefined,
    }));
  });
  const after: Statement[] = [];
  const propertyFiles: Code[] = [];
  (Array.isArray(step.json.PropertyFiles) ? step.json.PropertyFiles : []).forEach((raw, i) => {
    const file = g.declarePropertyFile(step, raw as JsonObject, `${step.path}.PropertyFiles[${i}]`);
    if (file !== undefined) {
      propertyFiles.push(file);
    }
  });
  const role = g.role(args.RoleArn, `${path}.RoleArn`);
  return {
    construct: 'ProcessingStep',
    props: [
      ['image', app.ImageUri === undefined ? undefined : g.image(app.ImageUri, `${path}.AppSpecification.ImageUri`)],
      ['code', isCode ? lit(codeUri as string) : undefined],
      ['containerEntrypoint', isCode
        ? (command!.length === 1 && command![0] === 'python3' ? undefined : arr(command!.map((c) => lit(c))))
        : stringList(g, app.ContainerEntrypoint, `${path}.AppSpecification.ContainerEntrypoint`)],
      ['containerArguments', stringList(g, app.ContainerArguments, `${path}.AppSpecification.ContainerArguments`)],
      ['instanceType', cluster?.InstanceType === undefined ? undefined : g.instanceType(cluster.InstanceType, `${path}.ProcessingResources.ClusterConfig.InstanceType`)],
      ['instanceCount', cluster?.InstanceCount === 1 ? undefined : num(g, cluster?.InstanceCount, `${path}.ProcessingResources.ClusterConfig.InstanceCount`)],
      ['volumeSizeInGB', cluster?.VolumeSizeInGB === 30 ? undefined : num(g, cluster?.VolumeSizeInGB, `${path}.ProcessingResources.ClusterConfig.VolumeSizeInGB`)],
      ['inputs', inputs.length > 0 ? arr(inputs) : undefined],
      ['outputs', outputs.length > 0 ? arr(outputs) : undefined],
      ['environment', stringMap(g, args.Environment, `${path}.Environment`)],
      ['maxRuntime', seconds(g, at(args, 'StoppingCondition', 'MaxRuntimeInSeconds'))],
      ['role', role],
      ['propertyFiles', propertyFiles.length > 0 ? arr(propertyFiles) : undefined],
    ],
    envelopeKeys: ['PropertyFiles'],
    after,
  };
}

/** TrainingJobOptions from a CreateTrainingJob request or a tuning job's TrainingJobDefinition. */
function trainingJob(g: Generator, args: JsonObject, path: string, hyperParametersKey: string): Props {
  const algorithm = (args.AlgorithmSpecification ?? {}) as JsonObject;
  const resources = (args.ResourceConfig ?? {}) as JsonObject;
  const stopping = (args.StoppingCondition ?? {}) as JsonObject;
  const inputs: Code[] = [];
  (Array.isArray(args.InputDataConfig) ? args.InputDataConfig : []).forEach((raw, i) => {
    const channel = raw as JsonObject;
    const s3 = at(channel, 'DataSource', 'S3DataSource') as JsonObject | undefined;
    const p = `${path}.InputDataConfig[${i}]`;
    if (!isObject(s3) || typeof channel.ChannelName !== 'string') {
      return;
    }
    const options = obj({
      contentType: channel.ContentType === undefined ? undefined : g.str(channel.ContentType, `${p}.ContentType`),
      s3DataType: s3.S3DataType !== 'S3Prefix' ? g.enumValue('TrainingS3DataType', s3.S3DataType, path) : undefined,
      distribution: s3.S3DataDistributionType !== 'FullyReplicated' ? g.enumValue('TrainingS3DataDistribution', s3.S3DataDistributionType, path) : undefined,
      compressionType: channel.CompressionType === undefined ? undefined : g.enumValue('TrainingCompressionType', channel.CompressionType, path),
      inputMode: channel.InputMode === undefined ? undefined : g.enumValue('TrainingInputMode', channel.InputMode, path),
      recordWrapperType: channel.RecordWrapperType === undefined ? undefined : g.enumValue('TrainingRecordWrapperType', channel.RecordWrapperType, path),
      shuffle: typeof at(channel, 'ShuffleConfig', 'Seed') === 'number' ? obj({ seed: lit(at(channel, 'ShuffleConfig', 'Seed') as number) }) : undefined,
      attributeNames: stringList(g, s3.AttributeNames, `${p}.DataSource.S3DataSource.AttributeNames`),
    });
    const optionArgs = !isEmptyObject(options) ? [options] : [];
    inputs.push(call(member(g.lib('TrainingInput'), 's3'), lit(channel.ChannelName), g.str(s3.S3Uri, `${p}.DataSource.S3DataSource.S3Uri`), ...optionArgs));
  });
  const metricDefinitions = Array.isArray(algorithm.MetricDefinitions)
    ? arr((algorithm.MetricDefinitions as JsonObject[]).map((m) => obj({ name: lit(String(m?.Name)), regex: lit(String(m?.Regex)) })))
    : undefined;
  const checkpoint = (args.CheckpointConfig ?? {}) as JsonObject;
  return [
    ['image', algorithm.TrainingImage === undefined ? undefined : g.image(algorithm.TrainingImage, `${path}.AlgorithmSpecification.TrainingImage`)],
    ['algorithmName', algorithm.AlgorithmName === undefined ? undefined : g.str(algorithm.AlgorithmName, `${path}.AlgorithmSpecification.AlgorithmName`)],
    ['inputMode', algorithm.TrainingInputMode === undefined || algorithm.TrainingInputMode === 'File' ? undefined : g.enumValue('TrainingInputMode', algorithm.TrainingInputMode, path)],
    ['outputPath', at(args, 'OutputDataConfig', 'S3OutputPath') === undefined ? undefined : g.str(at(args, 'OutputDataConfig', 'S3OutputPath'), `${path}.OutputDataConfig.S3OutputPath`)],
    ['inputs', inputs.length > 0 ? arr(inputs) : undefined],
    ['hyperparameters', stringMap(g, args[hyperParametersKey], `${path}.${hyperParametersKey}`)],
    ['instanceType', resources.InstanceType === undefined ? undefined : g.instanceType(resources.InstanceType, `${path}.ResourceConfig.InstanceType`)],
    ['instanceCount', resources.InstanceCount === 1 ? undefined : num(g, resources.InstanceCount, `${path}.ResourceConfig.InstanceCount`)],
    ['volumeSizeInGB', resources.VolumeSizeInGB === 30 ? undefined : num(g, resources.VolumeSizeInGB, `${path}.ResourceConfig.VolumeSizeInGB`)],
    ['maxRuntime', seconds(g, stopping.MaxRuntimeInSeconds)],
    ['environment', stringMap(g, args.Environment, `${path}.Environment`)],
    ['role', g.role(args.RoleArn, `${path}.RoleArn`)],
    ['metricDefinitions', metricDefinitions],
    ['useSpotInstances', args.EnableManagedSpotTraining === true ? lit(true) : undefined],
    ['maxWait', seconds(g, stopping.MaxWaitTimeInSeconds)],
    ['checkpointS3Uri', checkpoint.S3Uri === undefined ? undefined : g.str(checkpoint.S3Uri, `${path}.CheckpointConfig.S3Uri`)],
    ['checkpointLocalPath', typeof checkpoint.LocalPath === 'string' ? lit(checkpoint.LocalPath) : undefined],
    ['enableNetworkIsolation', args.EnableNetworkIsolation === true ? lit(true) : undefined],
    ['enableInterContainerTrafficEncryption', args.EnableInterContainerTrafficEncryption === true ? lit(true) : undefined],
    ['retryStrategy', typeof at(args, 'RetryStrategy', 'MaximumRetryAttempts') === 'number'
      ? obj({ maximumRetryAttempts: lit(at(args, 'RetryStrategy', 'MaximumRetryAttempts') as number) }) : undefined],
  ];
}

function tuning(g: Generator, args: JsonObject, path: string): StepMapping {
  const config = (args.HyperParameterTuningJobConfig ?? {}) as JsonObject;
  const objective = (config.HyperParameterTuningJobObjective ?? {}) as JsonObject;
  const ranges = (config.ParameterRanges ?? {}) as JsonObject;
  const rangeCodes: Code[] = [];
  const numeric = (kind: 'continuous' | 'integer', list: unknown) => {
    for (const r of (Array.isArray(list) ? list : []) as JsonObject[]) {
      const min = Number(r?.MinValue);
      const max = Number(r?.MaxValue);
      if (typeof r?.Name !== 'string' || !Number.isFinite(min) || !Number.isFinite(max)) {
        continue;
      }
      rangeCodes.push(call(member(g.lib('ParameterRange'), kind), lit(r.Name), obj({
        minValue: lit(min),
        maxValue: lit(max),
        scaling: r.ScalingType === undefined || r.ScalingType === 'Auto' ? undefined : g.enumMember('ParameterScaling', r.ScalingType),
      })));
    }
  };
  numeric('continuous', ranges.ContinuousParameterRanges);
  numeric('integer', ranges.IntegerParameterRanges);
  for (const r of (Array.isArray(ranges.CategoricalParameterRanges) ? ranges.CategoricalParameterRanges : []) as JsonObject[]) {
    if (typeof r?.Name === 'string' && Array.isArray(r.Values)) {
      rangeCodes.push(call(member(g.lib('ParameterRange'), 'categorical'), lit(r.Name), arr((r.Values as string[]).map((v) => lit(v)))));
    }
  }
  const limits = (config.ResourceLimits ?? {}) as JsonObject;
  const definition = (args.TrainingJobDefinition ?? {}) as JsonObject;
  return {
    construct: 'TuningStep',
    props: [
      ['trainingJob', obj(trainingJob(g, definition, `${path}.TrainingJobDefinition`, 'StaticHyperParameters'))],
      ['strategy', config.Strategy === undefined || config.Strategy === 'Bayesian' ? undefined : g.enumMember('TuningStrategy', config.Strategy)],
      ['objective', typeof objective.MetricName === 'string' ? obj({
        type: g.enumMember('TuningObjectiveType', objective.Type) ?? lit(String(objective.Type)),
        metricName: lit(objective.MetricName),
      }) : undefined],
      ['hyperparameterRanges', rangeCodes.length > 0 ? arr(rangeCodes) : undefined],
      ['maxNumberOfTrainingJobs', num(g, limits.MaxNumberOfTrainingJobs, `${path}.HyperParameterTuningJobConfig.ResourceLimits.MaxNumberOfTrainingJobs`)],
      ['maxParallelTrainingJobs', num(g, limits.MaxParallelTrainingJobs, `${path}.HyperParameterTuningJobConfig.ResourceLimits.MaxParallelTrainingJobs`)],
      ['earlyStopping', config.TrainingJobEarlyStoppingType === undefined || config.TrainingJobEarlyStoppingType === 'Off'
        ? undefined : g.enumMember('TuningEarlyStopping', config.TrainingJobEarlyStoppingType)],
    ],
    envelopeKeys: [],
  };
}

function transform(g: Generator, args: JsonObject, path: string): StepMapping {
  const input = (args.TransformInput ?? {}) as JsonObject;
  const s3 = at(input, 'DataSource', 'S3DataSource') as JsonObject | undefined;
  const output = (args.TransformOutput ?? {}) as JsonObject;
  const resources = (args.TransformResources ?? {}) as JsonObject;
  return {
    construct: 'TransformStep',
    props: [
      ['modelName', g.str(args.ModelName, `${path}.ModelName`)],
      ['inputS3Uri', g.str(s3?.S3Uri, `${path}.TransformInput.DataSource.S3DataSource.S3Uri`)],
      ['s3DataType', s3?.S3DataType === undefined || s3.S3DataType === 'S3Prefix' ? undefined : g.enumValue('TransformS3DataType', s3.S3DataType, path)],
      ['contentType', input.ContentType === undefined ? undefined : g.str(input.ContentType, `${path}.TransformInput.ContentType`)],
      ['splitType', input.SplitType === undefined ? undefined : g.enumValue('TransformSplitType', input.SplitType, path)],
      ['compressionType', input.CompressionType === undefined ? undefined : g.enumValue('TransformCompressionType', input.CompressionType, path)],
      ['outputPath', output.S3OutputPath === undefined ? undefined : g.str(output.S3OutputPath, `${path}.TransformOutput.S3OutputPath`)],
      ['accept', output.Accept === undefined ? undefined : g.str(output.Accept, `${path}.TransformOutput.Accept`)],
      ['assembleWith', output.AssembleWith === undefined ? undefined : g.enumValue('TransformAssemblyType', output.AssembleWith, path)],
      ['instanceType', resources.InstanceType === undefined ? undefined : g.instanceType(resources.InstanceType, `${path}.TransformResources.InstanceType`)],
      ['instanceCount', resources.InstanceCount === 1 ? undefined : num(g, resources.InstanceCount, `${path}.TransformResources.InstanceCount`)],
      ['batchStrategy', args.BatchStrategy === undefined ? undefined : g.enumValue('TransformBatchStrategy', args.BatchStrategy, path)],
      ['maxPayloadInMB', num(g, args.MaxPayloadInMB, `${path}.MaxPayloadInMB`)],
      ['maxConcurrentTransforms', num(g, args.MaxConcurrentTransforms, `${path}.MaxConcurrentTransforms`)],
      ['environment', stringMap(g, args.Environment, `${path}.Environment`)],
    ],
    envelopeKeys: [],
  };
}

function container(g: Generator, c: JsonObject, path: string, extra: Props = []): Code {
  return obj([
    ['image', g.image(c.Image, `${path}.Image`)],
    ['modelData', c.ModelDataUrl === undefined ? undefined : g.str(c.ModelDataUrl, `${path}.ModelDataUrl`)],
    // An empty environment renders nothing; the generator restores an explicit {} with an override.
    ['environment', isObject(c.Environment) && Object.keys(c.Environment).length > 0 ? stringMap(g, c.Environment, `${path}.Environment`) : undefined],
    ['containerHostname', typeof c.ContainerHostname === 'string' ? lit(c.ContainerHostname) : undefined],
    ...extra,
  ]);
}

function model(g: Generator, args: JsonObject, path: string): StepMapping {
  const containers = Array.isArray(args.Containers) ? args.Containers as JsonObject[] : undefined;
  const single = isObject(args.PrimaryContainer) ? args.PrimaryContainer : undefined;
  const role = g.role(args.ExecutionRoleArn, `${path}.ExecutionRoleArn`);
  return {
    construct: 'ModelStep',
    props: [
      ['container', single !== undefined ? container(g, single, `${path}.PrimaryContainer`) : undefined],
      ['containers', containers !== undefined ? arr(containers.map((c, i) => container(g, c, `${path}.Containers[${i}]`))) : undefined],
      ['executionRole', role],
      ['enableNetworkIsolation', args.EnableNetworkIsolation === true ? lit(true) : undefined],
    ],
    envelopeKeys: [],
  };
}

function registerModel(g: Generator, args: JsonObject, path: string): StepMapping {
  const spec = (args.InferenceSpecification ?? {}) as JsonObject;
  const containers = Array.isArray(spec.Containers) ? spec.Containers as JsonObject[] : [];
  const packageContainer = (c: JsonObject, i: number) => container(g, c, `${path}.InferenceSpecification.Containers[${i}]`, [
    ['framework', typeof c.Framework === 'string' ? lit(c.Framework) : undefined],
    ['frameworkVersion', typeof c.FrameworkVersion === 'string' ? lit(c.FrameworkVersion) : undefined],
    ['nearestModelName', typeof c.NearestModelName === 'string' ? lit(c.NearestModelName) : undefined],
  ]);
  const instanceTypes = (list: unknown, p: string) => (Array.isArray(list) ? arr(list.map((t, i) => g.instanceType(t, `${p}[${i}]`))) : undefined);
  return {
    construct: 'RegisterModelStep',
    props: [
      ['container', containers.length === 1 ? packageContainer(containers[0], 0) : undefined],
      ['containers', containers.length > 1 ? arr(containers.map(packageContainer)) : undefined],
      ['modelPackageGroupName', args.ModelPackageGroupName === undefined ? undefined : g.str(args.ModelPackageGroupName, `${path}.ModelPackageGroupName`)],
      ['modelApprovalStatus', args.ModelApprovalStatus === undefined ? undefined : g.enumLike('ModelApprovalStatus', args.ModelApprovalStatus, `${path}.ModelApprovalStatus`)],
      ['modelPackageDescription', args.ModelPackageDescription === undefined ? undefined : g.str(args.ModelPackageDescription, `${path}.ModelPackageDescription`)],
      ['supportedContentTypes', stringList(g, spec.SupportedContentTypes, `${path}.InferenceSpecification.SupportedContentTypes`)],
      ['supportedResponseMIMETypes', stringList(g, spec.SupportedResponseMIMETypes, `${path}.InferenceSpecification.SupportedResponseMIMETypes`)],
      ['supportedRealtimeInferenceInstanceTypes', instanceTypes(spec.SupportedRealtimeInferenceInstanceTypes, `${path}.InferenceSpecification.SupportedRealtimeInferenceInstanceTypes`)],
      ['supportedTransformInstanceTypes', instanceTypes(spec.SupportedTransformInstanceTypes, `${path}.InferenceSpecification.SupportedTransformInstanceTypes`)],
      ['modelMetrics', metrics(g, args.ModelMetrics, `${path}.ModelMetrics`)],
      ['driftCheckBaselines', metrics(g, args.DriftCheckBaselines, `${path}.DriftCheckBaselines`)],
      ['customerMetadataProperties', stringMap(g, args.CustomerMetadataProperties, `${path}.CustomerMetadataProperties`)],
      ['domain', typeof args.Domain === 'string' ? lit(args.Domain) : undefined],
      ['task', typeof args.Task === 'string' ? lit(args.Task) : undefined],
      ['samplePayloadUrl', args.SamplePayloadUrl === undefined ? undefined : g.str(args.SamplePayloadUrl, `${path}.SamplePayloadUrl`)],
    ],
    envelopeKeys: [],
  };
}

/**
 * `ModelMetrics` / `DriftCheckBaselines` in camelCase: two levels of groups whose leaves are metrics
 * sources (`{ S3Uri, ContentType }` -> `{ s3Uri, contentType }`); undefined when the value has
 * another shape (an argument override then carries it).
 */
function metrics(g: Generator, value: unknown, path: string): Code | undefined {
  if (!isObject(value)) {
    return undefined;
  }
  const camel = (key: string) => key.charAt(0).toLowerCase() + key.slice(1);
  const groups: Array<[string, Code]> = [];
  for (const [groupKey, group] of Object.entries(value)) {
    if (!isObject(group)) {
      return undefined;
    }
    const sources: Array<[string, Code]> = [];
    for (const [sourceKey, source] of Object.entries(group)) {
      if (!isObject(source) || source.S3Uri === undefined || Object.keys(source).some((k) => k !== 'S3Uri' && k !== 'ContentType')) {
        return undefined;
      }
      const p = `${path}.${groupKey}.${sourceKey}`;
      sources.push([camel(sourceKey), obj({
        s3Uri: g.str(source.S3Uri, `${p}.S3Uri`),
        contentType: source.ContentType === undefined ? undefined : g.str(source.ContentType, `${p}.ContentType`),
      })]);
    }
    groups.push([camel(groupKey), obj(sources)]);
  }
  return obj(groups);
}

const COMPARISONS: Record<string, string> = {
  Equals: 'equals',
  GreaterThan: 'greaterThan',
  GreaterThanOrEqualTo: 'greaterThanOrEqualTo',
  LessThan: 'lessThan',
  LessThanOrEqualTo: 'lessThanOrEqualTo',
};

/** `Condition.*` for one entry of `Conditions`. */
function conditionCode(g: Generator, c: JsonObject, path: string): Code {
  const factory = g.lib('Condition');
  const type = String(c?.Type);
  if (COMPARISONS[type] !== undefined) {
    return call(member(factory, COMPARISONS[type]), g.value(c.LeftValue, `${path}.LeftValue`), g.value(c.RightValue, `${path}.RightValue`));
  }
  if (type === 'In') {
    const values = Array.isArray(c.Values) ? c.Values : [];
    return call(member(factory, 'in'), g.value(c.QueryValue, `${path}.QueryValue`), arr(values.map((v, i) => g.value(v, `${path}.Values[${i}]`))));
  }
  if (type === 'Not') {
    return call(member(factory, 'not'), conditionCode(g, c.Condition as JsonObject, `${path}.Condition`));
  }
  if (type === 'Or') {
    const list = Array.isArray(c.Conditions) ? c.Conditions as JsonObject[] : [];
    return call(member(factory, 'or'), ...list.map((x, i) => conditionCode(g, x, `${path}.Conditions[${i}]`)));
  }
  throw new Error(`condition type "${type}" at ${path} is not one the service knows (Equals, GreaterThan, GreaterThanOrEqualTo, LessThan, LessThanOrEqualTo, In, Not, Or)`);
}

function condition(g: Generator, args: JsonObject, path: string): StepMapping {
  const conditions = Array.isArray(args.Conditions) ? args.Conditions as JsonObject[] : [];
  const branch = (list: unknown) => {
    const steps = (Array.isArray(list) ? list : []) as JsonObject[];
    const codes = steps.map((s) => g.stepVariable(String(s?.Name))).filter((c): c is Code => c !== undefined);
    return codes.length > 0 ? arr(codes) : undefined;
  };
  return {
    construct: 'ConditionStep',
    props: [
      ['conditions', arr(conditions.map((c, i) => conditionCode(g, c, `${path}.Conditions[${i}]`)))],
      ['ifSteps', branch(args.IfSteps)],
      ['elseSteps', branch(args.ElseSteps)],
    ],
    envelopeKeys: [],
  };
}

/** `outputs: [{ outputName, outputType }] as const` of a Lambda or Callback step. */
function outputParameters(g: Generator, step: StepInfo): Code | undefined {
  const list = Array.isArray(step.json.OutputParameters) ? step.json.OutputParameters as JsonObject[] : [];
  if (list.length === 0) {
    return undefined;
  }
  return arr(list.map((o) => obj({
    outputName: lit(String(o?.OutputName)),
    outputType: o?.OutputType === undefined || o.OutputType === 'String' ? undefined : g.enumMember('LambdaOutputType', o.OutputType),
  })), true);
}

function lambdaStep(g: Generator, step: StepInfo, args: JsonObject, path: string): StepMapping {
  const arn = step.json.FunctionArn;
  const lambda = g.namespace('lambda', 'aws-cdk-lib/aws-lambda');
  const fn = call(member(lambda, 'Function', 'fromFunctionArn'), id('stack'), lit(`${step.variable.charAt(0).toUpperCase()}${step.variable.slice(1)}Function`), g.str(arn, `${step.path}.FunctionArn`));
  return {
    construct: 'LambdaStep',
    props: [
      ['function', fn],
      ['inputs', Object.keys(args).length > 0 ? stringMap(g, args, path) : undefined],
      ['outputs', outputParameters(g, step)],
    ],
    envelopeKeys: ['FunctionArn', 'OutputParameters', 'Timeout'],
  };
}

function callback(g: Generator, step: StepInfo, args: JsonObject, path: string): StepMapping {
  const url = step.json.SqsQueueUrl;
  const ref = typeof url === 'string' ? /^\$\{Ref:([^}]+)\}$/.exec(url) : null;
  let queue: Props;
  if (ref) {
    // A queue of the template the definition came from: its URL is the Ref, its ARN the GetAtt.
    const sqs = g.namespace('sqs', 'aws-cdk-lib/aws-sqs');
    queue = [['queue', call(member(sqs, 'Queue', 'fromQueueAttributes'), id('stack'), lit(`${step.variable.charAt(0).toUpperCase()}${step.variable.slice(1)}Queue`), obj({
      queueArn: g.value(`\${GetAtt:${ref[1]}.Arn}`, `${step.path}.SqsQueueUrl`),
      queueUrl: g.value(url, `${step.path}.SqsQueueUrl`),
    }))]];
  } else {
    queue = [['queueUrl', g.str(url, `${step.path}.SqsQueueUrl`)]];
  }
  return {
    construct: 'CallbackStep',
    props: [
      ...queue,
      ['inputs', stringMap(g, args, path) ?? obj({})],
      ['outputs', outputParameters(g, step)],
    ],
    envelopeKeys: ['SqsQueueUrl', 'OutputParameters'],
  };
}

function emr(g: Generator, args: JsonObject, path: string): StepMapping {
  const jarStep = at(args, 'StepConfig', 'HadoopJarStep') as JsonObject | undefined;
  const properties = Array.isArray(jarStep?.Properties)
    ? obj((jarStep!.Properties as JsonObject[]).map((p, i): [string, Code] => [String(p?.Key), g.value(p?.Value, `${path}.StepConfig.HadoopJarStep.Properties[${i}].Value`)]))
    : undefined;
  return {
    construct: 'EMRStep',
    props: [
      ['cluster', args.ClusterId === undefined ? undefined : call(member(g.lib('EmrCluster'), 'fromClusterId'), g.str(args.ClusterId, `${path}.ClusterId`))],
      ['jar', g.str(jarStep?.Jar, `${path}.StepConfig.HadoopJarStep.Jar`)],
      ['args', stringList(g, jarStep?.Args, `${path}.StepConfig.HadoopJarStep.Args`)],
      ['mainClass', jarStep?.MainClass === undefined ? undefined : g.str(jarStep.MainClass, `${path}.StepConfig.HadoopJarStep.MainClass`)],
      ['properties', properties],
    ],
    envelopeKeys: [],
  };
}

/** Props every check step takes (envelope keys). */
function checkProps(g: Generator, step: StepInfo, args: JsonObject, path: string): Props {
  const json = step.json;
  const cluster = at(args, 'ProcessingResources', 'ClusterConfig') as JsonObject | undefined;
  const flag = (value: unknown, p: string) => (value === undefined ? undefined : g.value(value, p));
  const jobConfig = obj({
    role: g.role(args.RoleArn, `${path}.RoleArn`),
    instanceType: cluster?.InstanceType === undefined ? undefined : g.instanceType(cluster.InstanceType, `${path}.ProcessingResources.ClusterConfig.InstanceType`),
    instanceCount: cluster?.InstanceCount === 1 ? undefined : num(g, cluster?.InstanceCount, `${path}.ProcessingResources.ClusterConfig.InstanceCount`),
    volumeSizeInGB: cluster?.VolumeSizeInGB === 30 ? undefined : num(g, cluster?.VolumeSizeInGB, `${path}.ProcessingResources.ClusterConfig.VolumeSizeInGB`),
    maxRuntime: seconds(g, at(args, 'StoppingCondition', 'MaxRuntimeInSeconds')),
  });
  return [
    ['checkJobConfig', !isEmptyObject(jobConfig) ? jobConfig : undefined],
    ['skipCheck', json.SkipCheck === false ? undefined : flag(json.SkipCheck, `${step.path}.SkipCheck`)],
    ['failOnViolation', json.FailOnViolation === true ? undefined : flag(json.FailOnViolation, `${step.path}.FailOnViolation`)],
    ['registerNewBaseline', json.RegisterNewBaseline === false ? undefined : flag(json.RegisterNewBaseline, `${step.path}.RegisterNewBaseline`)],
    ['modelPackageGroupName', json.ModelPackageGroupName === undefined || json.ModelPackageGroupName === null ? undefined : g.str(json.ModelPackageGroupName, `${step.path}.ModelPackageGroupName`)],
    ['suppliedBaselineConstraints', json.SuppliedBaselineConstraints === undefined || json.SuppliedBaselineConstraints === null
      ? undefined : g.str(json.SuppliedBaselineConstraints, `${step.path}.SuppliedBaselineConstraints`)],
  ];
}

const CHECK_ENVELOPE = ['CheckType', 'ModelPackageGroupName', 'SkipCheck', 'FailOnViolation', 'RegisterNewBaseline', 'SuppliedBaselineConstraints'];

function qualityCheck(g: Generator, step: StepInfo, args: JsonObject, path: string): StepMapping {
  const env = (args.Environment ?? {}) as Record<string, unknown>;
  const input = ((Array.isArray(args.ProcessingInputs) ? args.ProcessingInputs : []) as JsonObject[]).find((i) => i?.InputName === 'baseline_dataset_input');
  let datasetFormat: Code = call(member(g.lib('DatasetFormat'), 'csv'));
  if (typeof env.dataset_format === 'string') {
    try {
      const format = JSON.parse(env.dataset_format) as JsonObject;
      if (isObject(format.csv)) {
        const csv = format.csv;
        datasetFormat = call(member(g.lib('DatasetFormat'), 'csv'), obj({
          header: typeof csv.header === 'boolean' ? lit(csv.header) : undefined,
          outputColumnsPosition: typeof csv.output_columns_position === 'string' ? lit(csv.output_columns_position) : undefined,
        }));
      } else if (isObject(format.json)) {
        datasetFormat = call(member(g.lib('DatasetFormat'), 'json'), obj({ line: typeof format.json.lines === 'boolean' ? lit(format.json.lines) : undefined }));
      } else if (format.parquet !== undefined) {
        datasetFormat = call(member(g.lib('DatasetFormat'), 'parquet'));
      }
    } catch {
      // corrected by an override
    }
  }
  const text = (key: string) => (typeof env[key] === 'string' ? lit(env[key] as string) : undefined);
  return {
    construct: 'QualityCheckStep',
    props: [
      ['checkType', g.enumMember('QualityCheckType', step.json.CheckType) ?? lit(String(step.json.CheckType))],
      ['baselineDataset', g.str(at(input, 'S3Input', 'S3Uri'), `${path}.ProcessingInputs[0].S3Input.S3Uri`)],
      ['datasetFormat', datasetFormat],
      ['outputS3Uri', g.str(at(args, 'ProcessingOutputConfig', 'Outputs', 0, 'S3Output', 'S3Uri'), `${path}.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri`)],
      ['problemType', text('problem_type')],
      ['inferenceAttribute', text('inference_attribute')],
      ['probabilityAttribute', text('probability_attribute')],
      ['groundTruthAttribute', text('ground_truth_attribute')],
      ['probabilityThresholdAttribute', text('probability_threshold_attribute')],
      ['suppliedBaselineStatistics', step.json.SuppliedBaselineStatistics === undefined || step.json.SuppliedBaselineStatistics === null
        ? undefined : g.str(step.json.SuppliedBaselineStatistics, `${step.path}.SuppliedBaselineStatistics`)],
      ...checkProps(g, step, args, path),
    ],
    envelopeKeys: [...CHECK_ENVELOPE, 'SuppliedBaselineStatistics'],
  };
}

function clarifyCheck(g: Generator, step: StepInfo, args: JsonObject, path: string): StepMapping {
  const inputs = (Array.isArray(args.ProcessingInputs) ? args.ProcessingInputs : []) as JsonObject[];
  const dataset = inputs.find((i) => i?.InputName === 'dataset');
  const config = inputs.find((i) => i?.InputName === 'analysis_config');
  const checkType = String(step.json.CheckType);
  const configUri = JSON.stringify(at(config, 'S3Input', 'S3Uri') ?? 'its analysis_config input');
  g.note(`${path}.ProcessingInputs`, `the Clarify analysis configuration is a file in S3 (${configUri}) that the definition only points to; the generated step keeps pointing to it through addArgumentOverride, and its biasConfig / shapConfig / modelConfig are placeholders. Fill them in from that file to let the step write its own.`);
  const placeholders: Props = [];
  if (checkType === 'DATA_BIAS' || checkType === 'MODEL_BIAS') {
    placeholders.push(['biasConfig', obj({ labelValuesOrThreshold: arr([lit(1)]), facets: arr([obj({ nameOrIndex: lit(0) })]) })]);
  }
  if (checkType === 'MODEL_BIAS' || checkType === 'MODEL_EXPLAINABILITY') {
    placeholders.push(['modelConfig', obj({ modelName: lit('REPLACE-with-the-model-name') })]);
  }
  if (checkType === 'MODEL_EXPLAINABILITY') {
    placeholders.push(['shapConfig', obj({ aggMethod: g.enumMember('ShapAggregationMethod', 'mean_abs') ?? lit('mean_abs') })]);
  }
  return {
    construct: 'ClarifyCheckStep',
    props: [
      ['checkType', g.enumMember('ClarifyCheckType', step.json.CheckType) ?? lit(checkType)],
      ['dataConfig', obj({
        s3DataInputPath: g.str(at(dataset, 'S3Input', 'S3Uri'), `${path}.ProcessingInputs[1].S3Input.S3Uri`),
        s3OutputPath: g.str(at(args, 'ProcessingOutputConfig', 'Outputs', 0, 'S3Output', 'S3Uri'), `${path}.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri`),
      })],
      ...placeholders,
      ...checkProps(g, step, args, path),
    ],
    envelopeKeys: CHECK_ENVELOPE,
    comments: [`Placeholder analysis settings (biasConfig / shapConfig / modelConfig): the original ones are in ${configUri}.`],
  };
}

function autoML(g: Generator, args: JsonObject, path: string): StepMapping {
  const inputs = (Array.isArray(args.InputDataConfig) ? args.InputDataConfig : []) as JsonObject[];
  const criteria = at(args, 'AutoMLJobConfig', 'CompletionCriteria') as JsonObject | undefined;
  return {
    construct: 'AutoMLStep',
    props: [
      ['inputs', arr(inputs.map((input, i) => {
        const p = `${path}.InputDataConfig[${i}]`;
        const options = obj({
          s3DataType: at(input, 'DataSource', 'S3DataSource', 'S3DataType') === 'S3Prefix' ? undefined : g.enumValue('AutoMLS3DataType', at(input, 'DataSource', 'S3DataSource', 'S3DataType'), path),
          contentType: input?.ContentType === undefined ? undefined : g.str(input.ContentType, `${p}.ContentType`),
          compressionType: input?.CompressionType === undefined ? undefined : g.enumValue('AutoMLCompressionType', input.CompressionType, path),
          channelType: input?.ChannelType === undefined ? undefined : g.enumMember('AutoMLChannelType', input.ChannelType),
        });
        return call(member(g.lib('AutoMLInput'), 's3'), g.str(at(input, 'DataSource', 'S3DataSource', 'S3Uri'), `${p}.DataSource.S3DataSource.S3Uri`),
          ...(!isEmptyObject(options) ? [options] : []));
      }))],
      ['targetAttributeName', g.str(inputs[0]?.TargetAttributeName, `${path}.InputDataConfig[0].TargetAttributeName`)],
      ['outputPath', at(args, 'OutputDataConfig', 'S3OutputPath') === undefined ? undefined : g.str(at(args, 'OutputDataConfig', 'S3OutputPath'), `${path}.OutputDataConfig.S3OutputPath`)],
      ['problemType', args.ProblemType === undefined ? undefined : g.enumMember('AutoMLProblemType', args.ProblemType)],
      ['objectiveMetric', at(args, 'AutoMLJobObjective', 'MetricName') === undefined ? undefined : g.enumMember('AutoMLMetricName', at(args, 'AutoMLJobObjective', 'MetricName'))],
      ['maxCandidates', num(g, criteria?.MaxCandidates, `${path}.AutoMLJobConfig.CompletionCriteria.MaxCandidates`)],
      ['maxRuntimePerTrainingJob', seconds(g, criteria?.MaxRuntimePerTrainingJobInSeconds)],
      ['maxAutoMLJobRuntime', seconds(g, criteria?.MaxAutoMLJobRuntimeInSeconds)],
      ['role', g.role(args.RoleArn, `${path}.RoleArn`)],
    ],
    envelopeKeys: [],
  };
}
