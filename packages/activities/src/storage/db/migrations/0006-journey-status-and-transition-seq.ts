import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { journeyTransitionFunctionMigration } from './0005-journey-transition-function.ts';

/**
 * Run `work` on every tenant's rows of `tables`. FORCE ROW LEVEL SECURITY binds the owner too, so
 * a backfill as the owner would see no rows; the tables stop forcing it for the migration's
 * transaction only and force it again before returning.
 *
 * No try/finally is needed for a failing statement: kysely's Migrator (0.29, `#runMigrations`)
 * runs PostgreSQL migrations inside `db.transaction()` (the adapter supports transactional DDL and
 * createMigrator does not set `disableTransactions`), and `#migrateUp` rethrows a failing
 * migration's error inside that transaction, so PostgreSQL rolls the NO FORCE back with the rest. No other
 * session ever sees the tables unforced. (A finally could not help anyway: after a failed statement
 * the transaction is aborted and refuses the ALTER.) migrations.test.ts checks that a failed 0006
 * leaves the tables forced.
 */
async function acrossTenants(db: Kysely<unknown>, tables: readonly string[], work: () => Promise<void>): Promise<void> {
  for (const table of tables) await sql`alter table ${sql.id(table)} no force row level security`.execute(db);
  await work();
  for (const table of tables) await sql`alter table ${sql.id(table)} force row level security`.execute(db);
}

/** Rename a finished journey's status from `from` to `to` (`completed` → `done` up, back down): existing rows and the CHECK constraint. */
async function renameDoneStatus(db: Kysely<unknown>, from: 'completed' | 'done', to: 'completed' | 'done'): Promise<void> {
  await sql`alter table journeys drop constraint journeys_status_check`.execute(db);
  await acrossTenants(db, ['journeys'], async () => {
    await sql`update journeys set status = ${to} where status = ${from}`.execute(db);
  });
  await sql`alter table journeys add constraint journeys_status_check check (status in ('active', ${sql.lit(to)}, 'failed'))`.execute(db);
}

// The step count in a JOURNEY_MIGRATED event's key, `{workflow}:{run}:{steps}:migrate:{version}`:
// the transitions up to it ran under the event's `from` version.
const MIGRATED_AT_STEP = sql`substring(m.idempotency_key from '^.*:([0-9]{1,9}):migrate:')::integer`;

/**
 * Fill `seq` and `config_version` of the transitions written before they were columns:
 * - `seq` from the transition's own outbox events, which carry it in their payload (their keys are
 *   `{transition key}:{i}:{type}`); else from the transition key, `{workflow}:{run}:{seq}`; else,
 *   for rows written some other way, from their order in the journey.
 * - `config_version` from the journey's JOURNEY_MIGRATED events (a transition before a migration
 *   ran under its `from` version), else the journey's current version.
 */
async function backfillTransitions(db: Kysely<unknown>): Promise<void> {
  await sql`
    update journey_transitions t set seq = s.seq
    from (
      select e.tenant_id, e.aggregate_id, regexp_replace(e.idempotency_key, ':[0-9]+:[A-Z0-9_]+$', '') as transition_key, min((e.payload->>'seq')::integer) as seq
      from events e
      where e.aggregate_type = 'journey' and jsonb_typeof(e.payload->'seq') = 'number' and e.payload->>'seq' ~ '^[0-9]{1,9}$'
      group by 1, 2, 3
    ) s
    where s.tenant_id = t.tenant_id and s.aggregate_id = t.journey_id and s.transition_key = t.idempotency_key`.execute(db);
  await sql`
    update journey_transitions set seq = substring(idempotency_key from ':([0-9]{1,9})$')::integer
    where seq is null and idempotency_key ~ ':[0-9]{1,9}$'`.execute(db);
  await sql`
    update journey_transitions t set seq = n.seq
    from (select tenant_id, transition_id, row_number() over (partition by tenant_id, journey_id order by at, transition_id) as seq from journey_transitions) n
    where t.seq is null and n.tenant_id = t.tenant_id and n.transition_id = t.transition_id`.execute(db);
  await sql`
    do $$
    declare
      v record;
    begin
      select tenant_id, journey_id, seq into v from journey_transitions group by 1, 2, 3 having count(*) > 1 limit 1;
      if found then
        raise exception 'journey % of tenant % has two transitions with seq %: fix them before migrating', v.journey_id, v.tenant_id, v.seq;
      end if;
    end
    $$`.execute(db);
  await sql`
    update journey_transitions t set config_version = coalesce(
      (select m.payload->>'from' from events m
        where m.tenant_id = t.tenant_id and m.event_type = 'JOURNEY_MIGRATED' and m.aggregate_type = 'journey' and m.aggregate_id = t.journey_id
          and coalesce(${MIGRATED_AT_STEP} >= t.seq, m.created_at >= t.at)
        order by ${MIGRATED_AT_STEP} nulls last, m.created_at
        limit 1),
      j.config_version)
    from journeys j
    where j.tenant_id = t.tenant_id and j.journey_id = t.journey_id`.execute(db);
}

