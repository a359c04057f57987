import { SageMakerClient, SageMakerClientConfig } from '@aws-sdk/client-sagemaker';
import { Command } from 'commander';
import { CliContext, CliError } from './context';

/** `--region` / `--profile` of a command that calls AWS. */
export interface AwsOptions {
  /** AWS Region (else AWS_REGION, AWS_DEFAULT_REGION or the profile's region). */
  readonly region?: string;
  /** Named profile of the shared config and credentials files (else AWS_PROFILE or `default`). */
  readonly profile?: string;
}

/** Adds `--region` and `--profile` to a command that calls SageMaker. */
export function withAwsOptions(command: Command): Command {
  return command
    .option('--region <region>', 'AWS Region (default: AWS_REGION, AWS_DEFAULT_REGION or the profile\'s region)')
    .option('--profile <name>', 'named profile from ~/.aws/config and ~/.aws/credentials (default: AWS_PROFILE)');
}

/**
 * A SageMaker client from the standard AWS SDK chain: region from `--region`, AWS_REGION /
 * AWS_DEFAULT_REGION or the profile; credentials from the environment, `--profile` / AWS_PROFILE, SSO,
 * web identity or the instance role; the endpoint from AWS_ENDPOINT_URL_SAGEMAKER or AWS_ENDPOINT_URL
 * when set (read from the tool's environment, so that tests can point it at a local server). When
 * `resource` (a pipeline or execution name or ARN) is an ARN, its Region wins over the environment's,
 * `--region` over both. Requests
 * use the SDK's standard retry mode (throttling and transient errors are retried with backoff).
 */
export function sagemakerClient(context: CliContext, options: AwsOptions, resource?: string): SageMakerClient {
  const env = context.env;
  const config: SageMakerClientConfig = { retryMode: 'standard' };
  const region = options.region ?? regionOfArn(resource) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (region !== undefined && region !== '') {
    config.region = region;
  }
  const profile = options.profile ?? env.AWS_PROFILE;
  if (profile !== undefined && profile !== '') {
    config.profile = profile;
  }
  const endpoint = env.AWS_ENDPOINT_URL_SAGEMAKER ?? env.AWS_ENDPOINT_URL;
  if (endpoint !== undefined && endpoint !== '') {
    config.endpoint = endpoint;
  }
  const maxAttempts = Number(env.AWS_MAX_ATTEMPTS);
  if (Number.isInteger(maxAttempts) && maxAttempts > 0) {
    config.maxAttempts = maxAttempts;
  }
  // Keys in the tool's environment win unless a profile was asked for (--profile or AWS_PROFILE: the
  // SDK's own order); the SDK reads process.env, which differs from the tool's environment in tests.
  if (config.profile === undefined && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    config.credentials = {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      sessionToken: env.AWS_SESSION_TOKEN || undefined,
    };
  }
  return new SageMakerClient(config);
}

/** The Region of a SageMaker ARN (`arn:aws:sagemaker:<region>:...`), or undefined for a name. */
export function regionOfArn(text: string | undefined): string | undefined {
  return text === undefined ? undefined : /^arn:aws[a-z-]*:sagemaker:([a-z0-9-]+):/.exec(text)?.[1];
}

/**
 * Sends one SageMaker request and turns what can go wrong into a {@link CliError} of one line that
 * says what to do: no credentials, no region, an unknown pipeline or execution, access denied,
 * throttling that outlasted the SDK's retries, an unreachable endpoint, a refused request.
 */
export async function call<T>(operation: string, subject: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (e) {
    throw awsError(operation, subject, e);
  }
}

/** The {@link CliError} for an error of `operation` on `subject` (see {@link call}). */
export function awsError(operation: string, subject: string, e: unknown): CliError {
  const error = e as { name?: string; message?: string; code?: string; $metadata?: { attempts?: number }; $fault?: string };
  const name = error?.name ?? '';
  const message = (error?.message ?? String(e)).replace(/\s+/g, ' ').trim().replace(/\.$/, '');
  const attempts = error?.$metadata?.attempts;
  let text: string;
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    text = `no AWS credentials found for ${operation}. Set AWS_PROFILE or pass --profile (after \`aws configure\` or \`aws sso login\`), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.`;
  } else if (/Region is missing/i.test(message)) {
    text = `no AWS Region for ${operation}. Pass --region (e.g. --region us-east-1), set AWS_REGION, or set a region in your profile.`;
  } else if (name === 'ResourceNotFound' || name === 'ResourceNotFoundException' || (name === 'ValidationException' && /does not exist|not found|could not find/i.test(message))) {
    text = `${subject} was not found (${operation}: ${message}). Check the name or ARN, and the Region (--region) and account (--profile) it lives in.`;
  } else if (/AccessDenied|UnauthorizedOperation|NotAuthorized/i.test(name) || /not authorized to perform/i.test(message)) {
    text = `access denied for ${operation} on ${subject}: ${message}. Use credentials allowed sagemaker:${operation} (--profile), or ask for that permission.`;
  } else if (/UnrecognizedClient|InvalidClientTokenId|InvalidSignature|SignatureDoesNotMatch|ExpiredToken/i.test(name)) {
    text = `AWS rejected the credentials for ${operation} (${name}: ${message}). Refresh them (\`aws sso login\`, new keys) or choose another --profile.`;
  } else if (/Throttl|TooManyRequests|RequestLimitExceeded|SlowDown/i.test(name) || /rate exceeded/i.test(message)) {
    text = `SageMaker throttled ${operation} (${name}) and the SDK's standard retry gave up${attempts !== undefined ? ` after ${attempts} attempts` : ''}. Wait a minute and run again, raise AWS_MAX_ATTEMPTS, or ask for a higher request quota.`;
  } else if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET/.test(`${error?.code ?? ''} ${message}`)) {
    text = `cannot reach SageMaker for ${operation} (${message}). Check the network, the Region, and AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_SAGEMAKER if set.`;
  } else if (name === 'ValidationException') {
    text = `SageMaker refused ${operation} on ${subject}: ${message}.`;
  } else {
    text = `${operation} on ${subject} failed: ${name !== '' && name !== 'Error' ? `${name}: ` : ''}${message}.`;
  }
  const cli = new CliError(text);
  if (e instanceof Error && e.stack !== undefined) {
    cli.stack = `${cli.name}: ${text}\nCaused by: ${e.stack}`;
  }
  return cli;
}
