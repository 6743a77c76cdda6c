import { createHash } from 'node:crypto';
import { writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { MetisDatabase } from '../storage/db/schema.ts';
import type { ObjectStore } from '../storage/objects/object-store.ts';
import { withTenant } from '../storage/db/with-tenant.ts';
import { assertTenantId } from '../tenancy/tenant-id.ts';
import { ANALYTICS_TABLES, addDays, analyticsKey, analyticsManifestKey, assertPastOrToday, dayStart } from './analytics-keys.ts';
import type { AnalyticsManifest, AnalyticsTable } from './analytics-keys.ts';
import { sqlString, withDuckDb } from './duckdb.ts';
import type { DuckConnection } from './duckdb.ts';
import { AnalyticsInputError } from './errors.ts';

/** What the export needs: the database (application role, under RLS), the object store and a clock. */
export interface ExportAnalyticsDeps {
  /** The Metis database. */
  readonly db: Kysely<MetisDatabase>;
  /** The object store the Parquet files go to. */
  readonly objects: ObjectStore;
  /** The clock (defaults to the system clock). */
  readonly now?: () => Date;
}

/** Which day to export, and for which tenants (every tenant visible to the database role when omitted). */
export interface ExportAnalyticsInput {
  /** The UTC day, `YYYY-MM-DD`, today or earlier. */
  readonly date: string;
  /** The tenants to export. */
  readonly tenantIds?: readonly string[];
}

/** One object the export wrote. */
export interface ExportedAnalyticsObject {
  /** The object key. */
  readonly key: string;
  /** The tenant whose rows it holds. */
  readonly tenantId: string;
  /** The table it holds. */
  readonly table: AnalyticsTable;
  /** Its row count. */
  readonly rows: number;
}

/** The result of an export: the day and the Parquet objects written. */
export interface ExportAnalyticsResult {
  /** The exported day. */
  readonly date: string;
  /** The Parquet objects written, per tenant and table. */
  readonly objects: ExportedAnalyticsObject[];
}

/** The explicit column list and DuckDB types of each exported table. */
export const ANALYTICS_COLUMNS: Readonly<Record<AnalyticsTable, Readonly<Record<string, string>>>> = {
  events: {
    event_id: 'VARCHAR',
    tenant_id: 'VARCHAR',
    event_type: 'VARCHAR',
    aggregate_type: 'VARCHAR',
    aggregate_id: 'VARCHAR',
    payload: 'JSON',
    created_at: 'TIMESTAMPTZ',
  },
  journey_transitions: {
    transition_id: 'VARCHAR',
    tenant_id: 'VARCHAR',
    journey_id: 'VARCHAR',
    journey_type: 'VARCHAR',
    seq: 'INTEGER',
    config_version: 'VARCHAR',
    from_state: 'VARCHAR',
    to_state: 'VARCHAR',
    event_type: 'VARCHAR',
    actor: 'VARCHAR',
    at: 'TIMESTAMPTZ',
  },
  loan_decisions: {
    application_id: 'VARCHAR',
    tenant_id: 'VARCHAR',
    workflow_id: 'VARCHAR',
    status: 'VARCHAR',
    amount: 'DOUBLE',
    outcome: 'VARCHAR',
    decided_by: 'VARCHAR',
    approved_amount: 'DOUBLE',
    created_at: 'TIMESTAMPTZ',
    decided_at: 'TIMESTAMPTZ',
    time_to_decision_ms: 'BIGINT',
  },
};

type Row = Record<string, unknown>;

const iso = (value: Date | string): string => new Date(value).toISOString();
const numberOrNull = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : null);
const stringOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);

// One tenant's rows of the day, read in one transaction under row-level security.
async function readDay(db: Kysely<MetisDatabase>, tenantId: string, date: string): Promise<Record<AnalyticsTable, Row[]> & { eventIds: string[] }> {
  const start = dayStart(date);
  const end = dayStart(addDays(date, 1));
  return withTenant(db, tenantId, async (trx) => {
    const tenant = await trx.selectFrom('tenants').select('tenant_id').where('tenant_id', '=', tenantId).executeTakeFirst();
    if (tenant === undefined) throw new AnalyticsInputError('ANALYTICS_TENANT_UNKNOWN', `unknown tenant ${tenantId}`, { hint: 'Create the tenant first or pass an existing tenant id' });
    const events = await trx
      .selectFrom('events')
      .select(['event_id', 'tenant_id', 'event_type', 'aggregate_type', 'aggregate_id', 'payload', 'created_at'])
      // Row-level security keeps the tenant's rows; the filter keeps them under a role that bypasses it too.
      .where('tenant_id', '=', tenantId)
      .where('created_at', '>=', start)
      .where('created_at', '<', end)
      .orderBy('created_at')
      .orderBy('event_id')
      .execute();
    const transitions = await trx
      .selectFrom('journey_transitions as t')
      .leftJoin('journeys as j', (join) => join.onRef('j.tenant_id', '=', 't.tenant_id').onRef('j.journey_id', '=', 't.journey_id'))
      .select(['t.transition_id', 't.tenant_id', 't.journey_id', 'j.journey_type', 't.seq', 't.config_version', 't.from_state', 't.to_state', 't.event_type', 't.actor', 't.at'])
      .where('t.tenant_id', '=', tenantId)
      .where('t.at', '>=', start)
      .where('t.at', '<', end)
      .orderBy('t.at')
      .orderBy('t.journey_id')
      .orderBy('t.seq')
      .execute();
    const loans = await trx
      .selectFrom('loan_applications')
      .select(['application_id', 'tenant_id', 'workflow_id', 'status', 'amount', 'decision', 'created_at', 'decided_at'])
      .where('tenant_id', '=', tenantId)
      .where('decided_at', '>=', start)
      .where('decided_at', '<', end)
      .orderBy('decided_at')
      .orderBy('application_id')
      .execute();
    return {
      eventIds: events.map((e) => e.event_id),
      events: events.map((e) => ({ ...e, created_at: iso(e.created_at) })),
      journey_transitions: transitions.map((t) => ({ ...t, journey_type: t.journey_type ?? 'unknown', at: iso(t.at) })),
      loan_decisions: loans.map((l) => {
        const decision = l.decision ?? {};
        const createdAt = new Date(l.created_at);
        const decidedAt = new Date(l.decided_at ?? l.created_at);
        return {
          application_id: l.application_id,
          tenant_id: l.tenant_id,
          workflow_id: l.workflow_id,
          status: l.status,
          amount: numberOrNull(l.amount),
          outcome: stringOrNull(decision['outcome']),
          decided_by: stringOrNull(decision['decidedBy']),
          approved_amount: numberOrNull(decision['approvedAmount']),
          created_at: createdAt.toISOString(),
          decided_at: decidedAt.toISOString(),
          time_to_decision_ms: decidedAt.getTime() - createdAt.getTime(),
        };
      }),
    };
  });
}

