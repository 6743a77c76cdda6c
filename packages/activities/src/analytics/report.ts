import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ObjectNotFoundError } from '../errors.ts';
import type { ObjectStore } from '../storage/objects/object-store.ts';
import { assertTenantId } from '../tenancy/tenant-id.ts';
import { ANALYTICS_TABLES, analyticsKey, analyticsManifestKey, analyticsPrefix, assertPastOrToday, daysBetween } from './analytics-keys.ts';
import type { AnalyticsManifest, AnalyticsTable } from './analytics-keys.ts';
import { duckTimestampToIso, sqlString, withDuckDb } from './duckdb.ts';
import type { DuckConnection } from './duckdb.ts';
import { AnalyticsInputError } from './errors.ts';
import { DECISIONS_SQL, EVENTS_BY_TYPE_SQL, FUNNEL_SQL, PROVIDER_HEALTH_SQL } from './report-sql.ts';

/** The longest day range one report reads. */
export const MAX_REPORT_DAYS = 366;

/** What the report needs: the object store holding the exported files. */
export interface AnalyticsReportDeps {
  /** The object store. */
  readonly objects: ObjectStore;
  /** The clock (defaults to the system clock), to refuse future days. */
  readonly now?: () => Date;
}

/** Which tenant and days to report on. */
export interface AnalyticsReportInput {
  /** The tenant. */
  readonly tenantId: string;
  /** The first day, `YYYY-MM-DD`. */
  readonly from: string;
  /** The last day, included (defaults to `from`). */
  readonly to?: string;
}

/** One state of a journey funnel. */
export interface FunnelStep {
  /** The journey type. */
  readonly journeyType: string;
  /** The state. */
  readonly state: string;
  /** Transitions into the state. */
  readonly entries: number;
  /** Transitions out of the state. */
  readonly exits: number;
  /** Entries minus exits: journeys that stopped there. */
  readonly dropOff: number;
}

/** Loan decisions per outcome and their rates (0 when there are none). */
export interface DecisionStats {
  /** Decisions in the range. */
  readonly total: number;
  /** Approvals. */
  readonly approve: number;
  /** Rejections. */
  readonly reject: number;
  /** Referrals to manual review. */
  readonly manualReview: number;
  /** Approvals over the total. */
  readonly approvalRate: number;
  /** Rejections over the total. */
  readonly rejectionRate: number;
  /** Manual reviews over the total. */
  readonly reviewRate: number;
}

/** One period during which a provider was unhealthy. */
export interface ProviderHealthPeriod {
  /** The provider, as named in the event type. */
  readonly provider: string;
  /** When it became unhealthy (ISO 8601). */
  readonly unhealthyAt: string;
  /** When it recovered, or null when it had not by the range's end. */
  readonly healthyAt: string | null;
}

/** A tenant's analytics over a day range, read from its exported Parquet files only. */
export interface AnalyticsReport {
  /** The tenant. */
  readonly tenantId: string;
  /** The first day. */
  readonly from: string;
  /** The last day. */
  readonly to: string;
  /** Every day read. */
  readonly days: string[];
  /** The tenant's events in the range. */
  readonly events: number;
  /** Those events per type. */
  readonly eventsByType: Record<string, number>;
  /** Entries, exits and drop-off per journey type and state. */
  readonly funnel: FunnelStep[];
  /** Loan decisions per outcome. */
  readonly decisions: DecisionStats;
  /** Time from application to decision in ms (to the microsecond), or null without decisions. */
  readonly timeToDecisionMs: { readonly p50: number; readonly p95: number } | null;
  /** Provider unhealthy periods. */
  readonly providerHealth: ProviderHealthPeriod[];
}

const num = (value: unknown): number => (typeof value === 'number' ? value : Number(value ?? 0));
const rate = (part: number, total: number): number => (total === 0 ? 0 : part / total);
// Quantiles to the microsecond, so linear interpolation's float noise (8949.999999999998) reads 8950.
const micros = (ms: unknown): number => Math.round(num(ms) * 1000) / 1000;

function corrupt(key: string, reason: string, cause?: unknown): AnalyticsInputError {
  return new AnalyticsInputError('ANALYTICS_FILE_CORRUPT', `analytics object ${key} is corrupt: ${reason}`, { hint: 'Re-export that day', cause });
}

// The day's manifest, or ANALYTICS_DAY_MISSING when the day was never (completely) exported.
async function readManifest(objects: ObjectStore, tenantId: string, date: string): Promise<AnalyticsManifest> {
  const key = analyticsManifestKey(tenantId, date);
  let bytes: Uint8Array;
  try {
    bytes = await objects.get(key);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) {
      throw new AnalyticsInputError('ANALYTICS_DAY_MISSING', `no analytics export of ${date} for tenant ${tenantId}`, { hint: `Export the day first (exportAnalyticsDay for ${date})` });
    }
    throw error;
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw corrupt(key, 'not JSON', error);
  }
  const m = manifest as Partial<AnalyticsManifest> | null;
  if (m === null || typeof m !== 'object' || m.date !== date || m.tenantId !== tenantId || typeof m.rows !== 'object' || m.rows === null) throw corrupt(key, 'not a manifest of this tenant and day');
  return m as AnalyticsManifest;
}

