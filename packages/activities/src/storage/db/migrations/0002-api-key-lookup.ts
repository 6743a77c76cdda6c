import { sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Add `metis_resolve_api_key(hash)`: the one query that must cross tenants (finding whose key a
 * caller presents before any tenant is known). It runs with the owner's rights; since FORCE ROW
 * LEVEL SECURITY binds the owner too, a SELECT-only policy lets the owner role read `api_keys`.
 * The application role gets only the function, which returns the tenant and key id of a live key.
 */
export function apiKeyLookupMigration(appRole: string): Migration {
  return {
    async up(db) {
      await sql`create policy api_key_lookup on api_keys for select to current_user using (true)`.execute(db);
      await sql`
        create function metis_resolve_api_key(p_key_hash text)
        returns table (tenant_id text, key_id text, scopes text[])
        language sql stable security definer set search_path = pg_catalog, public
        as $$
          select k.tenant_id, k.key_id, k.scopes from public.api_keys k
          where k.key_hash = p_key_hash and k.revoked_at is null
        $$`.execute(db);
      await sql`revoke all on function metis_resolve_api_key(text) from public`.execute(db);
      await sql`grant execute on function metis_resolve_api_key(text) to ${sql.id(appRole)}`.execute(db);
    },
    async down(db) {
      await sql`drop function if exists metis_resolve_api_key(text)`.execute(db);
      await sql`drop policy if exists api_key_lookup on api_keys`.execute(db);
    },
  };
}
