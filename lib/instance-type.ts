import { Token } from 'aws-cdk-lib';

/**
 * The ML instance type of a job (`ml.m5.xlarge`, ...).
 *
 * Use a constant, `InstanceType.of('ml.g5.2xlarge')` for any other type, or
 * `InstanceType.of(param.valueAsString)` to choose it per execution with a String parameter.
 */
export class InstanceType {
  /** ml.t3.medium */
  public static readonly T3_MEDIUM = new InstanceType('ml.t3.medium');
  /** ml.m5.large */
  public static readonly M5_LARGE = new InstanceType('ml.m5.large');
  /** ml.m5.xlarge */
  public static readonly M5_XLARGE = new InstanceType('ml.m5.xlarge');
  /** ml.m5.2xlarge */
  public static readonly M5_2XLARGE = new InstanceType('ml.m5.2xlarge');
  /** ml.m5.4xlarge */
  public static readonly M5_4XLARGE = new InstanceType('ml.m5.4xlarge');
  /** ml.c5.xlarge */
  public static readonly C5_XLARGE = new InstanceType('ml.c5.xlarge');
  /** ml.c5.2xlarge */
  public static readonly C5_2XLARGE = new InstanceType('ml.c5.2xlarge');
  /** ml.r5.xlarge */
  public static readonly R5_XLARGE = new InstanceType('ml.r5.xlarge');
  /** ml.g4dn.xlarge */
  public static readonly G4DN_XLARGE = new InstanceType('ml.g4dn.xlarge');
  /** ml.g5.xlarge */
  public static readonly G5_XLARGE = new InstanceType('ml.g5.xlarge');
  /** ml.g5.2xlarge */
  public static readonly G5_2XLARGE = new InstanceType('ml.g5.2xlarge');
  /** ml.p3.2xlarge */
  public static readonly P3_2XLARGE = new InstanceType('ml.p3.2xlarge');

  /**
   * Any instance type by name (`ml.<family>.<size>`), or a token such as a String parameter.
   */
  public static of(instanceType: string): InstanceType {
    return new InstanceType(instanceType);
  }

  private constructor(private readonly name: string) {
    if (!Token.isUnresolved(name) && !/^ml\.[a-z0-9-]+\.[a-z0-9-]+$/.test(name)) {
      throw new Error(`Instance type must look like 'ml.<family>.<size>' (for example 'ml.m5.xlarge'); received '${name}'.`);
    }
  }

  /** The instance type name. */
  public toString(): string {
    return this.name;
  }
}
