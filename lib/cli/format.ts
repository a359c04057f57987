import Table from 'cli-table3';

/** A time as `2026-12-05 12:00:01Z` (UTC, seconds), or `-` when unknown. */
export function formatTime(time: Date | undefined): string {
  return time === undefined ? '-' : `${time.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** Seconds between two times (`end` defaults to now), or undefined when `start` is unknown. */
export function seconds(start: Date | undefined, end: Date | undefined, now: Date = new Date()): number | undefined {
  if (start === undefined) {
    return undefined;
  }
  return Math.max(0, Math.round(((end ?? now).getTime() - start.getTime()) / 1000));
}

/** A duration as `45s`, `3m 05s` or `2h 01m`, or `-` when unknown. */
export function formatDuration(total: number | undefined): string {
  if (total === undefined) {
    return '-';
  }
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) {
    return `${h}h ${String(m).padStart(2, '0')}m`;
  }
  return m > 0 ? `${m}m ${String(s).padStart(2, '0')}s` : `${s}s`;
}

/** A table (cli-table3), coloured only on a terminal. */
export function table(head: string[], rows: string[][], color: boolean): string {
  const t = new Table({ head, style: color ? { head: ['cyan'] } : { head: [], border: [] } });
  t.push(...rows);
  return t.toString();
}
