import * as fs from 'fs';
import * as path from 'path';
import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { ContainerImage, SparkImageOptions } from './container-image';
import { Join } from './expressions';
import { S3Location, stageFiles, stageText } from './inputs';
import { expressionOf } from './private/expression';
import type { ProcessingInput, ProcessingOutput } from './steps/processing-step';

/** Base folder of the inputs the SageMaker SDK's processors generate. */
const INPUT_BASE = '/opt/ml/processing/input/';
/** Where the Spark processors make Spark write event logs (`--local-spark-event-logs-dir`). */
const SPARK_EVENTS_DIR = '/opt/ml/processing/spark-events/';
/** EMR-style configuration classifications the Spark container accepts (as the SDK checks them). */
const SPARK_CLASSIFICATIONS = [
  'core-site', 'hadoop-env', 'hadoop-log4j', 'hive-env', 'hive-log4j', 'hive-exec-log4j', 'hive-site', 'spark-defaults',
  'spark-env', 'spark-log4j', 'spark-hive-site', 'spark-metrics', 'yarn-env', 'yarn-site', 'export',
];

/**
 * What a processor contributes to a {@link ProcessingStep}.
 */
export interface ProcessorConfig {
  /** The image the processor runs (the step's `image` overrides it). */
  readonly image: ContainerImage;
  /** The command that runs the step's `code` (the script path is appended); the step's `containerEntrypoint` overrides it. */
  readonly command: string[];
  /** Inputs the processor adds, after the step's own inputs and before `code`. */
  readonly inputs: ProcessingInput[];
  /** Outputs the processor adds, after the step's own outputs. */
  readonly outputs: ProcessingOutput[];
  /** The script or application the processor runs, when the processor names one (the step's `code` must then be unset). */
  readonly code?: string;
  /** Whether the step must have `code` (a script processor without a script runs nothing useful). */
  readonly requiresCode: boolean;
}

/**
 * An EMR-style application configuration (`Classification`, `Properties`, nested `Configurations`),
 * as the SageMaker Spark container reads it from `/opt/ml/processing/input/conf/configuration.json`.
 */
export interface SparkConfiguration {
  /** The classification, for example `spark-defaults`. */
  readonly classification: string;
  /**
   * Properties of the classification, for example `{ 'spark.executor.memory': '2g' }`.
   * @default - none
   */
  readonly properties?: Record<string, string>;
  /**
   * Nested configurations (for `export` under `spark-env`, for example).
   * @default - none
   */
  readonly configurations?: SparkConfiguration[];
}

/**
 * Props of {@link Processor.sklearn}.
 */
export interface SKLearnProcessorProps {
  /** The Scikit-learn image version, for example `1.2-1` (`SKLearnProcessor(framework_version=...)`). */
  readonly frameworkVersion: string;
  /**
   * The command that runs the script.
   * @default ['python3']
   */
  readonly command?: string[];
}

/**
 * Props shared by the Spark processors.
 */
export interface SparkProcessorProps extends SparkImageOptions {
  /** The Spark version of the SageMaker Spark image, for example `3.5` (`framework_version`). */
  readonly frameworkVersion: string;
  /**
   * Jars for `spark-submit --jars`: `s3://` URIs or expressions (passed as they are) and local files
   * (deployed together, with their names, as input `jars` at `/opt/ml/processing/input/jars`).
   * @default - none
   */
  readonly submitJars?: string[];
  /**
   * Files for `spark-submit --files`, as `submitJars` (input `files`).
   * @default - none
   */
  readonly submitFiles?: string[];
  /**
   * Hadoop, Spark and Hive configuration, written as `configuration.json` into the artifact bucket
   * under a content-hashed prefix, and given to the job as input `conf` at `/opt/ml/processing/input/conf`.
   * @default - none
   */
  readonly configuration?: SparkConfiguration[];
  /**
   * Where Spark event logs go (for the Spark history server): adds the output `spark-events` from
   * `/opt/ml/processing/spark-events/`, uploaded continuously, and `--local-spark-event-logs-dir`.
   * @default - no event logs
   */
  readonly sparkEventLogsS3Uri?: string;
}

/**
 * Props of {@link Processor.pySpark}.
 */
export interface PySparkProcessorProps extends SparkProcessorProps {
  /** The Python application: a local `.py` file (a content-hashed asset) or an `s3://` URI. */
  readonly submitApp: string;
  /**
   * Python files for `spark-submit --py-files` (`.py`, `.zip`, `.egg`), as `submitJars` (input `py-files`).
   * @default - none
   */
  readonly submitPyFiles?: string[];
}

/**
 * Props of {@link Processor.sparkJar}.
 */
export interface SparkJarProcessorProps extends SparkProcessorProps {
  /** The application jar: a local `.jar` file (a content-hashed asset) or an `s3://` URI. */
  readonly submitApp: string;
  /** The application's main class (`spark-submit --class`). */
  readonly mainClass: string;
}

