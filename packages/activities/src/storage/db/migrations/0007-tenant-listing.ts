import { sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Add `metis_active_tenant_ids()`: the platform's daily jobs (the analytics export) run for every
 * active tenant, and the application role sees no tenant without one set. The function runs with
 * the owner's rights through a SELECT-only policy, as `metis_resolve_api_key` does, and returns
 * ids only: each tenant's rows are then read under its own row-level security.
 */
export function tenantListingMigration(appRole: string): Migration {
  return {
    async up(db) {
      await sql`create policy tenant_listing on tenants for select to current_user using (true)`.execute(db);
      await sql`
        create function metis_active_tenant_ids()
        returns table (tenant_id text)
        language sql stable security definer set search_path = pg_catalog, public
        as $$ select t.tenant_id from public.tenants t where t.status = 'active' order by t.tenant_id $$`.execute(db);
      await sql`revoke all on function metis_active_tenant_ids() from public`.execute(db);
      await sql`grant execute on function metis_active_tenant_ids() to ${sql.id(appRole)}`.execute(db);
    },
    async down(db) {
      await sql`drop function if exists metis_active_tenant_ids()`.execute(db);
      await sql`drop policy if exists tenant_listing on tenants`.execute(db);
    },
  };
}
