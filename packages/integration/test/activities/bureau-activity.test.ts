import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { BUREAU_FAILURE_TYPES, BureauConfigError, createBureauActivities, createBureauBreakers, createHttpBureauProvider, providerHealthEvent, pullWithWaterfall, summarizeCreditReport } from '@metis/activities/bureau';
import { createInMemoryMetrics } from '@metis/activities/metrics';
import { createPgDatabase } from '@metis/activities/storage';
import type { BureauBreakers, BureauProvider, CreditReport, TenantBureauConfig } from '@metis/activities/bureau';
import type { InMemoryMetrics } from '@metis/activities/metrics';
import type { MetisDatabase } from '@metis/activities/storage';
import { simulatedCreditProfile, startBureauSimulator } from '@metis/testing';
import type { BureauSimulator } from '@metis/testing';
import { DATABASE_URL, freshTenant } from './stack-env.ts';

const db = createPgDatabase<MetisDatabase>({ url: DATABASE_URL, pool: { max: 2, min: 0 } });
const applicant = { pan: 'KLMPS7310D', name: 'Meera Shah', dateOfBirth: '1979-01-31', phone: '+919812345678' };

/** Run a promise that must reject and return what it rejected with. */
async function rejection(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => assert.fail('expected a rejection'),
    (error: unknown) => error,
  );
}