/**
 * What runs in a processing job, as the SageMaker Python SDK's processors set it up: the image, the
 * command, and the inputs and outputs they generate. Pass one as `processor` of a
 * {@link ProcessingStep}, or use `ProcessingStep.sklearn` / `.pySpark` / `.sparkJar`.
 */
export abstract class Processor {
  /**
   * `SKLearnProcessor`: the SageMaker Scikit-learn image and `python3 <code>`. The step's `code`
   * (required) becomes input `code` at `/opt/ml/processing/input/code`.
   */
  public static sklearn(props: SKLearnProcessorProps): Processor {
    return new SKLearnProcessor(props);
  }

  /**
   * `PySparkProcessor`: the SageMaker Spark processing image and
   * `smspark-submit [--py-files ...] [--jars ...] [--files ...] [--local-spark-event-logs-dir ...] <app>`.
   */
  public static pySpark(props: PySparkProcessorProps): Processor {
    return new SparkProcessor('pySpark', props, props.submitApp, props.submitPyFiles, undefined);
  }

  /**
   * `SparkJarProcessor`: the SageMaker Spark processing image and
   * `smspark-submit --class <mainClass> [--jars ...] [--files ...] [--local-spark-event-logs-dir ...] <app.jar>`.
   */
  public static sparkJar(props: SparkJarProcessorProps): Processor {
    return new SparkProcessor('sparkJar', props, props.submitApp, undefined, props.mainClass);
  }

  /** Called once by the step that runs the processor. */
  public abstract bind(scope: IConstruct): ProcessorConfig;
}

class SKLearnProcessor extends Processor {
  constructor(private readonly props: SKLearnProcessorProps) {
    super();
    if (typeof props.frameworkVersion !== 'string' || props.frameworkVersion.length === 0 || Token.isUnresolved(props.frameworkVersion)) {
      throw new Error(`Processor.sklearn: frameworkVersion must be a literal version such as '1.2-1'; received '${String(props.frameworkVersion)}'.`);
    }
  }

  public bind(_scope: IConstruct): ProcessorConfig {
    return {
      image: ContainerImage.sklearn(this.props.frameworkVersion),
      command: [...(this.props.command ?? ['python3'])],
      inputs: [],
      outputs: [],
      requiresCode: true,
    };
  }
}

class SparkProcessor extends Processor {
  constructor(
    private readonly kind: 'pySpark' | 'sparkJar',
    private readonly props: SparkProcessorProps,
    private readonly submitApp: string,
    private readonly submitPyFiles: string[] | undefined,
    private readonly mainClass: string | undefined,
  ) {
    super();
    const where = `Processor.${kind}`;
    if (typeof props.frameworkVersion !== 'string' || props.frameworkVersion.length === 0 || Token.isUnresolved(props.frameworkVersion)) {
      throw new Error(`${where}: frameworkVersion must be a literal Spark version such as '3.5'; received '${String(props.frameworkVersion)}'.`);
    }
    if ((props.pythonVersion === undefined) !== (props.containerVersion === undefined)) {
      throw new Error(`${where}: give both or neither of pythonVersion and containerVersion (the image tag needs both); received only ${props.pythonVersion !== undefined ? 'pythonVersion' : 'containerVersion'}.`);
    }
    if (typeof submitApp !== 'string' || submitApp.length === 0) {
      throw new Error(`${where}: submitApp is required: a local ${kind === 'pySpark' ? '.py' : '.jar'} file or an s3:// URI.`);
    }
    if (expressionOf(submitApp) !== undefined) {
      throw new Error(`${where}: submitApp must be a local file or an s3:// URI fixed when the pipeline is defined; received a pipeline expression (as the SageMaker SDK, which refuses pipeline variables there).`);
    }
    if (kind === 'sparkJar' && (typeof mainClass !== 'string' || mainClass.length === 0)) {
      throw new Error(`${where}: mainClass is required (spark-submit --class); received '${String(mainClass)}'.`);
    }
    for (const [prop, list] of [['submitPyFiles', submitPyFiles], ['submitJars', props.submitJars], ['submitFiles', props.submitFiles]] as const) {
      if (list !== undefined && list.length === 0) {
        throw new Error(`${where}: ${prop} must list one or more S3 URIs or local files when given; received an empty list. Omit it instead.`);
      }
    }
    if (props.configuration !== undefined) {
      checkConfiguration(where, props.configuration, 'configuration');
    }
    const events = props.sparkEventLogsS3Uri;
    if (events !== undefined && (typeof events !== 'string' || (!Token.isUnresolved(events) && !events.startsWith('s3://')))) {
      throw new Error(`${where}: sparkEventLogsS3Uri must be an s3:// URI such as 's3://bucket-name/folder-name'; received '${String(events)}'.`);
    }
  }