// Download one table file and check DuckDB reads it with the manifest's row count.
async function fetchTable(connection: DuckConnection, objects: ObjectStore, dir: string, manifest: AnalyticsManifest, table: AnalyticsTable): Promise<string> {
  const key = analyticsKey(manifest.tenantId, manifest.date, table);
  let bytes: Uint8Array;
  try {
    bytes = await objects.get(key);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) throw corrupt(key, 'the object is missing though the day has a manifest', error);
    throw error;
  }
  const expected = manifest.sha256?.[table];
  if (expected !== undefined && createHash('sha256').update(bytes).digest('hex') !== expected) {
    throw corrupt(key, 'its content is not the file the manifest lists (a re-export of the day may be under way: report again once it has finished)');
  }
  const path = join(dir, `${manifest.date}-${table}.parquet`);
  await writeFile(path, bytes);
  let rows: number;
  try {
    const result = await connection.runAndReadAll(`select cast(count(*) as integer) as n from read_parquet(${sqlString(path)})`);
    rows = num(result.getRowObjectsJson()[0]?.['n']);
  } catch (error) {
    throw corrupt(key, error instanceof Error ? (error.message.split('\n')[0] ?? 'unreadable') : 'unreadable', error);
  }
  if (rows !== manifest.rows[table]) throw corrupt(key, `${rows} rows where the manifest says ${manifest.rows[table]}`);
  return path;
}

/** Build a tenant's analytics report for a day range from that tenant's exported Parquet files only. */
export async function analyticsReport(deps: AnalyticsReportDeps, input: AnalyticsReportInput): Promise<AnalyticsReport> {
  const { tenantId, from } = input;
  const to = input.to ?? from;
  assertTenantId(tenantId);
  const now = (deps.now ?? (() => new Date()))();
  assertPastOrToday(from, now);
  assertPastOrToday(to, now);
  if (to < from) throw new AnalyticsInputError('ANALYTICS_DATE_INVALID', `day range ${from}..${to} ends before it starts`);
  const days = daysBetween(from, to);
  if (days.length > MAX_REPORT_DAYS) throw new AnalyticsInputError('ANALYTICS_DATE_INVALID', `day range ${from}..${to} spans ${days.length} days`, { hint: `Ask for at most ${MAX_REPORT_DAYS} days` });
  const exported = await deps.objects.list(analyticsPrefix(tenantId));
  if (exported.length === 0) throw new AnalyticsInputError('ANALYTICS_TENANT_UNKNOWN', `no analytics exported for tenant ${tenantId}`, { hint: 'Check the tenant id, or export a day first' });
  const manifests: AnalyticsManifest[] = [];
  for (const day of days) manifests.push(await readManifest(deps.objects, tenantId, day));

  return withDuckDb(async (connection, dir) => {
    for (const table of ANALYTICS_TABLES) {
      const paths: string[] = [];
      for (const manifest of manifests) paths.push(await fetchTable(connection, deps.objects, dir, manifest, table));
      await connection.run(`create view ${table} as select * from read_parquet([${paths.map(sqlString).join(', ')}], union_by_name = true) where tenant_id = ${sqlString(tenantId)}`);
    }
    const read = async (sql: string): Promise<Record<string, unknown>[]> => (await connection.runAndReadAll(sql)).getRowObjectsJson();
    const eventsByType: Record<string, number> = {};
    for (const row of await read(EVENTS_BY_TYPE_SQL)) eventsByType[String(row['event_type'])] = num(row['n']);
    const funnel = (await read(FUNNEL_SQL)).map((row) => ({
      journeyType: String(row['journey_type']),
      state: String(row['state']),
      entries: num(row['entries']),
      exits: num(row['exits']),
      dropOff: num(row['drop_off']),
    }));
    const d = (await read(DECISIONS_SQL))[0] ?? {};
    const total = num(d['total']);
    const [approve, reject, manualReview] = [num(d['approve']), num(d['reject']), num(d['manual_review'])];
    const providerHealth = (await read(PROVIDER_HEALTH_SQL)).map((row) => ({
      provider: String(row['provider']),
      unhealthyAt: duckTimestampToIso(row['unhealthy_at']) ?? '',
      healthyAt: duckTimestampToIso(row['healthy_at']),
    }));
    return {
      tenantId,
      from,
      to,
      days,
      events: Object.values(eventsByType).reduce((sum, n) => sum + n, 0),
      eventsByType,
      funnel,
      decisions: { total, approve, reject, manualReview, approvalRate: rate(approve, total), rejectionRate: rate(reject, total), reviewRate: rate(manualReview, total) },
      timeToDecisionMs: total === 0 ? null : { p50: micros(d['p50_ms']), p95: micros(d['p95_ms']) },
      providerHealth,
    };
  });
}
