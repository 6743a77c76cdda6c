import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Context } from '@temporalio/activity';
import type { Priority } from '@temporalio/common';
import type { JourneyConfigInput } from '@metis/fsm';
import { JOURNEY_STEPS_PER_RUN, journeyWorkflowId, loanWorkflowId } from '@metis/workflows';
import { ConfigurationError, createMetis, POOL_PRIORITY_KEYS } from '@metis/sdk';
import type { Metis, TenantDefinition } from '@metis/sdk';
import { createWorkers } from '@metis/worker';
import type { MetisWorkers } from '@metis/worker';
import { testConfig, uniqueId, waitFor } from '@metis/testing';
import { loanServices, panWithScore, startLoanWorld, testPolicy, testRiskScore, testTenant } from './support/loan-services.ts';
import type { LoanWorld } from './support/loan-services.ts';

// Task-queue fairness keyed by tenant: every workflow a tenant starts carries the tenant id as its
// fairness key with the tenant's weight, and each pool's priority key; activities inherit them.

/** Name → an automated check → done. */
const checked: JourneyConfigInput = {
  journey_type: 'fair-check',
  version: '1',
  fields: { name: { type: 'string' } },
  states: [
    { state_name: 'provide_name', valid_next_states: ['verification'], required_fields: ['name'] },
    { state_name: 'verification', valid_next_states: ['done'], automated: true },
    { state_name: 'done', final_state: true },
  ],
};

/** One step and done: an applicant's first step is the whole journey. */
const oneStep: JourneyConfigInput = {
  journey_type: 'one-step',
  version: '1',
  fields: { n: { type: 'integer' } },
  states: [
    { state_name: 'start', valid_next_states: ['waiting'], required_fields: ['n'] },
    { state_name: 'waiting', valid_next_states: ['done'] },
    { state_name: 'done', final_state: true },
  ],
};

/** A step that leads back to itself: enough of them take a journey past continue-as-new. */
const looping: JourneyConfigInput = {
  journey_type: 'fair-loop',
  version: '1',
  fields: { n: { type: 'integer' } },
  states: [
    { state_name: 'loop', valid_next_states: ['loop', 'done'], required_fields: ['n'] },
    { state_name: 'done', final_state: true },
  ],
};

const config = testConfig({ temporal: { taskQueuePrefix: uniqueId('fairness') } });
const WEIGHT = 2.5;
/** The noisy tenant's first steps queued before the quiet tenant's. */
const BACKLOG = 40;
/** The priority each activity attempt was dispatched with, by activity type and workflow id. */
const dispatched = new Map<string, Priority | undefined>();
const record = (): void => {
  const info = Context.current().info;
  dispatched.set(`${info.activityType}:${info.workflowExecution?.workflowId ?? ''}`, info.priority);
};
let world: LoanWorld;
let acme: TenantDefinition;
let workers: MetisWorkers;
let metis: Metis;

