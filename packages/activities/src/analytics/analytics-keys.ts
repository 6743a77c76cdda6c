import { tenantPrefix } from '../storage/objects/object-keys.ts';
import { AnalyticsInputError } from './errors.ts';

/** The tables exported for each tenant and day, one Parquet file each. */
export const ANALYTICS_TABLES = ['events', 'journey_transitions', 'loan_decisions'] as const;

/** One exported table's name. */
export type AnalyticsTable = (typeof ANALYTICS_TABLES)[number];

/** The per-day manifest, written after the day's Parquet files: a day without one was never exported. */
export interface AnalyticsManifest {
  /** The exported UTC day, `YYYY-MM-DD`. */
  readonly date: string;
  /** The tenant whose rows the files hold. */
  readonly tenantId: string;
  /** When the export ran (ISO 8601). */
  readonly exportedAt: string;
  /** Rows written to each table's file. */
  readonly rows: Readonly<Record<AnalyticsTable, number>>;
  /** SHA-256 (hex) of each table's file as written: a reader mixing two exports of the day notices. */
  readonly sha256?: Readonly<Record<AnalyticsTable, string>>;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Throw `ANALYTICS_DATE_INVALID` unless the value is a real calendar date written `YYYY-MM-DD`. */
export function assertAnalyticsDate(value: unknown): asserts value is string {
  const match = typeof value === 'string' ? DATE.exec(value) : null;
  const [year, month, day] = match === null ? [NaN, NaN, NaN] : [Number(match[1]), Number(match[2]), Number(match[3])];
  const parsed = new Date(Date.UTC(year, month - 1, day));
  if (match === null || parsed.getUTCFullYear() !== year || parsed.getUTCMonth() !== month - 1 || parsed.getUTCDate() !== day) {
    throw new AnalyticsInputError('ANALYTICS_DATE_INVALID', `invalid date ${JSON.stringify(value)}`, { hint: 'Use a calendar date written YYYY-MM-DD' });
  }
}

/** Throw `ANALYTICS_DATE_INVALID` when the date is malformed or after today (UTC). */
export function assertPastOrToday(date: string, now: Date): void {
  assertAnalyticsDate(date);
  if (date > now.toISOString().slice(0, 10)) {
    throw new AnalyticsInputError('ANALYTICS_DATE_INVALID', `date ${date} is in the future`, { hint: 'Use today (UTC) or an earlier day' });
  }
}

/** Return the UTC start of a `YYYY-MM-DD` day. */
export function dayStart(date: string): Date {
  assertAnalyticsDate(date);
  return new Date(`${date}T00:00:00.000Z`);
}

/** Return the day `days` after a `YYYY-MM-DD` day. */
export function addDays(date: string, days: number): string {
  return new Date(dayStart(date).getTime() + days * DAY_MS).toISOString().slice(0, 10);
}

/** Return every day from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): string[] {
  const count = Math.round((dayStart(to).getTime() - dayStart(from).getTime()) / DAY_MS) + 1;
  return Array.from({ length: Math.max(count, 0) }, (_, i) => addDays(from, i));
}

/** Return the prefix of a tenant's analytics objects. */
export function analyticsPrefix(tenantId: string): string {
  return `${tenantPrefix(tenantId)}analytics/`;
}

/** Return the prefix of one tenant's day: `tenants/{t}/analytics/date={d}/tenant={t}/`. */
export function analyticsDayPrefix(tenantId: string, date: string): string {
  assertAnalyticsDate(date);
  return `${analyticsPrefix(tenantId)}date=${date}/tenant=${tenantId}/`;
}

/** Return the object key of one table's Parquet file for a tenant and day. */
export function analyticsKey(tenantId: string, date: string, table: AnalyticsTable): string {
  if (!(ANALYTICS_TABLES as readonly string[]).includes(table)) throw new TypeError(`unknown analytics table ${JSON.stringify(table)}`);
  return `${analyticsDayPrefix(tenantId, date)}${table}.parquet`;
}

/** Return the object key of a tenant's per-day manifest. */
export function analyticsManifestKey(tenantId: string, date: string): string {
  return `${analyticsDayPrefix(tenantId, date)}_manifest.json`;
}