/** Write rows to a Parquet file with the table's explicit schema (zero rows still get the schema) and return its bytes. */
export async function writeParquet(connection: DuckConnection, dir: string, table: AnalyticsTable, rows: readonly Row[]): Promise<Uint8Array> {
  const columns = ANALYTICS_COLUMNS[table];
  const names = Object.keys(columns);
  const source = join(dir, `${table}.ndjson`);
  const target = join(dir, `${table}.parquet`);
  await writeFile(source, rows.map((row) => JSON.stringify(Object.fromEntries(names.map((name) => [name, row[name] ?? null])))).join('\n'));
  const spec = names.map((name) => `"${name}": ${sqlString(columns[name] ?? 'VARCHAR')}`).join(', ');
  const select = names.map((name) => `"${name}"`).join(', ');
  await connection.run(
    `copy (select ${select} from read_json(${sqlString(source)}, format = 'newline_delimited', columns = {${spec}})) to ${sqlString(target)} (format parquet, compression zstd)`,
  );
  return new Uint8Array(await readFile(target));
}

// Every active tenant, through the owner's listing function (migration 0007): the application
// role sees no tenant row without one set.
async function activeTenants(db: Kysely<MetisDatabase>): Promise<string[]> {
  const { rows } = await sql<{ tenant_id: string }>`select tenant_id from metis_active_tenant_ids()`.execute(db);
  return rows.map((r) => r.tenant_id);
}

/**
 * Export one UTC day of each tenant's events, journey transitions and loan decisions to Parquet,
 * then the day's manifest, then mark the exported events published; re-running rewrites the same objects.
 */
export async function exportAnalyticsDay(deps: ExportAnalyticsDeps, input: ExportAnalyticsInput): Promise<ExportAnalyticsResult> {
  const now = deps.now ?? (() => new Date());
  assertPastOrToday(input.date, now());
  const tenantIds = input.tenantIds === undefined ? await activeTenants(deps.db) : [...new Set(input.tenantIds)];
  for (const tenantId of tenantIds) assertTenantId(tenantId);
  const objects: ExportedAnalyticsObject[] = [];
  await withDuckDb(async (connection, dir) => {
    for (const tenantId of tenantIds) {
      const day = await readDay(deps.db, tenantId, input.date);
      const rows = { events: 0, journey_transitions: 0, loan_decisions: 0 } satisfies Record<AnalyticsTable, number>;
      const sha256 = { events: '', journey_transitions: '', loan_decisions: '' } satisfies Record<AnalyticsTable, string>;
      for (const table of ANALYTICS_TABLES) {
        const bytes = await writeParquet(connection, dir, table, day[table]);
        const key = analyticsKey(tenantId, input.date, table);
        await deps.objects.put(key, bytes, { contentType: 'application/vnd.apache.parquet' });
        rows[table] = day[table].length;
        sha256[table] = createHash('sha256').update(bytes).digest('hex');
        objects.push({ key, tenantId, table, rows: day[table].length });
      }
      const manifest: AnalyticsManifest = { date: input.date, tenantId, exportedAt: now().toISOString(), rows, sha256 };
      await deps.objects.put(analyticsManifestKey(tenantId, input.date), new TextEncoder().encode(JSON.stringify(manifest)), { contentType: 'application/json' });
      await markPublished(deps.db, tenantId, day.eventIds, now());
    }
  });
  return { date: input.date, objects };
}

// Set `published_at` on the exported events that had none, in chunks.
async function markPublished(db: Kysely<MetisDatabase>, tenantId: string, eventIds: readonly string[], at: Date): Promise<void> {
  if (eventIds.length === 0) return;
  await withTenant(db, tenantId, async (trx) => {
    for (let i = 0; i < eventIds.length; i += 1000) {
      await trx.updateTable('events').set({ published_at: at }).where('event_id', 'in', eventIds.slice(i, i + 1000)).where('published_at', 'is', null).execute();
    }
  });
}
