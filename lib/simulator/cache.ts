import type { SimulatedStep, SimulationTrace } from './trace';
import { isObject } from '../validator/context';

/** JSON text of `value` with object keys sorted, so that equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(',')}]`;
  }
  if (isObject(value)) {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const UNIT_SECONDS: Record<string, number> = { Y: 365 * 86400, W: 7 * 86400, D: 86400, H: 3600, S: 1 };

/**
 * Seconds in an ISO-8601 duration as `CacheConfig.ExpireAfter` takes it (`P30D`, `PT1H`, also the
 * lenient forms the SDK documents: `p30d`, `T12H`); a month counts 30 days, a year 365. Undefined
 * when the text is not a duration.
 */
export function durationSeconds(text: string): number | undefined {
  const m = /^P?(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(text.trim());
  if (m === null || !/\d/.test(text)) {
    return undefined;
  }
  const [, y, mo, w, d, h, mi, s] = m.map((x) => (x === undefined ? 0 : Number(x)));
  return y * UNIT_SECONDS.Y + mo * 30 * 86400 + w * UNIT_SECONDS.W + d * UNIT_SECONDS.D + h * UNIT_SECONDS.H + mi * 60 + s * UNIT_SECONDS.S;
}

/**
 * The step of an earlier execution whose results the service would reuse for `step`: caching is
 * enabled, the earlier step of the same name and type succeeded (or was itself a cache hit) with the
 * same resolved arguments, and this execution starts within `ExpireAfter` of the earlier one.
 */
export function cachedStep(
  cacheConfig: unknown, name: string, type: string, args: unknown, startDateTime: string, previous: SimulationTrace | undefined,
): SimulatedStep | undefined {
  if (previous === undefined || !isObject(cacheConfig) || cacheConfig.Enabled !== true) {
    return undefined;
  }
  const earlier = previous.steps.find((s) => s.name === name);
  if (earlier === undefined || earlier.type !== type || (earlier.status !== 'Succeeded' && earlier.status !== 'CacheHit')) {
    return undefined;
  }
  if (canonicalJson(earlier.arguments) !== canonicalJson(args)) {
    return undefined;
  }
  if (typeof cacheConfig.ExpireAfter === 'string') {
    const ttl = durationSeconds(cacheConfig.ExpireAfter);
    const then = Date.parse(previous.executionVariables.StartDateTime ?? '');
    const now = Date.parse(startDateTime);
    if (ttl !== undefined && Number.isFinite(then) && Number.isFinite(now) && (now - then) / 1000 > ttl) {
      return undefined;
    }
  }
  return earlier;
}