/**
 * The 0005 function, writing `seq` and `config_version` into the audit row. During a rolling
 * upgrade, workers still running the code from before 0006 send the old word for a finished
 * journey, `completed`: the function stores it as `done`, so their writes keep passing the
 * (strict) status CHECK.
 */
async function recordTransitionWithSeq(db: Kysely<unknown>): Promise<void> {
  // `create or replace` keeps the owner, the revoke from public and the app role's grant of 0005.
  await sql`
    create or replace function metis_record_journey_transition(p jsonb)
    returns boolean
    language plpgsql volatile security invoker set search_path = pg_catalog, public
    as $$
    declare
      v_tenant text := p->>'tenant_id';
      v_journey text := p->>'journey_id';
      v_seq integer := (p->>'seq')::integer;
      -- Workers from before 0006 say completed for done.
      v_status text := case p->>'status' when 'completed' then 'done' else p->>'status' end;
      v_inserted uuid;
    begin
      perform set_config('app.current_tenant', v_tenant, true);
      -- The projection first (the audit row references it); it only ever moves forward.
      insert into journeys as j (tenant_id, journey_id, journey_type, applicant_id, workflow_id, config_version, state, status, last_seq)
      values (v_tenant, v_journey, p->>'journey_type', p->>'applicant_id', p->>'workflow_id', p->>'config_version', p->>'to_state', v_status, v_seq)
      on conflict (tenant_id, journey_id) do update
        set state = excluded.state, status = excluded.status, config_version = excluded.config_version, last_seq = excluded.last_seq, updated_at = now()
        where j.last_seq < excluded.last_seq;
      -- A repeat of the key stores nothing; another transition with the same seq fails on the
      -- (tenant_id, journey_id, seq) index.
      insert into journey_transitions (tenant_id, journey_id, seq, config_version, from_state, to_state, event_type, actor, data_hash, idempotency_key)
      values (v_tenant, v_journey, v_seq, p->>'config_version', p->>'from_state', p->>'to_state', p->>'event_type', p->>'actor', p->>'data_hash', p->>'idempotency_key')
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
}

/**
 * One word per meaning in the journey tables:
 * - a journey's status `completed` becomes `done` (existing rows and the CHECK constraint; the
 *   function still accepts `completed` from workers not yet upgraded and stores `done`);
 * - `journey_transitions` gets `seq` (the transition's position in its journey, unique per journey)
 *   and `config_version` (the config the transition ran under) as NOT NULL columns, backfilled,
 *   and `metis_record_journey_transition` writes them. Audit rows are read in `seq` order, so the
 *   index on (tenant_id, journey_id, at) gives way to the unique one on (tenant_id, journey_id, seq).
 */
export function journeyStatusAndTransitionSeqMigration(appRole: string): Migration {
  return {
    async up(db) {
      await renameDoneStatus(db, 'completed', 'done');
      await db.schema.alterTable('journey_transitions').addColumn('seq', 'integer').execute();
      await db.schema.alterTable('journey_transitions').addColumn('config_version', 'text').execute();
      await acrossTenants(db, ['journey_transitions', 'events', 'journeys'], () => backfillTransitions(db));
      await db.schema.alterTable('journey_transitions').alterColumn('seq', (c) => c.setNotNull()).execute();
      await db.schema.alterTable('journey_transitions').alterColumn('config_version', (c) => c.setNotNull()).execute();
      await sql`alter table journey_transitions add constraint journey_transitions_seq_positive check (seq > 0)`.execute(db);
      await db.schema.createIndex('journey_transitions_journey_seq_uq').on('journey_transitions').columns(['tenant_id', 'journey_id', 'seq']).unique().execute();
      await db.schema.dropIndex('journey_transitions_tenant_journey_idx').execute();
      await recordTransitionWithSeq(db);
    },
    async down(db) {
      // Back to 0005's function (it does not know the columns), then the columns go.
      await sql`drop function metis_record_journey_transition(jsonb)`.execute(db);
      await journeyTransitionFunctionMigration(appRole).up(db);
      await db.schema.createIndex('journey_transitions_tenant_journey_idx').on('journey_transitions').columns(['tenant_id', 'journey_id', 'at']).execute();
      await db.schema.dropIndex('journey_transitions_journey_seq_uq').execute();
      await db.schema.alterTable('journey_transitions').dropColumn('config_version').execute();
      await db.schema.alterTable('journey_transitions').dropColumn('seq').execute();
      await renameDoneStatus(db, 'done', 'completed');
    },
  };
}
