// What every fault test checks once its load has settled, in PostgreSQL (per tenant, through
// withTenant) and in Temporal: every application decided once, no duplicate decision, payout or
// notification, nothing lost, each journey's audit seq contiguous from 1, and the journeys
// projection equal to the workflow's state.
import { withTenant } from '@metis/activities/storage';
import { journeyWorkflowId, loanWorkflowId, MetisState } from '@metis/workflows';
import type { Chaos } from './harness.ts';
import { sleep } from './harness.ts';
import type { PlannedJourney, PlannedLoan, SampleTenant } from './load.ts';
import { pool, tenantId, TENANTS } from './load.ts';

/** Counts of a checked load, for the table. */
export interface Checked {
  readonly violations: string[];
  readonly loans: number;
  readonly approved: number;
  readonly rejected: number;
  readonly decisions: number;
  readonly payouts: number;
  readonly notifications: number;
  readonly journeys: number;
  readonly auditRows: number;
  readonly queried: number;
}

const byTenant = <T extends { tenant: SampleTenant }>(items: readonly T[], tenant: SampleTenant): T[] => items.filter((i) => i.tenant === tenant);
const chunks = <T>(items: readonly T[], size = 200): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));

/** How far the load has got in PostgreSQL: loans decided and finished, journeys done. */
export async function settledCounts(chaos: Chaos, journeys: readonly PlannedJourney[], loans: readonly PlannedLoan[]): Promise<{ decided: number; finished: number; journeysDone: number; journeySteps: number }> {
  let decided = 0;
  let finished = 0;
  let journeysDone = 0;
  let journeySteps = 0;
  for (const tenant of TENANTS) {
    const t = tenantId(tenant);
    const ids = byTenant(loans, tenant).map((l) => l.application.applicationId);
    const journeyIds = byTenant(journeys, tenant).map((j) => `kyc:${j.applicantId}`);
    await withTenant(chaos.db, t, async (trx) => {
      for (const part of chunks(ids)) {
        const rows = await trx.selectFrom('loan_applications').select(['application_id', 'status', 'decided_at']).where('application_id', 'in', part).execute();
        const delivered = new Set(
          (await trx.selectFrom('notifications').select('idempotency_key').where('idempotency_key', 'in', part.map((id) => `loan:${id}:decision:webhook`)).where('status', '=', 'delivered').execute()).map((n) => n.idempotency_key),
        );
        decided += rows.filter((r) => r.decided_at !== null).length;
        finished += rows.filter((r) => (r.status === 'disbursed' || r.status === 'rejected') && delivered.has(`loan:${r.application_id}:decision:webhook`)).length;
      }
      for (const part of chunks(journeyIds)) {
        const rows = await trx.selectFrom('journeys').select(['status', 'last_seq']).where('journey_id', 'in', part).execute();
        journeysDone += rows.filter((r) => r.status === 'done').length;
        journeySteps += rows.reduce((n, r) => n + r.last_seq, 0);
      }
    });
  }
  return { decided, finished, journeysDone, journeySteps };
}

