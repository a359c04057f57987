import { Annotations, IResolvable } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { RenderedStep, Step, StepProps } from './step';
import { Condition } from '../conditions';
import { createFixedPropertyTree, StepPropertyReference } from '../properties';

/**
 * Props of a {@link ConditionStep}.
 */
export interface ConditionStepProps extends StepProps {
  /** The conditions to evaluate; the `if` branch runs when all of them hold (an implicit AND). At least one. */
  readonly conditions: Condition[];
  /**
   * Steps that run when the conditions hold. They are steps of the same pipeline, created as usual
   * (`new TrainingStep(pipeline, ...)`), and appear only inside this step's `IfSteps`.
   * @default - none
   */
  readonly ifSteps?: Step[];
  /**
   * Steps that run when the conditions do not hold (`ElseSteps`).
   * @default - none
   */
  readonly elseSteps?: Step[];
}

/**
 * Properties of a condition step.
 */
export interface ConditionStepProperties {
  /**
   * Whether the conditions held (`{"Get": "Steps.<step>.Outcome"}`, a boolean at run time). Use it
   * in a condition of another step, or in a string through a template literal
   * (`` `outcome: ${step.properties.Outcome}` `` renders as `Std:Join`).
   */
  readonly Outcome: IResolvable;
}

/**
 * A step that evaluates conditions and runs one of two lists of steps (`Type: Condition`).
 *
 * The branch steps are created in the pipeline like any other step and handed to the condition;
 * they are rendered only inside its `IfSteps` / `ElseSteps`, never at the top level. The condition
 * runs after every step its conditions read. It takes no retry policies or caching.
 */
export class ConditionStep extends Step {
  /** @inheritdoc */
  public readonly stepType = 'Condition';
  /** The step's only property, `Outcome`. */
  public readonly properties: ConditionStepProperties;

  private readonly conditions: Condition[];
  private readonly ifBranch: Step[] = [];
  private readonly elseBranch: Step[] = [];
  /** Renders of the branch steps made by `renderNested()`, reused by `renderArguments()` of the same `_render()`. */
  private branchRenders?: { ifSteps: RenderedStep[]; elseSteps: RenderedStep[] };

  constructor(scope: Construct, id: string, props: ConditionStepProps) {
    super(scope, id, props, { retry: 'none', cache: false });
    if (!Array.isArray(props.conditions) || props.conditions.length === 0) {
      throw new Error(`ConditionStep ${this.node.path}: conditions must list at least one Condition (they are combined with AND); received ${Array.isArray(props.conditions) ? 'an empty list' : String(props.conditions)}. Pass e.g. [Condition.lessThanOrEqualTo(mse, 6)].`);
    }
    props.conditions.forEach((c, i) => {
      if (!Condition.isCondition(c)) {
        throw new Error(`ConditionStep ${this.node.path}: conditions[${i}] is not a Condition; build it with a factory such as Condition.equals(left, right).`);
      }
    });
    this.conditions = [...props.conditions];

    const tree = createFixedPropertyTree(this, { Outcome: 'Boolean' }, 'ConditionStep, whose only property is Outcome') as Record<string, unknown>;
    tree.Outcome = new StepPropertyReference(this, 'Outcome', 'Boolean');
    this.properties = tree as unknown as ConditionStepProperties;

    this.addIfSteps(...(props.ifSteps ?? []));
    this.addElseSteps(...(props.elseSteps ?? []));
  }

  /** The steps of the `if` branch. */
  public get ifSteps(): Step[] {
    return [...this.ifBranch];
  }

  /** The steps of the `else` branch. */
  public get elseSteps(): Step[] {
    return [...this.elseBranch];
  }

  /** Add steps to the branch that runs when the conditions hold. */
  public addIfSteps(...steps: Step[]): void {
    steps.forEach((step) => this.addBranchStepWithCompanions(step, 'ifSteps'));
  }