describe('fairness between tenants', () => {
  before(async () => {
    world = await startLoanWorld();
    acme = testTenant('acme', { url: world.webhooks.url, secret: world.webhooks.secret }, testPolicy('acme'));
    const services = loanServices({ bureauA: world.bureauA.url, bureauB: world.bureauB.url, payments: world.payments.url, paymentsKey: world.payments.apiKey });
    workers = await createWorkers({
      config,
      tenants: [acme],
      services: {
        ...services,
        loanChecks: {
          ...services.loanChecks,
          assessRisk: (input) => {
            record();
            return testRiskScore(input);
          },
        },
        automations: {
          'fair-check.verification': () => {
            record();
            return Promise.resolve({ verified: true });
          },
        },
      },
    });
    metis = await createMetis({ ...config, tenants: [{ ...acme, fairnessWeight: WEIGHT, journeys: { 'fair-check': checked, 'fair-loop': looping } }] });
  });
  after(async () => {
    await metis.close();
    await workers.shutdown();
    await world.close();
  });

  test('a journey carries the tenant as fairness key with its weight, and its activities the interactive priority', async () => {
    const applicant = uniqueId('fair');
    const journeys = metis.tenant(acme.tenantId).journeys;
    await journeys.submit(applicant, 'fair-check', 'provide_name', { name: 'Asha Rao' });
    const workflowId = journeyWorkflowId(acme.tenantId, 'fair-check', applicant);
    await waitFor(async () => ((await journeys.get(applicant, 'fair-check')).state === 'done' ? true : undefined), 15_000, 'the automated check');
    const handle = metis.temporal.workflow.getHandle(workflowId);
    const expected = { priorityKey: POOL_PRIORITY_KEYS.interactive, fairnessKey: acme.tenantId, fairnessWeight: WEIGHT };
    assert.deepEqual(pick((await handle.describe()).raw.workflowExecutionInfo?.priority), expected);
    const events = (await handle.fetchHistory()).events ?? [];
    assert.deepEqual(pick(events[0]?.workflowExecutionStartedEventAttributes?.priority), expected);
    const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'runJourneyAutomation')?.activityTaskScheduledEventAttributes;
    assert.deepEqual(pick(scheduled?.priority), { priorityKey: POOL_PRIORITY_KEYS.interactive });
    // The server merges the workflow's fairness key and weight into the activity's task.
    assert.deepEqual(pick(dispatched.get(`runJourneyAutomation:${workflowId}`)), expected);
  });

  test('a loan carries the tenant as fairness key with its weight, and its AI activity the AI priority', async () => {
    const applicationId = uniqueId('app');
    const loans = metis.tenant(acme.tenantId).loans;
    await loans.apply({
      applicationId,
      amount: 300_000,
      tenureMonths: 36,
      purpose: 'home improvement',
      kycStatus: 'done',
      applicant: { applicantId: uniqueId('cust'), name: 'Priya Sharma', pan: panWithScore(780, 900), dateOfBirth: '1990-04-01', monthlyIncome: 100_000, employmentType: 'salaried', phone: '9876543210' },
    });
    await loans.waitForDecision(applicationId);
    const workflowId = loanWorkflowId(acme.tenantId, applicationId);
    const handle = metis.temporal.workflow.getHandle(workflowId);
    const expected = { priorityKey: POOL_PRIORITY_KEYS.default, fairnessKey: acme.tenantId, fairnessWeight: WEIGHT };
    assert.deepEqual(pick((await handle.describe()).raw.workflowExecutionInfo?.priority), expected);
    const events = (await handle.fetchHistory()).events ?? [];
    assert.deepEqual(pick(events[0]?.workflowExecutionStartedEventAttributes?.priority), expected);
    const scheduled = (name: string) => events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === name)?.activityTaskScheduledEventAttributes?.priority;
    assert.deepEqual(pick(scheduled('assessRisk')), { priorityKey: POOL_PRIORITY_KEYS.ai });
    assert.deepEqual(pick(scheduled('pullCreditSummary')), { priorityKey: POOL_PRIORITY_KEYS.default });
    assert.deepEqual(pick(dispatched.get(`assessRisk:${workflowId}`)), { ...expected, priorityKey: POOL_PRIORITY_KEYS.ai });
  });

  test('a journey that continues as new keeps the tenant as fairness key with its weight', async () => {
    const applicant = uniqueId('fair-can');
    const journeys = metis.tenant(acme.tenantId).journeys;
    const handle = metis.temporal.workflow.getHandle(journeyWorkflowId(acme.tenantId, 'fair-loop', applicant));
    const step = (n: number, next = 'loop') => journeys.submit(applicant, 'fair-loop', 'loop', { n }, { next });
    await step(1);
    const first = (await handle.describe()).runId;
    for (let n = 2; n <= JOURNEY_STEPS_PER_RUN; n += 1) await step(n);
    // After its JOURNEY_STEPS_PER_RUN-th step the run continues as new, still waiting in `loop`.
    const next = await waitFor(
      async () => {
        const d = await handle.describe();
        return d.runId !== first && d.status.name === 'RUNNING' ? d.raw.workflowExecutionInfo : undefined;
      },
      15_000,
      'the continued run',
    );
    const expected = { priorityKey: POOL_PRIORITY_KEYS.interactive, fairnessKey: acme.tenantId, fairnessWeight: WEIGHT };
    assert.deepEqual(pick(next?.priority), expected);
    const started = (await handle.fetchHistory()).events?.[0]?.workflowExecutionStartedEventAttributes;
    assert.equal(started?.continuedExecutionRunId, first);
    assert.deepEqual(pick(started?.priority), expected);
    // The continued run takes steps, and ends.
    await step(JOURNEY_STEPS_PER_RUN + 1, 'done');
    assert.equal((await journeys.get(applicant, 'fair-loop')).state, 'done');
  });

  test('createMetis refuses a weight that is not a finite number from 0.001 to 1000, before connecting', async () => {
    for (const fairnessWeight of [0, -1, 0.0001, 1001, Number.NaN, Number.POSITIVE_INFINITY]) {
      await assert.rejects(
        createMetis({ ...config, temporal: { ...config.temporal, address: '127.0.0.1:9' }, tenants: [{ tenantId: 'fair-weights', displayName: 'Weights', fairnessWeight }] }),
        (error: unknown) => error instanceof ConfigurationError && error.code === 'INVALID_FAIRNESS_WEIGHT' && error.message.includes('fair-weights'),
        `weight ${fairnessWeight}`,
      );
    }
  });

  test('with fairness off a start carries the priority key only', async () => {
    const off = await createMetis({ ...config, fairness: false, tenants: [{ ...acme, fairnessWeight: WEIGHT, journeys: { 'one-step': oneStep } }] });
    try {
      const applicant = uniqueId('off');
      await off.tenant(acme.tenantId).journeys.submit(applicant, 'one-step', 'start', { n: 1 });
      const info = (await off.temporal.workflow.getHandle(journeyWorkflowId(acme.tenantId, 'one-step', applicant)).describe()).raw.workflowExecutionInfo;
      assert.deepEqual(pick(info?.priority), { priorityKey: POOL_PRIORITY_KEYS.interactive });
    } finally {
      await off.close();
    }
  });

  test('a quiet tenant first step is served ahead of a noisy tenant backlog', async (t) => {
    // With fairness the quiet step is served second, after the noisy tenant's first.
    const place = await quietPlace(true);
    t.diagnostic(`with fairness the quiet step was served at place ${place + 1} of ${BACKLOG + 1}`);
    assert.ok(place >= 0 && place < 4, `with fairness the quiet step was served at place ${place + 1} of ${BACKLOG + 1}`);
  });

  test('with fairness off the quiet tenant first step waits behind the noisy tenant backlog', async (t) => {
    // First come, first served: the quiet step is served last (41st); the bound leaves room for
    // tasks whose dispatch times tie or cross on a loaded machine.
    const place = await quietPlace(false);
    t.diagnostic(`without fairness the quiet step was served at place ${place + 1} of ${BACKLOG + 1}`);
    assert.ok(place >= 30, `without fairness the quiet step was served at place ${place + 1} of ${BACKLOG + 1}, before 30 of the ${BACKLOG} noisy steps`);
  });
});

