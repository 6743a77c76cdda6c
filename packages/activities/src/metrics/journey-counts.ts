import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { MetisDatabase } from '../storage/db/schema.ts';
import type { Metrics } from './metrics.ts';

/**
 * Set `metis_journeys{tenant,type,state}` from PostgreSQL: counts only, for every tenant, through
 * the owner's `metis_journey_counts()` (migration 0008), as the application role sees no tenant's
 * rows without one set.
 */
export async function collectJourneyCounts(db: Kysely<MetisDatabase>, metrics: Metrics): Promise<void> {
  const { rows } = await sql<{ tenant_id: string; journey_type: string; state: string; journeys: string | number }>`
    select tenant_id, journey_type, state, journeys from metis_journey_counts()`.execute(db);
  for (const r of rows) metrics.gauge('metis_journeys', Number(r.journeys), { tenant: r.tenant_id, type: r.journey_type, state: r.state });
}
