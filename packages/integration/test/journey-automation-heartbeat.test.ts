import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { tsToMs } from '@temporalio/common/lib/time.js';
import { createPgDatabase, withTenant } from '@metis/activities/storage';
import type { MetisDatabase } from '@metis/activities/storage';
import type { JourneyAutomation } from '@metis/activities/journeys';
import type { JourneyConfigInput } from '@metis/fsm';
import { journeyWorkflowId } from '@metis/workflows';
import { createMetis } from '@metis/sdk';
import { createWorkers } from '@metis/worker';
import type { Metis } from '@metis/sdk';
import type { MetisWorkers } from '@metis/worker';
import { testConfig, uniqueId, waitFor } from '@metis/testing';
import { assertReplays } from './support/replay-check.ts';

// Automations are tenant code that may run for minutes: longer than the activity's 30 s heartbeat
// timeout must not fail the attempt (the worker heartbeats for it), and a state's timeout must
// reach a running automation through its AbortSignal.

/** Longer than the 30 s heartbeat timeout. */
const LONG_MS = 35_000;

/** Name → verification (automated) → completed, the verification state shaped by `verification`. */
function longKyc(journeyType: string, verification: Partial<JourneyConfigInput['states'][number]> = {}): JourneyConfigInput {
  return {
    journey_type: journeyType,
    version: '1',
    fields: { name: { type: 'string' }, reviewer_id: { type: 'string' } },
    states: [
      { state_name: 'provide_name', valid_next_states: ['verification'], required_fields: ['name'] },
      {
        state_name: 'verification',
        valid_next_states: ['completed', 'review'],
        automated: true,
        guards: { completed: { when: { field: 'results.verification.verified', operator: 'eq', value: true } }, review: { when: { field: 'results.verification.verified', operator: 'eq', value: false } } },
        ...verification,
      },
      { state_name: 'review', valid_next_states: ['completed'], required_fields: ['reviewer_id'] },
      { state_name: 'completed', final_state: true },
    ],
  };
}

const config = testConfig({ temporal: { taskQueuePrefix: uniqueId('heartbeat') } });
const tenantId = 'heartbeat-tenant';
const db = createPgDatabase<MetisDatabase>({ url: config.database.url, pool: { max: 2, min: 0 } });
/** Automation invocations, by applicant. */
const invocations = new Map<string, number>();
/** How each applicant's automation saw its signal when it ended. */
const signals = new Map<string, { aborted: boolean; reason?: string; afterMs: number }>();
let workers: MetisWorkers;
let metis: Metis;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// Ignores its signal on purpose: the heartbeats must come from the worker, not from the automation.
const longVerification: JourneyAutomation = async (input, context) => {
  const started = Date.now();
  invocations.set(input.applicantId, (invocations.get(input.applicantId) ?? 0) + 1);
  await sleep(LONG_MS);
  signals.set(input.applicantId, { aborted: context?.signal.aborted ?? true, afterMs: Date.now() - started });
  return { verified: true };
};

// Waits for its signal, as a cooperative long automation would, and stops when it fires.
const abortableVerification: JourneyAutomation = async (input, context) => {
  const started = Date.now();
  invocations.set(input.applicantId, (invocations.get(input.applicantId) ?? 0) + 1);
  const signal = context?.signal;
  assert.ok(signal, 'the worker passes a signal');
  await new Promise<void>((resolve) => {
    const stop = setTimeout(resolve, 60_000);
    signal.addEventListener('abort', () => {
      clearTimeout(stop);
      resolve();
    }, { once: true });
  });
  const reason: unknown = signal.reason;
  signals.set(input.applicantId, { aborted: signal.aborted, reason: reason instanceof Error ? reason.name : String(reason), afterMs: Date.now() - started });
  throw reason instanceof Error ? reason : new Error('aborted');
};

/** The scheduled, started and closing events of the journey's automation activity. */
async function automationEvents(workflowId: string) {
  const history = await metis.temporal.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  const scheduled = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'runJourneyAutomation');
  const ids = new Set(scheduled.map((e) => Number(e.eventId)));
  const of = (e: (typeof events)[number]): number | undefined => {
    const id = e.activityTaskStartedEventAttributes?.scheduledEventId ?? e.activityTaskCompletedEventAttributes?.scheduledEventId ?? e.activityTaskFailedEventAttributes?.scheduledEventId ?? e.activityTaskTimedOutEventAttributes?.scheduledEventId ?? e.activityTaskCanceledEventAttributes?.scheduledEventId;
    return id === undefined || id === null ? undefined : Number(id);
  };
  const mine = events.filter((e) => ids.has(of(e) ?? -1));
  return {
    scheduled: scheduled.map((e) => e.activityTaskScheduledEventAttributes!),
    started: mine.filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes!),
    completed: mine.filter((e) => e.activityTaskCompletedEventAttributes).length,
    failed: mine.filter((e) => e.activityTaskFailedEventAttributes || e.activityTaskTimedOutEventAttributes).length,
    canceled: mine.filter((e) => e.activityTaskCanceledEventAttributes).length,
  };
}

async function startJourney(journeyType: string, applicant: string): Promise<void> {
  const step = await metis.tenant(tenantId).journeys.submit(applicant, journeyType, 'provide_name', { name: 'Kiran' });
  assert.equal(step.to, 'verification');
}

