import { Duration, Token } from 'aws-cdk-lib';

/** An ISO-8601 duration, accepted permissively as the service does (`P30D`, `PT1H`, `p30d`, `T12H`, `30d`). */
const ISO_DURATION = /^P?(?:\d+(?:\.\d+)?[YMWD])*(?:T(?:\d+(?:\.\d+)?[HMS])+)?$/i;

/**
 * Props of a {@link CacheConfig}.
 */
export interface CacheConfigProps {
  /**
   * Reuse the result of an earlier successful run of the step with the same arguments.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * How long a cached result stays usable (`ExpireAfter`): a `Duration`, or ISO-8601 text such as `P30D`.
   * @default - cached results do not expire
   */
  readonly expireAfter?: Duration | string;
}

/**
 * Step caching (`CacheConfig`). Local code and data are content-hashed assets, so a cache hit
 * survives redeploys until the content changes.
 */
export class CacheConfig {
  /** Cache results, optionally for a limited time. */
  public static enabled(expireAfter?: Duration | string): CacheConfig {
    return new CacheConfig({ enabled: true, expireAfter });
  }

  /** Whether caching is on. */
  public readonly enabled: boolean;
  /** The `ExpireAfter` text, if any. */
  public readonly expireAfter?: string;

  constructor(props: CacheConfigProps = {}) {
    this.enabled = props.enabled ?? true;
    if (props.expireAfter === undefined) {
      this.expireAfter = undefined;
    } else if (typeof props.expireAfter === 'string') {
      const text = props.expireAfter;
      if (Token.isUnresolved(text) || text.length === 0 || !ISO_DURATION.test(text) || !/\d/.test(text)) {
        throw new Error(`CacheConfig expireAfter must be an ISO-8601 duration such as 'P30D' or 'PT12H'; received '${text}'. Pass a Duration to avoid the text form.`);
      }
      this.expireAfter = text;
    } else {
      this.expireAfter = props.expireAfter.toIsoString();
    }
  }

  /** @internal the `CacheConfig` object */
  public _render(): Record<string, unknown> {
    return { Enabled: this.enabled, ...(this.expireAfter !== undefined ? { ExpireAfter: this.expireAfter } : {}) };
  }
}