/**
 * Queue the first steps of BACKLOG noisy applicants, then one quiet applicant's, on queues of their
 * own with no worker yet; then serve them with a worker taking two workflow tasks at a time, and
 * return the place (from 0) at which the quiet step's first workflow task was dispatched.
 */
async function quietPlace(fairness: boolean): Promise<number> {
  const own = testConfig({ temporal: { taskQueuePrefix: uniqueId('fair-order') } });
  const tenant = (tenantId: string) => ({ tenantId, displayName: tenantId, journeys: { 'one-step': oneStep } });
  const client = await createMetis({ ...own, fairness, tenants: [tenant('fair-noisy'), tenant('fair-quiet')] });
  let served: MetisWorkers | undefined;
  const run = uniqueId('run');
  const noisy = Array.from({ length: BACKLOG }, (_, i) => `${run}-noisy-${i}`);
  const quiet = `${run}-quiet`;
  try {
    const step = (tenantId: string, applicant: string) => client.tenant(tenantId).journeys.submit(applicant, 'one-step', 'start', { n: 1 });
    const handle = (tenantId: string, applicant: string) => client.temporal.workflow.getHandle(journeyWorkflowId(tenantId, 'one-step', applicant));
    const exists = (tenantId: string, applicant: string) => handle(tenantId, applicant).describe().then(() => true);
    const steps = noisy.map((a) => step('fair-noisy', a));
    await waitFor(async () => ((await Promise.all(noisy.map((a) => exists('fair-noisy', a)))).every(Boolean) ? true : undefined), 20_000, 'the noisy backlog');
    steps.push(step('fair-quiet', quiet));
    await waitFor(() => exists('fair-quiet', quiet), 10_000, 'the quiet step');
    served = await createWorkers({ config: own, pools: { interactive: { maxConcurrentWorkflowTasks: 2 } } });
    await Promise.all(steps);
    // The order the server dispatched the first workflow tasks in: their started events' times.
    const startedAt = async (tenantId: string, applicant: string): Promise<{ tenantId: string; at: number }> => {
      const events = (await handle(tenantId, applicant).fetchHistory()).events ?? [];
      const started = events.find((e) => e.workflowTaskStartedEventAttributes)?.eventTime;
      return { tenantId, at: Number(started?.seconds ?? 0) * 1000 + (started?.nanos ?? 0) / 1e6 };
    };
    const order = (await Promise.all([...noisy.map((a) => startedAt('fair-noisy', a)), startedAt('fair-quiet', quiet)])).sort((a, b) => a.at - b.at);
    return order.findIndex((o) => o.tenantId === 'fair-quiet');
  } finally {
    if (!served) await Promise.allSettled([...noisy.map((a) => journeyWorkflowId('fair-noisy', 'one-step', a)), journeyWorkflowId('fair-quiet', 'one-step', quiet)].map((id) => client.temporal.workflow.getHandle(id).terminate('test failed')));
    await served?.shutdown();
    await client.close();
  }
}

/** The fields of a priority that are set, as plain values (the server leaves unset ones empty). */
function pick(priority: { priorityKey?: number | null; fairnessKey?: string | null; fairnessWeight?: number | null } | null | undefined): Record<string, number | string> | undefined {
  if (!priority) return undefined;
  const out: Record<string, number | string> = {};
  if (priority.priorityKey) out['priorityKey'] = priority.priorityKey;
  if (priority.fairnessKey) out['fairnessKey'] = priority.fairnessKey;
  if (priority.fairnessWeight) out['fairnessWeight'] = priority.fairnessWeight;
  return out;
}