  /** Add steps to the branch that runs when the conditions do not hold. */
  public addElseSteps(...steps: Step[]): void {
    steps.forEach((step) => this.addBranchStepWithCompanions(step, 'elseSteps'));
  }

  /** Adds a step and, before it, the steps it brings along (a model step's repack steps). */
  private addBranchStepWithCompanions(step: Step, branch: 'ifSteps' | 'elseSteps'): void {
    if (Step.isStep(step)) {
      const list = branch === 'ifSteps' ? this.ifBranch : this.elseBranch;
      step._companionSteps().filter((c) => !list.includes(c)).forEach((c) => this.addBranchStep(c, branch));
    }
    this.addBranchStep(step, branch);
  }

  protected renderNested(): RenderedStep[] {
    const ifSteps = this.ifBranch.map((s) => s._render());
    const elseSteps = this.elseBranch.map((s) => s._render());
    this.branchRenders = { ifSteps, elseSteps };
    return [...ifSteps, ...elseSteps];
  }

  protected renderArguments(): Record<string, unknown> {
    // Step._render() calls renderNested() first; reuse its renders so each branch step renders once per pass.
    const branches = this.branchRenders ?? { ifSteps: this.ifBranch.map((s) => s._render()), elseSteps: this.elseBranch.map((s) => s._render()) };
    this.branchRenders = undefined;
    return {
      Conditions: this.conditions.map((c) => c._render()),
      IfSteps: branches.ifSteps.map((r) => r.json),
      ElseSteps: branches.elseSteps.map((r) => r.json),
    };
  }

  private addBranchStep(step: Step, branch: 'ifSteps' | 'elseSteps'): void {
    const where = `ConditionStep ${this.node.path}`;
    if (!Step.isStep(step)) {
      throw new Error(`${where}: ${branch} accepts steps only; received ${String(step)}.`);
    }
    if (step === this) {
      throw new Error(`${where}: a condition step cannot be in its own ${branch}.`);
    }
    if (step.pipeline !== this.pipeline) {
      throw new Error(`${where}: ${branch} step ${step.node.path} belongs to another pipeline (${step.pipeline.node.path}, not ${this.pipeline.node.path}); branch steps must be steps of the condition's pipeline. Create the step in ${this.pipeline.node.path}.`);
    }
    const same = branch === 'ifSteps' ? this.ifBranch : this.elseBranch;
    const other = branch === 'ifSteps' ? this.elseBranch : this.ifBranch;
    const otherName = branch === 'ifSteps' ? 'elseSteps' : 'ifSteps';
    if (other.includes(step)) {
      throw new Error(`${where}: step ${step.node.path} is in both ifSteps and elseSteps; a step can be in one branch only. Create a separate step (with another stepName) for the ${otherName === 'elseSteps' ? 'if' : 'else'} branch.`);
    }
    if (same.includes(step)) {
      throw new Error(`${where}: step ${step.node.path} is listed twice in ${branch}; list it once.`);
    }
    if (step instanceof ConditionStep) {
      if (step.contains(this)) {
        throw new Error(`${where}: ${step.node.path} already contains this condition in one of its branches (directly or through nested conditions); conditions cannot contain each other. Remove ${step.node.path} from ${branch} of ${this.node.path}, or remove ${this.node.path} from the branches of ${step.node.path}.`);
      }
      Annotations.of(step).addWarningV2('cdk-sagemaker-pipelines:nestedCondition',
        `ConditionStep ${step.node.path} is nested in the ${branch === 'ifSteps' ? 'if' : 'else'} branch of ${this.node.path}. The SageMaker developer guide says condition steps cannot be nested, although the service accepts such definitions. To stay within the documented behaviour, make it a top-level condition that also tests the outer conditions; otherwise acknowledge this warning.`);
    }
    same.push(step);
  }

  /** Whether `step` is in this condition's branches, directly or inside nested conditions. */
  private contains(step: Step): boolean {
    return [...this.ifBranch, ...this.elseBranch].some((s) => s === step || (s instanceof ConditionStep && s.contains(step)));
  }
}
