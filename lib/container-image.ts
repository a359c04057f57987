import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/** `<account>.dkr.ecr.<region>.amazonaws.com[.cn]/<repository>[:tag|@digest]` */
const ECR_URI = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)(?:[:@].*)?$/;

/**
 * The result of binding a container image to the step that runs it.
 */
export interface ContainerImageConfig {
  /** The image URI to put in the job request. */
  readonly imageUri: string;
}

/**
 * A container image that a SageMaker job runs.
 */
export abstract class ContainerImage {
  /**
   * An image by URI, for example `123456789012.dkr.ecr.us-east-1.amazonaws.com/my-image:1.0`.
   *
   * When the URI is a literal Amazon ECR URI, the job role is granted pull access to that
   * repository. The URI may be a CloudFormation token or a pipeline parameter (then no grant is made).
   */
  public static fromRegistry(imageUri: string): ContainerImage {
    return new RegistryImage(imageUri);
  }

  /**
   * Called when a step that runs this image is created: returns the URI and grants `role` what it
   * needs to pull the image.
   */
  public abstract bind(scope: IConstruct, role: iam.IGrantable): ContainerImageConfig;
}

class RegistryImage extends ContainerImage {
  constructor(private readonly imageUri: string) {
    super();
    if (!Token.isUnresolved(imageUri) && (imageUri.length === 0 || imageUri.length > 255 || /\s/.test(imageUri))) {
      throw new Error(`Container image URI must be 1-255 characters without spaces; received '${imageUri}'.`);
    }
  }

  public bind(scope: IConstruct, role: iam.IGrantable): ContainerImageConfig {
    const match = Token.isUnresolved(this.imageUri) ? null : ECR_URI.exec(this.imageUri);
    if (match) {
      const [, account, region, repository] = match;
      const partition = Stack.of(scope).partition;
      iam.Grant.addToPrincipal({
        grantee: role,
        actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        resourceArns: [`arn:${partition}:ecr:${region}:${account}:repository/${repository}`],
      });
      iam.Grant.addToPrincipal({ grantee: role, actions: ['ecr:GetAuthorizationToken'], resourceArns: ['*'] });
    }
    return { imageUri: this.imageUri };
  }
}