  public bind(scope: IConstruct): ProcessorConfig {
    const props = this.props;
    const command = ['smspark-submit'];
    const inputs: ProcessingInput[] = [];
    if (this.mainClass !== undefined) {
      command.push('--class', this.mainClass);
    }
    // The SDK adds py-files, then jars, then files; each as an option and, for local files, an input.
    const deps: Array<[string, string[] | undefined]> = [['py-files', this.submitPyFiles], ['jars', props.submitJars], ['files', props.submitFiles]];
    for (const [channel, list] of deps) {
      if (list === undefined) {
        continue;
      }
      const { input, option } = submitDependencies(scope, this.kind, channel, list);
      if (input) {
        inputs.push(input);
      }
      command.push(`--${channel}`, option);
    }
    const outputs: ProcessingOutput[] = [];
    if (props.sparkEventLogsS3Uri !== undefined) {
      command.push('--local-spark-event-logs-dir', SPARK_EVENTS_DIR);
      outputs.push({ outputName: 'spark-events', localPath: SPARK_EVENTS_DIR, s3Uri: props.sparkEventLogsS3Uri, s3UploadMode: 'Continuous' });
    }
    if (props.configuration !== undefined) {
      const file = stageText('configuration.json', JSON.stringify(props.configuration.map(renderConfiguration)));
      inputs.push({ inputName: 'conf', s3Uri: S3Location.fromAsset(path.dirname(file)), localPath: `${INPUT_BASE}conf` });
    }
    return {
      image: ContainerImage.spark(props.frameworkVersion, { pythonVersion: props.pythonVersion, containerVersion: props.containerVersion }),
      command,
      inputs,
      outputs,
      code: this.submitApp,
      requiresCode: true,
    };
  }
}

/** `spark-submit` dependency lists: S3 URIs and expressions as they are, local files deployed together as one input. */
function submitDependencies(scope: IConstruct, kind: string, channel: string, list: string[]): { input?: ProcessingInput; option: string } {
  const remote: string[] = [];
  const local: string[] = [];
  for (const item of list) {
    if (typeof item !== 'string') {
      throw new Error(`${scope.node.path}: Processor.${kind} ${channel} items must be strings; received ${typeof item}.`);
    }
    if (Token.isUnresolved(item) || /^s3a?:\/\//.test(item)) {
      remote.push(item);
    } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(item) && !item.startsWith('file://')) {
      throw new Error(`${scope.node.path}: Processor.${kind} ${channel} '${item}' uses an unsupported scheme; give s3:// URIs or local file paths.`);
    } else {
      const file = path.resolve(item.replace(/^file:\/\//, ''));
      if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
        throw new Error(`${scope.node.path}: Processor.${kind} ${channel} '${item}' (resolved to ${file}) is not a local file; give s3:// URIs or local file paths.`);
      }
      local.push(file);
    }
  }
  let input: ProcessingInput | undefined;
  const values = [...remote];
  if (local.length > 0) {
    const { directory } = stageFiles(scope, `Processor.${kind} ${channel}`, local);
    input = { inputName: channel, s3Uri: S3Location.fromAsset(directory), localPath: `${INPUT_BASE}${channel}` };
    values.push(`${INPUT_BASE}${channel}`);
  }
  const option = values.some((v) => expressionOf(v) !== undefined) ? Join.of(values, ',') : values.join(',');
  return { input, option };
}

function checkConfiguration(where: string, configurations: SparkConfiguration[], at: string): void {
  if (!Array.isArray(configurations)) {
    throw new Error(`${where}: ${at} must be a list of { classification, properties, configurations }.`);
  }
  configurations.forEach((c, i) => {
    const here = `${at}[${i}]`;
    const unknown = Object.keys(c).filter((k) => !['classification', 'properties', 'configurations'].includes(k));
    if (unknown.length > 0) {
      throw new Error(`${where}: ${here} has unknown keys ${unknown.join(', ')}; the keys are classification, properties and configurations (see https://docs.aws.amazon.com/emr/latest/ReleaseGuide/emr-configure-apps.html).`);
    }
    if (!SPARK_CLASSIFICATIONS.includes(c.classification)) {
      throw new Error(`${where}: ${here}.classification '${String(c.classification)}' is not one the Spark container accepts; use one of ${SPARK_CLASSIFICATIONS.join(', ')}.`);
    }
    for (const [key, value] of Object.entries(c.properties ?? {})) {
      if (typeof value !== 'string' || Token.isUnresolved(value) || Token.isUnresolved(key)) {
        throw new Error(`${where}: ${here}.properties['${key}'] must be literal text (the file is written at synth, not resolved at run time); received ${Token.isUnresolved(value) ? 'a token' : typeof value}.`);
      }
    }
    if (c.configurations !== undefined) {
      checkConfiguration(where, c.configurations, `${here}.configurations`);
    }
  });
}

/** The EMR JSON shape: `Classification`, `Properties` (always, as the SDK requires it) and `Configurations` when set. */
function renderConfiguration(c: SparkConfiguration): Record<string, unknown> {
  return {
    Classification: c.classification,
    Properties: { ...(c.properties ?? {}) },
    ...(c.configurations !== undefined ? { Configurations: c.configurations.map(renderConfiguration) } : {}),
  };
}
