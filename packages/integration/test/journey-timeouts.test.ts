import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPgDatabase, withTenant } from '@metis/activities/storage';
import type { MetisDatabase } from '@metis/activities/storage';
import type { JourneyConfigInput } from '@metis/fsm';
import { journeyWorkflowId } from '@metis/workflows';
import { createMetis, RequestRefusedError, StepRejectedError } from '@metis/sdk';
import { createWorkers } from '@metis/worker';
import type { Metis } from '@metis/sdk';
import type { MetisWorkers } from '@metis/worker';
import { testConfig, uniqueId, waitFor } from '@metis/testing';
import { scan, verifyDocumentsForTests } from './journey-fixtures.ts';
import { assertReplays } from './support/replay-check.ts';

// A short KYC whose states time out in seconds: the applicant has 2 s for the PAN step before
// review, and verification is retried when its work takes longer than 1 s.
function quickKyc(version: string, panRules: JourneyConfigInput['states'][number]['validation_rules'] = ['pan_format']): JourneyConfigInput {
  return {
    journey_type: 'quick-kyc',
    version,
    fields: {
      name: { type: 'string' },
      pan_number: { type: 'string' },
      pan_image: { type: 'document' },
      reviewer_id: { type: 'string' },
    },
    states: [
      { state_name: 'provide_name', valid_next_states: ['provide_pan'], required_fields: ['name'] },
      { state_name: 'provide_pan', valid_next_states: ['document_verification', 'review'], required_fields: ['pan_number', 'pan_image'], validation_rules: panRules, timeout: '2s', on_timeout: 'review', guards: { review: { when: { field: 'data.never', operator: 'exists', value: true } } } },
      { state_name: 'document_verification', valid_next_states: ['completed', 'review'], automated: true, timeout: '1s', guards: { completed: { when: { field: 'results.document_verification.verified', operator: 'eq', value: true } } } },
      { state_name: 'review', valid_next_states: ['completed'], required_fields: ['reviewer_id'] },
      { state_name: 'completed', final_state: true },
    ],
  };
}

const config = testConfig({ temporal: { taskQueuePrefix: uniqueId('timeouts') } });
const tenantId = 'timeout-tenant';
const db = createPgDatabase<MetisDatabase>({ url: config.database.url, pool: { max: 2, min: 0 } });
let attempts = new Map<string, number>();
let workers: MetisWorkers;
let metis: Metis;

