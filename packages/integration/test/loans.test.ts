import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPgDatabase, withTenant } from '@metis/activities/storage';
import type { MetisDatabase } from '@metis/activities/storage';
import { sampleTenants } from '@metis/fsm';
import { LOAN_DECISION_PENDING, loanDecisionUpdate, loanWorkflowId } from '@metis/workflows';
import type { loanProcessingWorkflow } from '@metis/workflows';
import { createMetis, LoanNotFoundError, MetisError, RequestRefusedError } from '@metis/sdk';
import { createWorkers } from '@metis/worker';
import type { Metis } from '@metis/sdk';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { StoredDecision } from '@metis/activities/loans';
import type { MetisWorkers } from '@metis/worker';
import { sampleLoanApplication, testConfig, uniqueId, waitFor } from '@metis/testing';
import { loanServices, panWithScore, startLoanWorld, testDocumentCheck, testPolicy, testTenant } from './support/loan-services.ts';
import type { LoanWorld } from './support/loan-services.ts';
import { assertNoClearPii } from './support/raw-history.ts';

const config = testConfig({ temporal: { taskQueuePrefix: uniqueId('loans') } });
const acme = sampleTenants.acme.tenantId;
const zenith = sampleTenants.zenith.tenantId;
const db = createPgDatabase<MetisDatabase>({ url: config.database.url, pool: { max: 2, min: 0 } });
let world: LoanWorld;
let workers: MetisWorkers;
let metis: Metis;
// Applications whose document check waits for the test to release it: undecided for as long as a test needs.
const held = new Map<string, Promise<void>>();
function hold(applicationId: string): () => void {
  let release = (): void => undefined;
  held.set(applicationId, new Promise<void>((resolve) => (release = resolve)));
  return () => release();
}
const isTimeout = (error: unknown): boolean => {
  assert.ok(error instanceof MetisError && error.code === 'LOAN_DECISION_TIMEOUT', `expected LOAN_DECISION_TIMEOUT, got ${String(error)}`);
  return true;
};
type HistoryEvent = NonNullable<Awaited<ReturnType<ReturnType<Metis['temporal']['workflow']['getHandle']>['fetchHistory']>>['events']>[number];
/** The loan's decision Updates in its history: each accepted one with its completion, if any. */
async function decisionUpdates(workflowId: string): Promise<{ accepted: HistoryEvent; completed: HistoryEvent | undefined }[]> {
  const events = (await metis.temporal.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  return events
    .filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === loanDecisionUpdate.name)
    .map((accepted) => ({
      accepted,
      completed: events.find((c) => c.workflowExecutionUpdateCompletedEventAttributes?.meta?.updateId === accepted.workflowExecutionUpdateAcceptedEventAttributes?.protocolInstanceId),
    }));
}

const application = sampleLoanApplication;

async function stored(tenantId: string, applicationId: string) {
  return withTenant(db, tenantId, async (trx) => ({
    app: await trx.selectFrom('loan_applications').selectAll().where('application_id', '=', applicationId).executeTakeFirstOrThrow(),
    account: await trx.selectFrom('loan_accounts').selectAll().where('application_id', '=', applicationId).executeTakeFirst(),
    events: (await trx.selectFrom('events').select('event_type').where('aggregate_id', '=', applicationId).orderBy('created_at').execute()).map((e) => e.event_type),
    notifications: await trx.selectFrom('notifications').selectAll().where('idempotency_key', 'like', `loan:${applicationId}:%`).execute(),
    deadLetters: await trx.selectFrom('dead_letters').selectAll().where('workflow_id', '=', loanWorkflowId(tenantId, applicationId)).execute(),
  }));
}

function holdingDocumentChecks(services: ReturnType<typeof loanServices>): ReturnType<typeof loanServices> {
  return {
    ...services,
    loanChecks: {
      ...services.loanChecks,
      verifyLoanDocuments: async (input) => {
        await held.get(input.application.applicationId);
        return testDocumentCheck(input);
      },
    },
  };
}

