import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createJourneyActivities } from '@metis/activities/journeys';
import { createPgDatabase, withTenant } from '@metis/activities/storage';
import type { MetisDatabase } from '@metis/activities/storage';
import type { RecordTransitionInput } from '@metis/activities/journeys';
import { DATABASE_URL, freshTenant } from './stack-env.ts';

// One connection, so a tenant setting that outlived the write would be seen by the next query.
const db = createPgDatabase<MetisDatabase>({ url: DATABASE_URL, pool: { max: 1, min: 0 } });
const activities = createJourneyActivities({ db });
const recordJourneyTransition = (input: RecordTransitionInput) => activities.recordJourneyTransition(input);
const tenant = freshTenant('audit');
const other = freshTenant('audit-other');
const third = freshTenant('audit-seq');

const transition = (seq: number, to: string, overrides: Partial<RecordTransitionInput> = {}): RecordTransitionInput => ({
  tenantId: tenant,
  journeyId: 'kyc:app-1',
  workflowId: `journey:${tenant}:kyc:app-1`,
  journeyType: 'kyc',
  applicantId: 'app-1',
  configVersion: '1',
  seq,
  from: seq === 1 ? 'start' : `s${seq - 1}`,
  to,
  eventType: 'SUBMIT',
  actor: 'applicant:app-1',
  data: { pan_number: 'ABCDE1234F' },
  status: 'active',
  idempotencyKey: `wf:run:${seq}`,
  events: [{ type: 'JOURNEY_STEP_COMPLETED', payload: { to } }, { type: 'PAN_SUBMITTED', payload: {} }],
  ...overrides,
});

async function stored(tenantId: string) {
  return withTenant(db, tenantId, async (trx) => ({
    journey: await trx.selectFrom('journeys').select(['state', 'status', 'last_seq']).where('journey_id', '=', 'kyc:app-1').executeTakeFirst(),
    transitions: await trx.selectFrom('journey_transitions').select(['seq', 'config_version', 'to_state', 'data_hash', 'idempotency_key']).orderBy('seq').execute(),
    events: await trx.selectFrom('events').select(['event_type', 'payload', 'idempotency_key']).orderBy('idempotency_key').execute(),
  }));
}

describe('the journey audit write', () => {
  before(async () => {
    for (const t of [tenant, other, third]) await withTenant(db, t, (trx) => trx.insertInto('tenants').values({ tenant_id: t, display_name: t, settings: '{}' }).execute());
  });
  after(() => db.destroy());

  test('writes the audit row, moves the projection and appends the events together', async () => {
    assert.deepEqual(await recordJourneyTransition(transition(1, 'pan')), { duplicate: false });
    assert.deepEqual(await recordJourneyTransition(transition(2, 'address')), { duplicate: false });
    const { journey, transitions, events } = await stored(tenant);
    assert.deepEqual(journey, { state: 'address', status: 'active', last_seq: 2 });
    assert.deepEqual(transitions.map((t) => t.to_state), ['pan', 'address']);
    assert.deepEqual(transitions.map((t) => [t.seq, t.config_version]), [[1, '1'], [2, '1']], 'seq and config_version are columns of the audit row');
    assert.match(transitions[0]!.data_hash ?? '', /^[0-9a-f]{64}$/, 'only a hash of the data is stored');
    assert.deepEqual(events.map((e) => e.event_type), ['JOURNEY_STEP_COMPLETED', 'PAN_SUBMITTED', 'JOURNEY_STEP_COMPLETED', 'PAN_SUBMITTED']);
    assert.deepEqual(events[2]!.payload, { to: 'address', seq: 2 });
  });

  test('a repeat (a retried activity) stores nothing twice and never moves the projection back', async () => {
    assert.deepEqual(await recordJourneyTransition(transition(1, 'pan')), { duplicate: true });
    const { journey, transitions, events } = await stored(tenant);
    assert.deepEqual(journey, { state: 'address', status: 'active', last_seq: 2 });
    assert.equal(transitions.length, 2);
    assert.equal(events.length, 4);
  });

  test('leaves no tenant setting behind on the connection', async () => {
    const { rows } = await sql<{ tenant: string | null }>`select nullif(current_setting('app.current_tenant', true), '') as tenant`.execute(db);
    assert.equal(rows[0]?.tenant ?? null, null);
  });

  test('bad input is refused before anything is written', async () => {
    await assert.rejects(recordJourneyTransition(transition(3, 'done', { events: [{ type: 'NOT_AN_EVENT', payload: {} }] })), /unknown event type NOT_AN_EVENT/);
    await assert.rejects(recordJourneyTransition(transition(3, 'done', { tenantId: 'Bad Tenant!' })), /tenant/i);
    const { journey, transitions } = await stored(tenant);
    assert.equal(journey?.last_seq, 2);
    assert.equal(transitions.length, 2);
  });

  test('a transition is written under its own tenant only', async () => {
    await recordJourneyTransition(transition(1, 'pan', { tenantId: other }));
    assert.equal((await stored(other)).transitions.length, 1);
    assert.equal((await stored(tenant)).transitions.length, 2, 'the other tenant sees none of these rows');
  });

  test('each audit row keeps the config version it ran under, and a seq is used once per journey', async () => {
    await recordJourneyTransition(transition(1, 'pan', { tenantId: third }));
    await recordJourneyTransition(transition(2, 'address', { tenantId: third, configVersion: '2' }));
    // Another transition claiming seq 2 (a different key, so not a repeat) is refused.
    await assert.rejects(recordJourneyTransition(transition(2, 'elsewhere', { tenantId: third, idempotencyKey: 'other:run:2' })), (error: { code?: string }) => {
      assert.equal(error.code, '23505', 'unique (tenant_id, journey_id, seq)');
      return true;
    });
    const { journey, transitions, events } = await stored(third);
    assert.deepEqual(transitions.map((t) => [t.seq, t.config_version, t.to_state]), [[1, '1', 'pan'], [2, '2', 'address']]);
    assert.deepEqual(journey, { state: 'address', status: 'active', last_seq: 2 }, 'the refused transition changed nothing');
    assert.equal(events.length, 4);
  });

  test('a final transition sets the status done', async () => {
    await recordJourneyTransition(transition(3, 'approved', { tenantId: third, status: 'done' }));
    const { journey, transitions } = await stored(third);
    assert.deepEqual(journey, { state: 'approved', status: 'done', last_seq: 3 });
    assert.deepEqual(transitions.map((t) => t.seq), [1, 2, 3]);
  });
});