describe('journey timers and migrations', () => {
  before(async () => {
    workers = await createWorkers({
      config,
      services: {
        automations: {
          // The first attempt of an applicant whose id says `slow` overruns the 1 s timeout; the retry is quick.
          'quick-kyc.document_verification': async (input) => {
            const n = (attempts.get(input.applicantId) ?? 0) + 1;
            attempts.set(input.applicantId, n);
            if (input.applicantId.includes('slow') && n === 1) await new Promise((resolve) => setTimeout(resolve, 3_000));
            return verifyDocumentsForTests({ ...input, applicantId: input.applicantId.replace('slow', 'done') });
          },
        },
      },
    });
    metis = await createMetis({ ...config, tenants: [{ tenantId, displayName: 'Timeouts', journeys: { 'quick-kyc': quickKyc('1') } }] });
  });
  after(async () => {
    await metis.close();
    await workers.shutdown();
    await db.destroy();
    attempts = new Map();
  });

  test('an idle state times out into the configured path and emits WORKFLOW_TIMEOUT', async () => {
    const applicant = uniqueId('idle');
    const journeys = metis.tenant(tenantId).journeys;
    await journeys.submit(applicant, 'quick-kyc', 'provide_name', { name: 'Kiran' });
    const view = await waitFor(async () => {
      const v = await journeys.get(applicant, 'quick-kyc');
      return v.state === 'review' ? v : undefined;
    }, 15_000, 'the timeout');
    assert.equal(view.steps, 2);
    const events = await withTenant(db, tenantId, (trx) => trx.selectFrom('events').select(['event_type', 'payload']).where('aggregate_id', '=', `quick-kyc:${applicant}`).execute());
    const timeouts = events.filter((e) => e.event_type === 'WORKFLOW_TIMEOUT');
    assert.equal(timeouts.length, 1);
    assert.equal((timeouts[0]?.payload as { state?: string }).state, 'provide_pan');
    const transitions = await withTenant(db, tenantId, (trx) => trx.selectFrom('journey_transitions').select(['seq', 'event_type', 'to_state']).where('journey_id', '=', `quick-kyc:${applicant}`).orderBy('seq').execute());
    assert.deepEqual(transitions.map((t) => `${t.seq}:${t.event_type}>${t.to_state}`), ['1:SUBMIT>provide_pan', '2:TIMEOUT>review']);
    await assertReplays(metis.temporal, journeyWorkflowId(tenantId, 'quick-kyc', applicant));
  });

  test('an automated state that overruns its timeout is cancelled and retried', async () => {
    const applicant = uniqueId('slow');
    const journeys = metis.tenant(tenantId).journeys;
    await journeys.submit(applicant, 'quick-kyc', 'provide_name', { name: 'Kiran' });
    await journeys.submit(applicant, 'quick-kyc', 'provide_pan', { pan_number: 'ABCPK1234L', pan_image: scan() }, { next: 'document_verification' });
    const view = await waitFor(async () => {
      const v = await journeys.get(applicant, 'quick-kyc');
      return v.status === 'done' ? v : undefined;
    }, 20_000, 'the retried verification');
    assert.equal(view.state, 'completed');
    assert.equal(attempts.get(applicant), 2, 'the first attempt timed out, the second completed');
    const timeouts = await withTenant(db, tenantId, (trx) => trx.selectFrom('events').select('event_type').where('aggregate_id', '=', `quick-kyc:${applicant}`).where('event_type', '=', 'WORKFLOW_TIMEOUT').execute());
    assert.equal(timeouts.length, 1);
    await assertReplays(metis.temporal, journeyWorkflowId(tenantId, 'quick-kyc', applicant));
  });

  test('a running journey migrates to a new config version by continue-as-new', async () => {
    const applicant = uniqueId('migrate');
    const journeys = metis.tenant(tenantId).journeys;
    await journeys.submit(applicant, 'quick-kyc', 'provide_name', { name: 'Kiran' });
    const workflowId = journeyWorkflowId(tenantId, 'quick-kyc', applicant);
    const firstRun = (await metis.temporal.workflow.getHandle(workflowId).describe()).runId;
    // Version 2 only accepts individual PAN holders (4th letter P).
    const v2 = quickKyc('2', [{ rule: 'pan_format', params: { holder_types: ['P'] } }]);
    await assert.rejects(journeys.migrate(applicant, 'quick-kyc', v2, 'rename-states', { provide_pan: 'no_such_state' }), RequestRefusedError);
    const moved = await journeys.migrate(applicant, 'quick-kyc', v2, 'same-states', undefined, 'ops:anita');
    assert.deepEqual(moved, { from: '1', to: '2' });
    const view = await waitFor(async () => {
      const v = await journeys.get(applicant, 'quick-kyc');
      return v.version === '2' ? v : undefined;
    }, 15_000, 'the new run');
    assert.equal(view.state, 'provide_pan');
    assert.deepEqual(view.data, { name: 'Kiran' });
    assert.notEqual((await metis.temporal.workflow.getHandle(workflowId).describe()).runId, firstRun);
    await assert.rejects(journeys.submit(applicant, 'quick-kyc', 'provide_pan', { pan_number: 'ABCCK1234L', pan_image: scan() }, { next: 'document_verification' }), StepRejectedError);
    const row = await withTenant(db, tenantId, (trx) => trx.selectFrom('events').select('payload').where('aggregate_id', '=', `quick-kyc:${applicant}`).where('event_type', '=', 'JOURNEY_MIGRATED').executeTakeFirstOrThrow());
    assert.deepEqual(row.payload, { from: '1', to: '2', mapping: 'same-states', actor: 'ops:anita' });
    // The audit rows keep numbering across the runs and name the version each step ran under.
    await journeys.submit(applicant, 'quick-kyc', 'provide_pan', { pan_number: 'ABCPK1234L', pan_image: scan() }, { next: 'document_verification' });
    const audit = await withTenant(db, tenantId, (trx) => trx.selectFrom('journey_transitions').select(['seq', 'config_version']).where('journey_id', '=', `quick-kyc:${applicant}`).where('seq', '<=', 2).orderBy('seq').execute());
    assert.deepEqual(audit.map((t) => [t.seq, t.config_version]), [[1, '1'], [2, '2']]);
  });
});