describe('loan processing on the real Temporal server', () => {
  before(async () => {
    world = await startLoanWorld();
    const webhook = { url: world.webhooks.url, secret: world.webhooks.secret };
    const tenants = [testTenant('acme', webhook), testTenant('zenith', webhook, testPolicy('zenith', { mode: 'parallel' }))];
    workers = await createWorkers({
      config,
      tenants,
      services: holdingDocumentChecks(loanServices({ bureauA: world.bureauA.url, bureauB: world.bureauB.url, payments: world.payments.url, paymentsKey: world.payments.apiKey })),
    });
    metis = await createMetis({ ...config, tenants });
  });
  after(async () => {
    await metis.close();
    await workers.shutdown();
    await world.close();
    await db.destroy();
  });

  test('approve: a prime salaried applicant is approved, paid out and notified once', async () => {
    const app = application(panWithScore(780, 900));
    await metis.tenant(acme).loans.apply(app);
    const decision = await metis.tenant(acme).loans.waitForDecision(app.applicationId);
    assert.equal(decision.outcome, 'approve');
    assert.equal(decision.decidedBy, 'rules');
    assert.ok(decision.reasons.some((r) => r.includes('prime_salaried')), decision.reasons.join('\n'));
    const view = await waitFor(async () => {
      const v = await metis.tenant(acme).loans.get(app.applicationId);
      return v.stage === 'done' ? v : undefined;
    }, 20_000, 'the loan to finish');
    assert.deepEqual(view.steps.map((s) => s.step), ['received', 'documents', 'bureau', 'risk', 'decision', 'disbursement', 'notification']);
    const row = await stored(acme, app.applicationId);
    assert.equal(row.app.status, 'disbursed');
    assert.equal(row.account?.status, 'disbursed');
    assert.deepEqual(row.events, ['LOAN_APPLIED', 'LOAN_APPROVED']);
    assert.equal(row.notifications.length, 1);
    assert.equal(row.notifications[0]?.status, 'delivered');
    const hooks = world.webhooks.received().filter((h) => h.body.data['applicationId'] === app.applicationId);
    assert.equal(hooks.length, 1);
    assert.ok(hooks[0]?.signatureValid, 'the webhook signature verifies');
    assert.equal(hooks[0]?.body.data['outcome'], 'approve');
    assert.equal(world.payments.transfers().filter((t) => t.reference === `${acme}:${app.applicationId}`).length, 1);
  });

  test('reject: a bureau score under the floor is rejected with its reason', async () => {
    const app = application(panWithScore(300, 600));
    await metis.tenant(acme).loans.apply(app);
    const decision = await metis.tenant(acme).loans.waitForDecision(app.applicationId);
    assert.equal(decision.outcome, 'reject');
    assert.ok(decision.reasons.some((r) => r.includes('bureau_floor')));
    const row = await waitFor(async () => {
      const r = await stored(acme, app.applicationId);
      return r.notifications.length === 1 ? r : undefined;
    }, 20_000, 'the rejection notice');
    assert.equal(row.app.status, 'rejected');
    assert.equal(row.account, undefined, 'no account for a rejected loan');
    assert.deepEqual(row.events, ['LOAN_APPLIED', 'LOAN_REJECTED']);
  });

  test('manual review: the rules cannot decide, an underwriter approves', async () => {
    const app = application(panWithScore(690, 720));
    await metis.tenant(acme).loans.apply(app);
    const proposal = await metis.tenant(acme).loans.waitForDecision(app.applicationId);
    assert.equal(proposal.outcome, 'manual_review');
    await assert.rejects(metis.tenant(acme).loans.review(app.applicationId, { outcome: 'approve', reviewer: '', reason: 'x' }), RequestRefusedError);
    const reviewed = await metis.tenant(acme).loans.review(app.applicationId, { outcome: 'approve', reviewer: 'uw-42', reason: 'stable employer, verified income', approvedAmount: 250_000 });
    assert.equal(reviewed.decision?.outcome, 'approve');
    assert.equal(reviewed.decision?.decidedBy, 'uw-42');
    assert.equal(reviewed.decision?.approvedAmount, 250_000);
    const row = await waitFor(async () => {
      const r = await stored(acme, app.applicationId);
      return r.app.status === 'disbursed' ? r : undefined;
    }, 20_000, 'the payout');
    assert.equal(row.account?.amount, '250000.00');
    assert.deepEqual(row.events, ['LOAN_APPLIED', 'LOAN_MANUAL_REVIEW', 'LOAN_APPROVED']);
    await assert.rejects(metis.tenant(acme).loans.review(app.applicationId, { outcome: 'reject', reviewer: 'uw-43', reason: 'second opinion' }), RequestRefusedError);
  });

  test('high value: above ₹10,00,000 takes the manual review path, here rejected', async () => {
    const app = application(panWithScore(790, 900), { amount: 1_500_000, tenureMonths: 60 }, { monthlyIncome: 400_000 });
    await metis.tenant(acme).loans.apply(app);
    const proposal = await metis.tenant(acme).loans.waitForDecision(app.applicationId);
    assert.equal(proposal.outcome, 'manual_review');
    assert.ok(proposal.reasons.some((r) => r.includes('high-value')), proposal.reasons.join('\n'));
    const view = await metis.tenant(acme).loans.review(app.applicationId, { outcome: 'reject', reviewer: 'uw-9', reason: 'exposure limit' });
    assert.equal(view.highValue, true);
    assert.equal(view.decision?.outcome, 'reject');
    const row = await stored(acme, app.applicationId);
    assert.equal(row.app.status, 'rejected');
  });

  test('parallel mode runs documents and bureau at once and decides', async () => {
    const app = application(panWithScore(780, 900));
    await metis.tenant(zenith).loans.apply(app);
    const decision = await metis.tenant(zenith).loans.waitForDecision(app.applicationId);
    assert.ok(['approve', 'reject', 'manual_review'].includes(decision.outcome));
    const view = await metis.tenant(zenith).loans.get(app.applicationId);
    assert.ok(view.credit && view.documents, 'both checks ran');
    assert.deepEqual(view.steps.slice(1, 3).map((s) => s.step).sort(), ['bureau', 'documents']);
    // With the default settings, the loan's history holds the applicant's data only encrypted.
    await assertNoClearPii(metis.temporal, config.temporal.namespace, loanWorkflowId(zenith, app.applicationId), [app.applicant.pan, app.applicant.name, '9876543210', '1990-04-01']);
  });

  test('all bureaus down: the application goes to manual review, not a crash', async () => {
    await world.bureauA.setFaults({ down: '503' });
    await world.bureauB.setFaults({ down: '503' });
    try {
      const app = application(panWithScore(780, 900));
      await metis.tenant(acme).loans.apply(app);
      const proposal = await metis.tenant(acme).loans.waitForDecision(app.applicationId);
      assert.equal(proposal.outcome, 'manual_review');
      assert.ok(proposal.reasons.some((r) => r.includes('Credit bureau unavailable')), proposal.reasons.join('\n'));
      const view = await metis.tenant(acme).loans.get(app.applicationId);
      assert.equal(view.credit, null);
    } finally {
      await world.bureauA.clearFaults();
      await world.bureauB.clearFaults();
    }
  });

  test('a refused payout compensates, dead-letters, and succeeds when retried from the dead letter', async () => {
    world.payments.setFaults({ refuse: true });
    const app = application(panWithScore(780, 900));
    await metis.tenant(acme).loans.apply(app);
    const handle = metis.temporal.workflow.getHandle(loanWorkflowId(acme, app.applicationId));
    await assert.rejects(handle.result(), (error: Error) => {
      assert.match(String(error.cause instanceof Error ? error.cause.message : error.message), /beneficiary account rejected/);
      return true;
    });
    let row = await stored(acme, app.applicationId);
    assert.equal(row.app.status, 'failed');
    assert.equal(row.account?.status, 'closed', 'the account opened for the payout was closed again');
    assert.equal(row.deadLetters.length, 1);
    assert.ok(row.events.includes('LOAN_APPROVED'));
    const alerts = await withTenant(db, acme, (trx) => trx.selectFrom('events').select('payload').where('event_type', '=', 'WORKFLOW_DEAD_LETTERED').where('aggregate_id', '=', loanWorkflowId(acme, app.applicationId)).execute());
    assert.equal(alerts.length, 1);

    world.payments.setFaults({});
    const open = await metis.tenant(acme).deadLetters.list('open');
    const letter = open.find((d) => d.workflowId === loanWorkflowId(acme, app.applicationId));
    assert.ok(letter, 'the dead letter is listed');
    await metis.tenant(acme).deadLetters.retry(letter.deadLetterId);
    const view = await metis.temporal.workflow.getHandle<typeof loanProcessingWorkflow>(loanWorkflowId(acme, app.applicationId)).result();
    assert.equal(view.stage, 'done');
    row = await stored(acme, app.applicationId);
    assert.equal(row.app.status, 'disbursed');
    assert.equal(row.events.filter((e) => e === 'LOAN_APPROVED').length, 1, 'one decision');
    assert.equal(row.notifications.length, 1, 'one notification');
    assert.equal((await metis.tenant(acme).deadLetters.list('retried')).some((d) => d.deadLetterId === letter.deadLetterId), true);
  });

  test('waitForDecision is pushed by an Update: no query polling, prompt; a timed-out wait\'s Update ends too; a closed loan still answers', async () => {
    const app = application(panWithScore(780, 900));
    const workflowId = loanWorkflowId(acme, app.applicationId);
    const calls = { queries: 0, decisionUpdates: 0 };
    const counter: WorkflowClientInterceptor = {
      async query(input, next) {
        if (input.workflowExecution.workflowId === workflowId) calls.queries += 1;
        return next(input);
      },
      async startUpdate(input, next) {
        if (input.workflowExecution.workflowId === workflowId && input.updateName === 'metis.loan.decision') calls.decisionUpdates += 1;
        return next(input);
      },
    };
    const interceptors = metis.temporal.workflow.options.interceptors;
    assert.ok(Array.isArray(interceptors), 'the client has a list of interceptors to count with');
    interceptors.push(counter);
    // A slow bureau holds the decision back long enough to time out first, then to wait for it.
    await world.bureauA.setFaults({ latencyMs: 1_500 });
    try {
      await metis.tenant(acme).loans.apply(app);
      const started = Date.now();
      await assert.rejects(metis.tenant(acme).loans.waitForDecision(app.applicationId, { timeoutMs: 300 }), (error: unknown) => error instanceof MetisError && error.code === 'LOAN_DECISION_TIMEOUT');
      assert.ok(Date.now() - started < 1_200, `the timeout fired after ${Date.now() - started} ms`);

      const decision = await metis.tenant(acme).loans.waitForDecision(app.applicationId);
      const resolvedAt = Date.now();
      assert.equal(decision.outcome, 'approve');
      assert.equal(calls.queries, 0, 'waitForDecision asked no query: the decision was pushed, not polled');
      assert.equal(calls.decisionUpdates, 2);

      await waitFor(async () => ((await metis.temporal.workflow.getHandle(workflowId).describe()).status.name === 'COMPLETED' ? true : undefined), 20_000, 'the loan to close');
      const updates = await decisionUpdates(workflowId);
      assert.equal(updates.length, 2, 'both Updates are in the history, the abandoned one too');
      const [abandoned, answered] = updates.map((u) => u.completed?.workflowExecutionUpdateCompletedEventAttributes?.outcome);
      assert.equal(abandoned?.failure?.applicationFailureInfo?.type, LOAN_DECISION_PENDING, 'the abandoned Update ended at its own deadline, without a decision');
      assert.equal(answered?.success?.payloads?.length, 1, 'the second Update completed with the decision');
      // The workflow task that sees the stored decision completes the Update; the waiting call hears of it then, not at a next poll
      // (a loose bound: the zero-query count above is what shows the push).
      const at = (e: HistoryEvent | undefined): number => Number(e?.eventTime?.seconds ?? 0) * 1000 + Math.floor((e?.eventTime?.nanos ?? 0) / 1e6);
      const decidedAt = at(updates[1]?.completed);
      assert.ok(decidedAt > 0, 'the Update completed in the history');
      assert.ok(resolvedAt - decidedAt < 1_000, `waitForDecision resolved ${resolvedAt - decidedAt} ms after the workflow answered its Update`);

      // Closed: no Update can be sent any more, so the answer comes from the closed workflow's query.
      assert.deepEqual(await metis.tenant(acme).loans.waitForDecision(app.applicationId), decision);
      await assert.rejects(metis.tenant(acme).loans.waitForDecision(uniqueId('no-such-app')), LoanNotFoundError);
    } finally {
      interceptors.splice(interceptors.indexOf(counter), 1);
      await world.bureauA.clearFaults();
    }
  });

  test('short waits do not pile up Updates: 12 waits of 200 ms on an undecided loan each time out and their Updates end; an argument-less Update still waits for the decision', async () => {
    const app = application(panWithScore(780, 900));
    const workflowId = loanWorkflowId(acme, app.applicationId);
    const release = hold(app.applicationId);
    try {
      await metis.tenant(acme).loans.apply(app);
      // More waits than the server's default limit of 10 Updates in flight per workflow (history.maxInFlightUpdates).
      for (let i = 0; i < 12; i += 1) {
        const started = Date.now();
        await assert.rejects(metis.tenant(acme).loans.waitForDecision(app.applicationId, { timeoutMs: 200 }), isTimeout);
        assert.ok(Date.now() - started < 2_000, `wait ${i + 1} timed out after ${Date.now() - started} ms`);
      }
      // Each Update gave up in the workflow shortly after its caller, while the loan was still undecided.
      const updates = await waitFor(async () => {
        const found = await decisionUpdates(workflowId);
        return found.length === 12 && found.every((u) => u.completed) ? found : undefined;
      }, 15_000, 'the 12 decision Updates to be accepted and completed');
      for (const { completed } of updates) {
        const failure = completed?.workflowExecutionUpdateCompletedEventAttributes?.outcome?.failure;
        assert.equal(failure?.applicationFailureInfo?.type, LOAN_DECISION_PENDING, `an Update ended with ${failure?.message ?? 'no failure'}`);
      }
      assert.equal((await metis.tenant(acme).loans.get(app.applicationId)).decision, null, 'the loan was held undecided throughout');
      // A client from before the timeout sends no argument: the Update waits for the decision as before.
      const oldStyle = metis.temporal.workflow.getHandle(workflowId).executeUpdate<StoredDecision, []>(loanDecisionUpdate.name);
      await waitFor(async () => ((await decisionUpdates(workflowId)).length === 13 ? true : undefined), 10_000, 'the argument-less Update to be accepted');
      release();
      assert.equal((await oldStyle).outcome, 'approve');
      assert.equal((await metis.tenant(acme).loans.waitForDecision(app.applicationId)).outcome, 'approve');
    } finally {
      release();
    }
  });

  test('a worker without the decision Update (older than the client): waitForDecision asks the loan query every pollMs instead', async () => {
    const app = application(panWithScore(780, 900));
    const workflowId = loanWorkflowId(acme, app.applicationId);
    const release = hold(app.applicationId);
    const calls = { queries: 0 };
    // The Update reaches the workflow under a name it has no handler for: what a worker from before the Update answers.
    const olderWorker: WorkflowClientInterceptor = {
      async startUpdate(input, next) {
        const mine = input.workflowExecution.workflowId === workflowId && input.updateName === loanDecisionUpdate.name;
        return next(mine ? { ...input, updateName: `${loanDecisionUpdate.name}.unknown` } : input);
      },
      async query(input, next) {
        if (input.workflowExecution.workflowId === workflowId) calls.queries += 1;
        return next(input);
      },
    };
    const interceptors = metis.temporal.workflow.options.interceptors;
    assert.ok(Array.isArray(interceptors), 'the client has a list of interceptors');
    try {
      await metis.tenant(acme).loans.apply(app);
      // The rejection the fallback recognises, as the real server and worker give it.
      await assert.rejects(metis.temporal.workflow.getHandle(workflowId).executeUpdate(`${loanDecisionUpdate.name}.unknown`), (error: unknown) => {
        assert.ok(error instanceof WorkflowUpdateFailedError, String(error));
        assert.ok(error.cause instanceof ApplicationFailure, String(error.cause));
        assert.equal(error.cause.message, `No registered handler for update: ${loanDecisionUpdate.name}.unknown`);
        return true;
      });

      interceptors.push(olderWorker);
      const started = Date.now();
      await assert.rejects(metis.tenant(acme).loans.waitForDecision(app.applicationId, { timeoutMs: 1_000, pollMs: 100 }), isTimeout);
      assert.ok(Date.now() - started < 3_000, `the timeout fired after ${Date.now() - started} ms`);
      assert.ok(calls.queries >= 2, `the loan query was asked ${calls.queries} times in 1,000 ms at 100 ms`);

      calls.queries = 0;
      const waiting = metis.tenant(acme).loans.waitForDecision(app.applicationId, { pollMs: 100 });
      await waitFor(() => Promise.resolve(calls.queries >= 2 ? true : undefined), 5_000, 'the fallback to poll');
      release();
      assert.equal((await waiting).outcome, 'approve');
      assert.deepEqual(await decisionUpdates(workflowId), [], 'no decision Update reached the workflow (a rejected Update leaves no history)');
    } finally {
      release();
      if (interceptors.includes(olderWorker)) interceptors.splice(interceptors.indexOf(olderWorker), 1);
    }
  });

  test('a loan that fails before its decision fails waitForDecision with LOAN_FAILED, whether it was waiting or asks later', async () => {
    const app = application('NOT-A-PAN');
    await metis.tenant(acme).loans.apply(app);
    const isLoanFailed = (error: unknown): boolean => error instanceof MetisError && error.code === 'LOAN_FAILED' && /failed/.test(error.message);
    await assert.rejects(metis.tenant(acme).loans.waitForDecision(app.applicationId), isLoanFailed);
    await assert.rejects(metis.temporal.workflow.getHandle(loanWorkflowId(acme, app.applicationId)).result());
    await assert.rejects(metis.tenant(acme).loans.waitForDecision(app.applicationId), isLoanFailed);
  });

  test('applying twice starts one workflow', async () => {
    const app = application(panWithScore(780, 900));
    const [a, b] = await Promise.all([metis.tenant(acme).loans.apply(app), metis.tenant(acme).loans.apply(app)]);
    assert.equal([a, b].filter((r) => r.started).length, 1);
    await metis.tenant(acme).loans.waitForDecision(app.applicationId);
    const again = await metis.tenant(acme).loans.apply(app);
    assert.equal(again.started, false);
    let runs = 0;
    for await (const _ of metis.temporal.workflow.list({ query: `WorkflowId = '${loanWorkflowId(acme, app.applicationId)}'` })) runs += 1;
    assert.equal(runs, 1);
  });
});
