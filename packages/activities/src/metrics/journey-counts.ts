import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { MetisDatabase } from '../storage/db/schema.ts';
import type { Metrics } from './metrics.ts';

/** How long the count may run before PostgreSQL cancels it (a scrape must not hold a connection the activities need). */
export const JOURNEY_COUNTS_TIMEOUT_MS = 2_000;

/**
 * Set `metis_journeys{tenant,type,state}` from PostgreSQL: counts only, for every tenant, through
 * the owner's `metis_journey_counts()` (migration 0008), as the application role sees no tenant's
 * rows without one set. The query runs in a transaction of its own with `statement_timeout` set
 * (default `JOURNEY_COUNTS_TIMEOUT_MS`), so a slow count fails instead of holding its connection.
 */
export async function collectJourneyCounts(db: Kysely<MetisDatabase>, metrics: Metrics, options: { readonly timeoutMs?: number } = {}): Promise<void> {
  const timeoutMs = Math.max(1, Math.floor(options.timeoutMs ?? JOURNEY_COUNTS_TIMEOUT_MS));
  const rows = await db.transaction().execute(async (trx) => {
    await sql`select set_config('statement_timeout', ${String(timeoutMs)}, true)`.execute(trx);
    const result = await sql<{ tenant_id: string; journey_type: string; state: string; journeys: string | number }>`
      select tenant_id, journey_type, state, journeys from metis_journey_counts()`.execute(trx);
    return result.rows;
  });
  for (const r of rows) metrics.gauge('metis_journeys', Number(r.journeys), { tenant: r.tenant_id, type: r.journey_type, state: r.state });
}
