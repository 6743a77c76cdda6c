import { sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Add `metis_record_journey_transition(jsonb)`: a journey step's audit row, projection and outbox
 * events in one call, so the write a step waits for is one round trip instead of a six-statement
 * transaction. It runs with the caller's rights: it sets the tenant for this transaction only, and
 * row-level security checks every row it writes. It returns whether the transition was a repeat.
 */
export function journeyTransitionFunctionMigration(appRole: string): Migration {
  return {
    async up(db) {
      await sql`
        create function metis_record_journey_transition(p jsonb)
        returns boolean
        language plpgsql volatile security invoker set search_path = pg_catalog, public
        as $$
        declare
          v_tenant text := p->>'tenant_id';
          v_journey text := p->>'journey_id';
          v_seq integer := (p->>'seq')::integer;
          v_inserted uuid;
        begin
          perform set_config('app.current_tenant', v_tenant, true);
          -- The projection first (the audit row references it); it only ever moves forward.
          insert into journeys as j (tenant_id, journey_id, journey_type, applicant_id, workflow_id, config_version, state, status, last_seq)
          values (v_tenant, v_journey, p->>'journey_type', p->>'applicant_id', p->>'workflow_id', p->>'config_version', p->>'to_state', p->>'status', v_seq)
          on conflict (tenant_id, journey_id) do update
            set state = excluded.state, status = excluded.status, config_version = excluded.config_version, last_seq = excluded.last_seq, updated_at = now()
            where j.last_seq < excluded.last_seq;
          insert into journey_transitions (tenant_id, journey_id, from_state, to_state, event_type, actor, data_hash, idempotency_key)
          values (v_tenant, v_journey, p->>'from_state', p->>'to_state', p->>'event_type', p->>'actor', p->>'data_hash', p->>'idempotency_key')
          on conflict (tenant_id, idempotency_key) do nothing
          returning transition_id into v_inserted;
          -- A repeat inserts no events either: theirs are keyed by the transition's key.
          insert into events (tenant_id, event_type, aggregate_type, aggregate_id, payload, idempotency_key)
          select v_tenant, e->>'event_type', 'journey', v_journey, e->'payload', e->>'idempotency_key'
          from jsonb_array_elements(coalesce(p->'events', '[]'::jsonb)) as e
          on conflict (tenant_id, idempotency_key) do nothing;
          return v_inserted is null;
        end
        $$`.execute(db);
      await sql`revoke all on function metis_record_journey_transition(jsonb) from public`.execute(db);
      await sql`grant execute on function metis_record_journey_transition(jsonb) to ${sql.id(appRole)}`.execute(db);
    },
    async down(db) {
      await sql`drop function if exists metis_record_journey_transition(jsonb)`.execute(db);
    },
  };
}