/** Wait until every loan has finished and every journey is done in PostgreSQL, or throw with how far they got. */
export async function waitSettled(chaos: Chaos, journeys: readonly PlannedJourney[], loans: readonly PlannedLoan[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = { decided: 0, finished: 0, journeysDone: 0, journeySteps: 0 };
  for (;;) {
    try {
      last = await settledCounts(chaos, journeys, loans);
      if (last.finished === loans.length && last.journeysDone === journeys.length) return;
    } catch {
      // PostgreSQL may be coming back.
    }
    if (Date.now() > deadline) throw new Error(`not settled after ${timeoutMs} ms: ${last.finished}/${loans.length} loans finished (${last.decided} decided), ${last.journeysDone}/${journeys.length} journeys done`);
    await sleep(1_000);
  }
}

/** Check every invariant over the load; `querySample` journeys are also queried (their closed workflows replayed by a worker). */
export async function checkInvariants(chaos: Chaos, journeys: readonly PlannedJourney[], loans: readonly PlannedLoan[], options: { querySample?: number } = {}): Promise<Checked> {
  const violations: string[] = [];
  const fail = (message: string): void => {
    violations.push(message);
  };
  let approved = 0;
  let rejected = 0;
  let decisions = 0;
  let payouts = 0;
  let notifications = 0;
  let auditRows = 0;

  const transfers = new Map<string, { transferId: string; reversed: boolean }[]>();
  for (const t of chaos.world.payments.transfers()) transfers.set(t.reference, [...(transfers.get(t.reference) ?? []), t]);
  const deliveries = new Map<string, Set<string>>();
  for (const h of chaos.world.webhooks.received()) {
    const id = String(h.body.data['applicationId']);
    if (!h.signatureValid) fail(`webhook for ${id} has an invalid signature`);
    deliveries.set(id, (deliveries.get(id) ?? new Set()).add(h.deliveryId));
  }

  for (const tenant of TENANTS) {
    const t = tenantId(tenant);
    const mine = byTenant(loans, tenant);
    const ids = mine.map((l) => l.application.applicationId);
    const journeyIds = byTenant(journeys, tenant).map((j) => `kyc:${j.applicantId}`);
    const rows = await withTenant(chaos.db, t, async (trx) => {
      const out = { apps: [] as { application_id: string; status: string; decision: unknown }[], events: [] as { aggregate_id: string; event_type: string }[], accounts: [] as { application_id: string; status: string; disbursement_ref: string | null }[], notes: [] as { idempotency_key: string; status: string; channel: string }[], dead: [] as { workflow_id: string }[], journeys: [] as { journey_id: string; state: string; status: string; last_seq: number }[], transitions: [] as { journey_id: string; seq: number }[], journeyEvents: [] as { aggregate_id: string; event_type: string }[] };
      for (const part of chunks(ids)) {
        out.apps.push(...(await trx.selectFrom('loan_applications').select(['application_id', 'status', 'decision']).where('application_id', 'in', part).execute()));
        out.events.push(...(await trx.selectFrom('events').select(['aggregate_id', 'event_type']).where('aggregate_type', '=', 'loan').where('aggregate_id', 'in', part).execute()));
        out.accounts.push(...(await trx.selectFrom('loan_accounts').select(['application_id', 'status', 'disbursement_ref']).where('application_id', 'in', part).execute()));
        out.notes.push(...(await trx.selectFrom('notifications').select(['idempotency_key', 'status', 'channel']).where('idempotency_key', 'in', part.flatMap((id) => [`loan:${id}:decision:webhook`, `loan:${id}:decision:sms`])).execute()));
        out.dead.push(...(await trx.selectFrom('dead_letters').select('workflow_id').where('workflow_id', 'in', part.map((id) => loanWorkflowId(t, id))).execute()));
      }
      for (const part of chunks(journeyIds)) {
        out.journeys.push(...(await trx.selectFrom('journeys').select(['journey_id', 'state', 'status', 'last_seq']).where('journey_id', 'in', part).execute()));
        out.transitions.push(...(await trx.selectFrom('journey_transitions').select(['journey_id', 'seq']).where('journey_id', 'in', part).orderBy('journey_id').orderBy('seq').execute()));
        out.journeyEvents.push(...(await trx.selectFrom('events').select(['aggregate_id', 'event_type']).where('aggregate_type', '=', 'journey').where('aggregate_id', 'in', part).where('event_type', 'in', ['JOURNEY_STEP_COMPLETED', 'JOURNEY_COMPLETED']).execute()));
      }
      return out;
    });

    // Loans: decided once, paid out and notified once, nothing lost.
    const apps = new Map(rows.apps.map((a) => [a.application_id, a]));
    const countBy = <T>(items: readonly T[], key: (item: T) => string): Map<string, number> => {
      const m = new Map<string, number>();
      for (const item of items) m.set(key(item), (m.get(key(item)) ?? 0) + 1);
      return m;
    };
    const decisionEvents = countBy(rows.events.filter((e) => ['LOAN_APPROVED', 'LOAN_REJECTED', 'LOAN_DECISION_PENDING'].includes(e.event_type)), (e) => e.aggregate_id);
    const appliedEvents = countBy(rows.events.filter((e) => e.event_type === 'LOAN_APPLIED'), (e) => e.aggregate_id);
    const accounts = countBy(rows.accounts, (a) => a.application_id);
    const webhookNotes = rows.notes.filter((n) => n.channel === 'webhook');
    const notes = countBy(webhookNotes, (n) => n.idempotency_key);
    if (rows.dead.length > 0) fail(`${t}: ${rows.dead.length} dead letters (${rows.dead.slice(0, 3).map((d) => d.workflow_id).join(', ')})`);
    for (const l of mine) {
      const id = l.application.applicationId;
      const app = apps.get(id);
      if (!app) {
        fail(`${t} loan ${id}: no application row (lost)`);
        continue;
      }
      const outcome = (app.decision as { outcome?: string } | null)?.outcome;
      if (!outcome) fail(`${t} loan ${id}: no decision (status ${app.status})`);
      else if (outcome !== l.expected) fail(`${t} loan ${id}: decided ${outcome}, expected ${l.expected}`);
      const expectedStatus = l.expected === 'approve' ? 'disbursed' : 'rejected';
      if (app.status !== expectedStatus) fail(`${t} loan ${id}: status ${app.status}, expected ${expectedStatus}`);
      if ((decisionEvents.get(id) ?? 0) !== 1) fail(`${t} loan ${id}: ${decisionEvents.get(id) ?? 0} decision events`);
      if ((appliedEvents.get(id) ?? 0) !== 1) fail(`${t} loan ${id}: ${appliedEvents.get(id) ?? 0} LOAN_APPLIED events`);
      decisions += decisionEvents.get(id) ?? 0;
      const paid = transfers.get(`${t}:${id}`) ?? [];
      const account = rows.accounts.find((a) => a.application_id === id);
      if (l.expected === 'approve') {
        approved += outcome === 'approve' ? 1 : 0;
        if (paid.length !== 1) fail(`${t} loan ${id}: ${paid.length} payouts`);
        if (paid.some((p) => p.reversed)) fail(`${t} loan ${id}: payout reversed`);
        if ((accounts.get(id) ?? 0) !== 1 || account?.status !== 'disbursed' || account.disbursement_ref !== paid[0]?.transferId) fail(`${t} loan ${id}: account ${JSON.stringify(account ?? null)} does not record payout ${paid[0]?.transferId}`);
      } else {
        rejected += outcome === 'reject' ? 1 : 0;
        if (paid.length !== 0 || (accounts.get(id) ?? 0) !== 0) fail(`${t} loan ${id}: rejected but paid (${paid.length}) or given an account`);
      }
      payouts += paid.length;
      const key = `loan:${id}:decision:webhook`;
      if ((notes.get(key) ?? 0) !== 1) fail(`${t} loan ${id}: ${notes.get(key) ?? 0} notifications`);
      else if (webhookNotes.find((n) => n.idempotency_key === key)?.status !== 'delivered') fail(`${t} loan ${id}: notification not delivered`);
      const ids2 = deliveries.get(id)?.size ?? 0;
      if (ids2 !== 1) fail(`${t} loan ${id}: webhook received under ${ids2} delivery ids`);
      notifications += notes.get(key) ?? 0;
    }

    // Journeys: done, audit seq 1..n, projection = workflow.
    const projections = new Map(rows.journeys.map((j) => [j.journey_id, j]));
    const seqs = new Map<string, number[]>();
    for (const tr of rows.transitions) seqs.set(tr.journey_id, [...(seqs.get(tr.journey_id) ?? []), tr.seq]);
    const stepEvents = countBy(rows.journeyEvents.filter((e) => e.event_type === 'JOURNEY_STEP_COMPLETED'), (e) => e.aggregate_id);
    const completedEvents = countBy(rows.journeyEvents.filter((e) => e.event_type === 'JOURNEY_COMPLETED'), (e) => e.aggregate_id);
    auditRows += rows.transitions.length;
    for (const j of byTenant(journeys, tenant)) {
      const id = `kyc:${j.applicantId}`;
      const p = projections.get(id);
      if (!p) {
        fail(`${t} journey ${id}: no projection row (lost)`);
        continue;
      }
      if (p.status !== 'done' || p.state !== 'completed') fail(`${t} journey ${id}: projection ${p.state}/${p.status}, expected completed/done`);
      if (p.last_seq !== j.expectedSeq) fail(`${t} journey ${id}: last_seq ${p.last_seq}, expected ${j.expectedSeq}`);
      const s = seqs.get(id) ?? [];
      if (s.length !== p.last_seq || s.some((v, i) => v !== i + 1)) fail(`${t} journey ${id}: audit seq ${JSON.stringify(s)} is not 1..${p.last_seq}`);
      if ((stepEvents.get(id) ?? 0) !== p.last_seq) fail(`${t} journey ${id}: ${stepEvents.get(id) ?? 0} JOURNEY_STEP_COMPLETED events for ${p.last_seq} steps`);
      if ((completedEvents.get(id) ?? 0) !== 1) fail(`${t} journey ${id}: ${completedEvents.get(id) ?? 0} JOURNEY_COMPLETED events`);
    }
  }

  // Temporal: every workflow closed as completed; the journeys' state as the projection says. A
  // workflow may take a last task to close after its final write.
  const closed = async (workflowId: string) => {
    const handle = chaos.metis.temporal.workflow.getHandle(workflowId);
    for (const deadline = Date.now() + 30_000; ; ) {
      const wf = await handle.describe();
      if (wf.status.name !== 'RUNNING' || Date.now() > deadline) return wf;
      await sleep(500);
    }
  };
  await pool(loans, 8, async (l) => {
    const wf = await closed(loanWorkflowId(tenantId(l.tenant), l.application.applicationId));
    if (wf.status.name !== 'COMPLETED') fail(`loan workflow ${wf.workflowId}: ${wf.status.name}`);
  });
  const projectionOf = async (j: PlannedJourney) =>
    withTenant(chaos.db, tenantId(j.tenant), (trx) => trx.selectFrom('journeys').select(['state', 'status', 'last_seq']).where('journey_id', '=', `kyc:${j.applicantId}`).executeTakeFirst());
  await pool(journeys, 8, async (j) => {
    const wf = await closed(journeyWorkflowId(tenantId(j.tenant), 'kyc', j.applicantId));
    if (wf.status.name !== 'COMPLETED') fail(`journey workflow ${wf.workflowId}: ${wf.status.name}`);
    const state = wf.typedSearchAttributes.get(MetisState);
    if (state !== 'completed') fail(`journey workflow ${wf.workflowId}: MetisState ${state}, projection completed`);
  });
  const sample = journeys.filter((_, i) => i % Math.max(1, Math.floor(journeys.length / (options.querySample ?? 10))) === 0).slice(0, options.querySample ?? 10);
  for (const j of sample) {
    const view = await chaos.metis.tenant(tenantId(j.tenant)).journeys.get(j.applicantId, 'kyc');
    const p = await projectionOf(j);
    if (!p || view.state !== p.state || view.status !== p.status || view.steps !== p.last_seq) fail(`journey ${j.applicantId}: workflow says ${view.state}/${view.status}/${view.steps}, projection ${JSON.stringify(p ?? null)}`);
  }

  return { violations, loans: loans.length, approved, rejected, decisions, payouts, notifications, journeys: journeys.length, auditRows, queried: sample.length };
}

/** The counts column of the table. */
export function describeChecked(c: Checked): string {
  return `${c.loans} loans: ${c.approved} approved, ${c.rejected} rejected, ${c.decisions} decisions, ${c.payouts} payouts, ${c.notifications} notifications; ${c.journeys} journeys done, ${c.auditRows} audit rows, ${c.queried} queried; ${c.violations.length} violations`;
}