async function finalView(journeyType: string, applicant: string, state: string, withinMs: number) {
  return waitFor(async () => {
    const view = await metis.tenant(tenantId).journeys.get(applicant, journeyType);
    return view.state === state ? view : undefined;
  }, withinMs, `${journeyType} to reach ${state}`);
}

// The tests run at once: the two long automations overlap, so the file takes about 40 s.
describe('automations longer than the heartbeat timeout', { concurrency: true }, () => {
  before(async () => {
    workers = await createWorkers({
      config,
      services: {
        automations: {
          'long-bounded.verification': longVerification,
          'long-unbounded.verification': longVerification,
          'long-cancelled.verification': abortableVerification,
        },
      },
    });
    metis = await createMetis({
      ...config,
      tenants: [
        {
          tenantId,
          displayName: 'Heartbeats',
          journeys: {
            'long-bounded': longKyc('long-bounded', { timeout: '2m', on_timeout: 'review' }),
            'long-unbounded': longKyc('long-unbounded'),
            'long-cancelled': longKyc('long-cancelled', { timeout: '3s', on_timeout: 'review' }),
          },
        },
      ],
    });
  });
  after(async () => {
    await metis.close();
    await workers.shutdown();
    await db.destroy();
  });

  test('a 35 s automation in a state with a 2 m timeout completes in one attempt, bounded by the state', async () => {
    const applicant = uniqueId('bounded');
    await startJourney('long-bounded', applicant);
    const view = await finalView('long-bounded', applicant, 'completed', LONG_MS + 20_000);
    assert.equal(view.status, 'done');
    assert.deepEqual(view.results['verification'], { verified: true });
    assert.equal(view.automationError, null);
    assert.equal(invocations.get(applicant), 1, 'the automation ran once: no attempt timed out and was retried');
    assert.equal(signals.get(applicant)?.aborted, false);

    const workflowId = journeyWorkflowId(tenantId, 'long-bounded', applicant);
    const activity = await automationEvents(workflowId);
    assert.equal(activity.scheduled.length, 1);
    assert.equal(tsToMs(activity.scheduled[0]!.startToCloseTimeout), 120_000, 'each attempt is bounded by the state timeout');
    assert.equal(tsToMs(activity.scheduled[0]!.heartbeatTimeout), 30_000);
    assert.deepEqual(activity.started.map((s) => s.attempt), [1]);
    assert.equal(activity.completed, 1);
    assert.equal(activity.failed, 0);

    const transitions = await withTenant(db, tenantId, (trx) => trx.selectFrom('journey_transitions').select(['event_type', 'to_state']).where('journey_id', '=', `long-bounded:${applicant}`).orderBy('seq').execute());
    assert.deepEqual(transitions.map((t) => `${t.event_type}>${t.to_state}`), ['SUBMIT>verification', 'AUTOMATED_RESULT>completed']);
    await assertReplays(metis.temporal, workflowId);
  });

  test('a 35 s automation in a state without a timeout completes in one attempt under the preset bound', async () => {
    const applicant = uniqueId('unbounded');
    await startJourney('long-unbounded', applicant);
    const view = await finalView('long-unbounded', applicant, 'completed', LONG_MS + 20_000);
    assert.equal(view.status, 'done');
    assert.equal(invocations.get(applicant), 1, 'the automation ran once');

    const workflowId = journeyWorkflowId(tenantId, 'long-unbounded', applicant);
    const activity = await automationEvents(workflowId);
    assert.equal(activity.scheduled.length, 1);
    assert.equal(tsToMs(activity.scheduled[0]!.startToCloseTimeout), 5 * 60_000);
    assert.equal(tsToMs(activity.scheduled[0]!.heartbeatTimeout), 30_000);
    assert.deepEqual(activity.started.map((s) => s.attempt), [1]);
    assert.equal(activity.completed, 1);
    await assertReplays(metis.temporal, workflowId);
  });

  test('when the state times out the running automation is told through its signal and the attempt ends cancelled', async () => {
    const applicant = uniqueId('cancelled');
    await startJourney('long-cancelled', applicant);
    const view = await finalView('long-cancelled', applicant, 'review', 15_000);
    assert.equal(view.steps, 2);
    const seen = await waitFor(() => Promise.resolve(signals.get(applicant)), 15_000, 'the automation to see its signal abort');
    assert.equal(seen.aborted, true);
    assert.equal(seen.reason, 'CancelledFailure');
    assert.ok(seen.afterMs >= 2_500 && seen.afterMs < 15_000, `aborted after ${seen.afterMs} ms, soon after the 3 s timeout`);
    assert.equal(invocations.get(applicant), 1);

    const workflowId = journeyWorkflowId(tenantId, 'long-cancelled', applicant);
    const activity = await waitFor(async () => {
      const events = await automationEvents(workflowId);
      return events.canceled === 1 ? events : undefined;
    }, 15_000, 'the attempt to end as cancelled');
    assert.equal(tsToMs(activity.scheduled[0]!.startToCloseTimeout), 3_000);
    assert.equal(tsToMs(activity.scheduled[0]!.heartbeatTimeout), 3_000, 'the heartbeat timeout is never longer than the attempt');
    assert.equal(activity.failed, 0);
    const timeouts = await withTenant(db, tenantId, (trx) => trx.selectFrom('events').select('event_type').where('aggregate_id', '=', `long-cancelled:${applicant}`).where('event_type', '=', 'WORKFLOW_TIMEOUT').execute());
    assert.equal(timeouts.length, 1);
    await assertReplays(metis.temporal, workflowId);
  });
});
