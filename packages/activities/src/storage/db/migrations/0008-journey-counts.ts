import { sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Add `metis_journey_counts()`: the workers' `/metrics` serves journeys by tenant, type and state,
 * and the application role sees no tenant's rows without one set. The function runs with the
 * owner's rights through a SELECT-only policy, as `metis_active_tenant_ids()` does, and returns
 * counts only, never a journey's data.
 */
export function journeyCountsMigration(appRole: string): Migration {
  return {
    async up(db) {
      await sql`create policy journey_counting on journeys for select to current_user using (true)`.execute(db);
      await sql`
        create function metis_journey_counts()
        returns table (tenant_id text, journey_type text, state text, journeys bigint)
        language sql stable security definer set search_path = pg_catalog, public
        as $$ select j.tenant_id, j.journey_type, j.state, count(*) from public.journeys j group by 1, 2, 3 order by 1, 2, 3 $$`.execute(db);
      await sql`revoke all on function metis_journey_counts() from public`.execute(db);
      await sql`grant execute on function metis_journey_counts() to ${sql.id(appRole)}`.execute(db);
    },
    async down(db) {
      await sql`drop function if exists metis_journey_counts()`.execute(db);
      await sql`drop policy if exists journey_counting on journeys`.execute(db);
    },
  };
}
