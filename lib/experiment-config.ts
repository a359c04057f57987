import { Token } from 'aws-cdk-lib';
import { ExecutionVariable } from './expressions';

/**
 * Regions where the SageMaker SDK keeps the default experiment config (SageMaker Experiments is
 * available there); elsewhere it renders `null`, and so does this library when the stack's region
 * is known.
 */
const EXPERIMENTS_REGIONS = new Set([
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'eu-west-1', 'eu-west-2', 'eu-west-3',
  'eu-central-1', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-south-1', 'ap-east-1', 'sa-east-1', 'af-south-1',
  'me-south-1', 'il-central-1', 'cn-north-1', 'cn-northwest-1',
]);

/**
 * Props of a custom experiment config.
 */
export interface CustomExperimentConfigProps {
  /** Experiment that executions record into (literal or expression). */
  readonly experimentName: string;
  /** Trial that each execution records into (literal or expression). */
  readonly trialName: string;
}

/**
 * Where executions record their runs in SageMaker Experiments (`PipelineExperimentConfig`).
 */
export abstract class PipelineExperimentConfig {
  /**
   * The SageMaker SDK's default: experiment = the pipeline name, trial = the execution id.
   * Rendered as `null` when the stack's region is known to lack SageMaker Experiments, as the SDK does.
   */
  public static default(): PipelineExperimentConfig {
    return new DefaultExperimentConfig();
  }

  /** Record into the given experiment and trial. */
  public static custom(props: CustomExperimentConfigProps): PipelineExperimentConfig {
    return new FixedExperimentConfig({ ExperimentName: props.experimentName, TrialName: props.trialName });
  }

  /** Do not record executions in SageMaker Experiments (`null`). */
  public static disabled(): PipelineExperimentConfig {
    return new FixedExperimentConfig(null);
  }

  /** @internal the `PipelineExperimentConfig` value for a stack in `region` */
  public abstract _render(region: string): Record<string, string> | null;
}

class DefaultExperimentConfig extends PipelineExperimentConfig {
  public _render(region: string): Record<string, string> | null {
    if (!Token.isUnresolved(region) && !EXPERIMENTS_REGIONS.has(region)) {
      return null;
    }
    return { ExperimentName: ExecutionVariable.PIPELINE_NAME, TrialName: ExecutionVariable.PIPELINE_EXECUTION_ID };
  }
}

class FixedExperimentConfig extends PipelineExperimentConfig {
  constructor(private readonly config: Record<string, string> | null) {
    super();
    if (config !== null) {
      for (const [key, value] of Object.entries(config)) {
        if (typeof value !== 'string' || value.length === 0) {
          throw new Error(`PipelineExperimentConfig.custom: ${key} must be a non-empty string or expression; received ${String(value)}.`);
        }
      }
    }
  }

  public _render(): Record<string, string> | null {
    return this.config;
  }
}