describe('pullCreditReport activity', () => {
  let primary: BureauSimulator;
  let backup: BureauSimulator;
  let metrics: InMemoryMetrics;
  let breakers: BureauBreakers;
  let cfg: TenantBureauConfig;

  before(async () => {
    primary = await startBureauSimulator({ format: 'envelope-v1', name: 'primary' });
    backup = await startBureauSimulator({ format: 'metis-v1', name: 'backup' });
    metrics = createInMemoryMetrics();
    breakers = createBureauBreakers({ db, metrics });
    cfg = {
      providers: [
        { provider: createHttpBureauProvider(primary.providerConfig({ timeoutMs: 500 })), breaker: { volumeThreshold: 3 } },
        { provider: createHttpBureauProvider(backup.providerConfig({ timeoutMs: 500 })) },
      ],
    };
  });
  after(async () => {
    breakers.shutdown();
    await Promise.all([primary.close(), backup.close()]);
    await db.destroy();
  });

  test('serves the first provider’s report with nothing skipped, and counts it', async () => {
    const tenant = freshTenant('bureau-ok');
    const activities = createBureauActivities({ db, metrics, breakers, resolveBureauConfig: () => cfg });
    const { report, skipped } = await activities.pullCreditReport({ tenantId: tenant, applicationId: 'app-ok', applicant });
    assert.equal(report.provider, 'primary');
    assert.equal(report.score, simulatedCreditProfile(applicant.pan).score);
    assert.deepEqual(skipped, []);
    assert.equal(metrics.value('metis_bureau_pulls_total', { tenant, outcome: 'served', provider: 'primary' }), 1);
    assert.equal(metrics.value('metis_bureau_breaker_state', { tenant, provider: 'primary' }), 0);
  });

  test('the resolver picks each tenant’s own order', async () => {
    const first = freshTenant('bureau-first');
    const second = freshTenant('bureau-second');
    const reversed: TenantBureauConfig = { providers: [...cfg.providers].reverse() };
    const activities = createBureauActivities({ db, metrics, breakers, resolveBureauConfig: (t) => (t === second ? reversed : cfg) });
    assert.equal((await activities.pullCreditReport({ tenantId: first, applicationId: 'x', applicant })).report.provider, 'primary');
    assert.equal((await activities.pullCreditReport({ tenantId: second, applicationId: 'x', applicant })).report.provider, 'backup');
  });

  test('bad applicant data is a non-retryable InvalidApplicant failure and reaches no bureau', async () => {
    const activities = createBureauActivities({ db, metrics, breakers, resolveBureauConfig: () => cfg });
    primary.resetStats();
    const cases = [
      [{ ...applicant, pan: 'ABCDE12345' }, /pan:/],
      [{ ...applicant, pan: 'ABCXE1234F' }, /holder type/],
      [{ ...applicant, name: ' ' }, /name:/],
      [{ ...applicant, dateOfBirth: '1990-02-30' }, /dateOfBirth:/],
      [{ ...applicant, dateOfBirth: '2999-01-01' }, /dateOfBirth:/],
    ] as const;
    for (const [bad, pattern] of cases) {
      const error = await rejection(activities.pullCreditReport({ tenantId: freshTenant('bureau-bad'), applicationId: 'a', applicant: bad }));
      assert.ok(error instanceof ApplicationFailure);
      assert.equal(error.type, BUREAU_FAILURE_TYPES.invalidApplicant);
      assert.equal(error.nonRetryable, true);
      assert.match(error.message, pattern);
      assert.ok(!error.message.includes('ABCDE12345'), 'the message does not echo the PAN');
    }
    const badTenant = await rejection(activities.pullCreditReport({ tenantId: 'Not A Tenant', applicationId: 'a', applicant }));
    assert.equal((badTenant as ApplicationFailure).type, BUREAU_FAILURE_TYPES.invalidApplicant);
    assert.equal(primary.stats().requests, 0);
  });

  test('an unusable provider list is a non-retryable BureauConfigInvalid failure', async () => {
    const tenant = freshTenant('bureau-config');
    const p = cfg.providers[0]!;
    for (const config of [{ providers: [] }, { providers: [p, p] }]) {
      const activities = createBureauActivities({ db, metrics, breakers, resolveBureauConfig: () => config });
      const error = await rejection(activities.pullCreditReport({ tenantId: tenant, applicationId: 'a', applicant }));
      assert.ok(error instanceof ApplicationFailure);
      assert.equal(error.type, BUREAU_FAILURE_TYPES.invalidConfig);
      assert.equal(error.nonRetryable, true);
    }
    assert.throws(() => createHttpBureauProvider({ name: 'Bad Name', baseUrl: 'http://127.0.0.1:1', format: 'metis-v1' }), BureauConfigError);
    assert.throws(() => createHttpBureauProvider({ name: 'ok', baseUrl: 'not a url', format: 'metis-v1' }), BureauConfigError);
    const wrongBreaker = { providers: [{ provider: p.provider, breaker: { errorThresholdPercentage: 150 } }] };
    const activities = createBureauActivities({ db, metrics, breakers, resolveBureauConfig: () => wrongBreaker });
    assert.equal(((await rejection(activities.pullCreditReport({ tenantId: tenant, applicationId: 'a', applicant }))) as ApplicationFailure).type, 'BureauConfigInvalid');
  });

  test('an infrastructure error (the resolver failing) stays retryable', async () => {
    const activities = createBureauActivities({
      db,
      metrics,
      breakers,
      resolveBureauConfig: () => Promise.reject(new Error('settings store unreachable')),
    });
    const error = await rejection(activities.pullCreditReport({ tenantId: freshTenant('bureau-infra'), applicationId: 'a', applicant }));
    assert.ok(!(error instanceof ApplicationFailure), 'a plain error, which Temporal retries');
    assert.match((error as Error).message, /settings store unreachable/);
  });

  test('cancelling a pull stops waiting on a hanging bureau at once', async () => {
    const tenant = freshTenant('bureau-cancel');
    await primary.setFaults({ hang: true });
    try {
      const controller = new AbortController();
      const started = performance.now();
      setTimeout(() => controller.abort(new Error('activity cancelled')), 50);
      const error = await rejection(pullWithWaterfall({ tenantId: tenant, config: cfg, applicant, breakers, metrics, signal: controller.signal }));
      assert.match((error as Error).message, /activity cancelled/);
      assert.ok(performance.now() - started < 300, 'did not wait for the 500 ms timeout');
    } finally {
      await primary.clearFaults();
    }
  });

  test('a custom provider plugs into the waterfall like an HTTP one', async () => {
    const tenant = freshTenant('bureau-custom');
    const calls: string[] = [];
    const custom: BureauProvider = {
      name: 'in-house',
      timeoutMs: 200,
      pull(a) {
        calls.push(a.pan);
        return Promise.resolve({ provider: 'in-house', reportId: 'IH-1', generatedAt: new Date().toISOString(), score: 777, accounts: [], enquiries: [] });
      },
    };
    const { report } = await pullWithWaterfall({ tenantId: tenant, config: { providers: [{ provider: custom }] }, applicant, breakers, metrics });
    assert.equal(report.score, 777);
    assert.deepEqual(calls, [applicant.pan]);
  });

  test('event names and the report summary', () => {
    assert.equal(providerHealthEvent('a', false), 'PROVIDER_A_UNHEALTHY');
    assert.equal(providerHealthEvent('experian-in', true), 'PROVIDER_EXPERIAN_IN_HEALTHY');
    const report: CreditReport = {
      provider: 'a',
      reportId: 'r',
      generatedAt: '2026-10-31T00:00:00.000Z',
      score: 701,
      accounts: [
        { accountId: 'X1', type: 'credit_card', lender: 'L', status: 'active', openedOn: '2020-10-05', sanctionedAmount: 1, currentBalance: 1, daysPastDue: [{ month: '2026-09', days: 30 }, { month: '2025-01', days: 90 }] },
        { accountId: 'X2', type: 'personal_loan', lender: 'L', status: 'closed', openedOn: '2022-01-05', sanctionedAmount: 1, currentBalance: 0, daysPastDue: [] },
      ],
      enquiries: [
        { date: '2026-10-01', lender: 'L', purpose: 'personal_loan', amount: 1 },
        { date: '2026-01-01', lender: 'L', purpose: 'personal_loan', amount: 1 },
      ],
    };
    assert.deepEqual(summarizeCreditReport(report, new Date('2026-10-31T00:00:00Z')), {
      provider: 'a',
      reportId: 'r',
      score: 701,
      activeAccounts: 1,
      enquiriesLast6Months: 1,
      maxDaysPastDue: 30,
      historyMonths: 72,
      missedPayments12m: 1,
      openLoans: 0,
      revolvingUtilisation: 1,
    });
  });
});
