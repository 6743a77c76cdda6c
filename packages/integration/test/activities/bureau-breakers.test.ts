import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { BureauUnavailableError, createBureauActivities, createBureauBreakers, createHttpBureauProvider, pullWithWaterfall } from '@metis/activities/bureau';
import { createInMemoryMetrics } from '@metis/activities/metrics';
import { createPgDatabase, withTenant } from '@metis/activities/storage';
import type { BreakerSettings, BureauBreakers, TenantBureauConfig } from '@metis/activities/bureau';
import type { InMemoryMetrics } from '@metis/activities/metrics';
import type { MetisDatabase } from '@metis/activities/storage';
import { startBureauSimulator } from '@metis/testing';
import type { BureauSimulator } from '@metis/testing';
import { DATABASE_URL, freshTenant } from './stack-env.ts';

const db = createPgDatabase<MetisDatabase>({ url: DATABASE_URL, pool: { max: 4, min: 0 } });
const applicant = { pan: 'ABCPE1234F', name: 'Asha Verma', dateOfBirth: '1990-04-23' };
let a: BureauSimulator;
let b: BureauSimulator;
let c: BureauSimulator;

/** Read the tenant's provider health events in the order they were written. */
async function healthEvents(tenantId: string) {
  const rows = await withTenant(db, tenantId, (trx) =>
    trx.selectFrom('events').select(['event_type', 'aggregate_id', 'payload', 'idempotency_key']).where('aggregate_type', '=', 'bureau-provider').orderBy('created_at').execute(),
  );
  return rows.map((r) => ({ type: r.event_type, provider: r.aggregate_id, key: r.idempotency_key, payload: r.payload }));
}

/** Wait until a breaker reaches a state. */
async function waitForState(breakers: BureauBreakers, tenantId: string, provider: string, state: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (breakers.state(tenantId, provider) !== state) {
    if (Date.now() > deadline) throw new Error(`breaker ${provider} stayed ${breakers.state(tenantId, provider)}, expected ${state}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function config(breaker: Partial<BreakerSettings>, timeoutMs = 400, sims: BureauSimulator[] = [a, b]): TenantBureauConfig {
  return { providers: sims.map((s) => ({ provider: createHttpBureauProvider(s.providerConfig({ timeoutMs })), breaker })) };
}

describe('bureau breakers and waterfall, against simulated bureaus', () => {
  let metrics: InMemoryMetrics;
  let breakers: BureauBreakers;

  before(async () => {
    [a, b, c] = await Promise.all([
      startBureauSimulator({ format: 'metis-v1', name: 'a', auth: { kind: 'bearer', token: 'token-a' } }),
      startBureauSimulator({ format: 'tradeline-v2', name: 'b', auth: { kind: 'api-key', header: 'x-api-key', key: 'key-b' } }),
      startBureauSimulator({ format: 'envelope-v1', name: 'c', auth: { kind: 'basic', username: 'metis', password: 'secret-c' } }),
    ]);
    metrics = createInMemoryMetrics();
    breakers = createBureauBreakers({ db, metrics, workerId: 'test-worker' });
  });
  after(async () => {
    breakers.shutdown();
    await Promise.all([a.close(), b.close(), c.close()]);
    await db.destroy();
  });

  test('A answering 503: its breaker opens at the volume threshold, B serves, and A gets no more requests', async () => {
    const tenant = freshTenant('bureau-open');
    const cfg = config({ volumeThreshold: 3, errorThresholdPercentage: 50, resetTimeoutMs: 600 });
    await a.setFaults({ down: '503' });
    a.resetStats();
    try {
      for (let i = 1; i <= 3; i++) {
        const { report, skipped } = await pullWithWaterfall({ tenantId: tenant, config: cfg, applicant, breakers, metrics });
        assert.equal(report.provider, 'b');
        assert.deepEqual(skipped.map((s) => [s.provider, s.kind]), [['a', 'server_error']]);
        assert.equal(breakers.state(tenant, 'a'), i < 3 ? 'closed' : 'open', `after pull ${i}`);
      }
      assert.equal(a.stats().requests, 3);
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        const { report, skipped } = await pullWithWaterfall({ tenantId: tenant, config: cfg, applicant, breakers, metrics });
        assert.equal(report.provider, 'b');
        assert.deepEqual(skipped.map((s) => [s.provider, s.kind]), [['a', 'circuit_open']]);
        assert.ok(skipped[0]!.elapsedMs < 150, `an open breaker fails fast, not after the 400 ms timeout (${skipped[0]!.elapsedMs} ms)`);
        assert.ok(performance.now() - started < 350, 'the whole pull takes less than A alone would');
      }
      assert.equal(a.stats().requests, 3, 'an open breaker sends nothing to A');
      await breakers.flush();
      const events = await healthEvents(tenant);
      assert.deepEqual(events.map((e) => e.type), ['PROVIDER_A_UNHEALTHY']);
      assert.equal(events[0]!.payload['lastFailure'], 'server_error');
      assert.equal(events[0]!.payload['transition'], 1);
      assert.equal(metrics.value('metis_bureau_breaker_state', { tenant, provider: 'a' }), 2);
      assert.equal(metrics.value('metis_bureau_attempts_total', { tenant, provider: 'a', outcome: 'circuit_open' }), 5);
      assert.equal(metrics.value('metis_bureau_pulls_total', { tenant, provider: 'b', outcome: 'served' }), 8);

      // A recovers: after the reset timeout one probe goes through, succeeds, and closes the breaker.
      await a.clearFaults();
      await waitForState(breakers, tenant, 'a', 'half-open');
      const { report } = await pullWithWaterfall({ tenantId: tenant, config: cfg, applicant, breakers, metrics });
      assert.equal(report.provider, 'a');
      assert.equal(breakers.state(tenant, 'a'), 'closed');
      assert.equal(a.stats().requests, 4);
      await breakers.flush();
      const after = await healthEvents(tenant);
      assert.deepEqual(after.map((e) => e.type), ['PROVIDER_A_UNHEALTHY', 'PROVIDER_A_HEALTHY']);
      assert.deepEqual(after.map((e) => e.payload['transition']), [1, 2]);
      assert.notEqual(after[0]!.key, after[1]!.key, 'one idempotency key per transition');
      assert.equal(metrics.value('metis_bureau_breaker_state', { tenant, provider: 'a' }), 0);
      assert.equal(metrics.value('metis_bureau_breaker_transitions_total', { tenant, provider: 'a', to: 'half-open' }), 1);
    } finally {
      await a.clearFaults();
    }
  });

  test('A refusing connections: a failed probe re-opens without a second event; in half-open exactly one probe reaches A', async () => {
    const tenant = freshTenant('bureau-probe');
    const cfg = config({ volumeThreshold: 2, resetTimeoutMs: 300 });
    await a.setFaults({ down: 'refuse' });
    try {
      for (let i = 0; i < 2; i++) {
        const { skipped } = await pullWithWaterfall({ tenantId: tenant, config: cfg, applicant, breakers, metrics });
        assert.equal(skipped[0]?.kind, 'connection');
      }
      assert.equal(breakers.state(tenant, 'a'), 'open');
      await waitForState(breakers, tenant, 'a', 'half-open');
      const probe = await pullWithWaterfall({ tenantId: tenant, config: cfg, applicant, breakers, metrics });
      assert.deepEqual(probe.skipped.map((s) => s.kind), ['connection'], 'the probe was a real request, and it failed');
      assert.equal(breakers.state(tenant, 'a'), 'open');
      assert.equal(metrics.value('metis_bureau_breaker_transitions_total', { tenant, provider: 'a', to: 'open' }), 2);

      await a.clearFaults();
      a.resetStats();
      await waitForState(breakers, tenant, 'a', 'half-open');
      const results = await Promise.all(Array.from({ length: 6 }, () => pullWithWaterfall({ tenantId: tenant, config: cfg, applicant, breakers, metrics })));
      assert.equal(a.stats().requests, 1, 'one probe while half-open');
      assert.equal(results.filter((r) => r.report.provider === 'a').length, 1);
      assert.equal(results.filter((r) => r.skipped[0]?.kind === 'circuit_open').length, 5);
      assert.equal(breakers.state(tenant, 'a'), 'closed');
      await breakers.flush();
      assert.deepEqual((await healthEvents(tenant)).map((e) => e.type), ['PROVIDER_A_UNHEALTHY', 'PROVIDER_A_HEALTHY']);
    } finally {
      await a.clearFaults();
    }
  });

  test('all providers down: BureauUnavailableError lists every reason; the activity fails non-retryably; a retry sends no request', async () => {
    const tenant = freshTenant('bureau-down');
    const cfg = config({ volumeThreshold: 2, resetTimeoutMs: 60_000 }, 300, [a, b, c]);
    const activities = createBureauActivities({ db, metrics, breakers, resolveBureauConfig: () => cfg });
    await a.setFaults({ down: '503' });
    await b.setFaults({ hang: true });
    await c.setFaults({ malformed: 'missing-score' });
    try {
      const direct = await pullWithWaterfall({ tenantId: tenant, config: cfg, applicant, breakers, metrics }).then(
        () => assert.fail('expected BureauUnavailableError'),
        (error: unknown) => error,
      );
      assert.ok(direct instanceof BureauUnavailableError);
      assert.equal(direct.code, 'BUREAU_UNAVAILABLE');
      assert.deepEqual(direct.attempts.map((x) => [x.provider, x.kind]), [['a', 'server_error'], ['b', 'timeout'], ['c', 'malformed']]);
      assert.match(direct.message, /a: server_error.*b: timeout.*c: malformed/);
      assert.ok(direct.attempts[1]!.elapsedMs >= 280 && direct.attempts[1]!.elapsedMs < 600, `b timed out after ${direct.attempts[1]!.elapsedMs} ms`);

      const input = { tenantId: tenant, applicationId: 'app-1', applicant };
      const failure = await activities.pullCreditReport(input).then(
        () => assert.fail('expected a failure'),
        (error: unknown) => error,
      );
      assert.ok(failure instanceof ApplicationFailure, 'an ApplicationFailure, not a plain error');
      assert.equal(failure.type, 'BureauUnavailable');
      assert.equal(failure.nonRetryable, true);
      const details = failure.details?.[0] as { code: string; attempts: { provider: string; kind: string }[] };
      assert.equal(details.code, 'BUREAU_UNAVAILABLE');
      assert.deepEqual(details.attempts.map((x) => x.kind), ['server_error', 'timeout', 'malformed']);
      for (const p of ['a', 'b', 'c']) assert.equal(breakers.state(tenant, p), 'open', `${p} is open after two failures`);

      // What a Temporal retry of the activity would do now: fail fast, no request to any provider.
      const before = [a, b, c].map((s) => s.stats().requests);
      const started = performance.now();
      const retry = await activities.pullCreditReport(input).then(
        () => assert.fail('expected a failure'),
        (error: unknown) => error as ApplicationFailure,
      );
      assert.ok(performance.now() - started < 250, 'fails fast, sooner than even one 300 ms provider timeout');
      assert.equal(retry.type, 'BureauUnavailable');
      assert.deepEqual((retry.details?.[0] as { attempts: { kind: string }[] }).attempts.map((x) => x.kind), ['circuit_open', 'circuit_open', 'circuit_open']);
      assert.deepEqual([a, b, c].map((s) => s.stats().requests), before);

      await breakers.flush();
      const events = await healthEvents(tenant);
      assert.deepEqual(events.map((e) => e.type).sort(), ['PROVIDER_A_UNHEALTHY', 'PROVIDER_B_UNHEALTHY', 'PROVIDER_C_UNHEALTHY']);
      assert.deepEqual(Object.fromEntries(events.map((e) => [e.provider, e.payload['lastFailure']])), { a: 'server_error', b: 'timeout', c: 'malformed' });
    } finally {
      await Promise.all([a.clearFaults(), b.clearFaults(), c.clearFaults()]);
    }
  });

  test('each tenant has its own breaker for the same provider, and its events go to its own outbox', async () => {
    const noisy = freshTenant('bureau-noisy');
    const quiet = freshTenant('bureau-quiet');
    const cfg = config({ volumeThreshold: 2 });
    await a.setFaults({ down: '503' });
    try {
      for (let i = 0; i < 2; i++) await pullWithWaterfall({ tenantId: noisy, config: cfg, applicant, breakers, metrics });
      assert.equal(breakers.state(noisy, 'a'), 'open');
      assert.equal(breakers.state(quiet, 'a'), undefined);
      await a.clearFaults();
      const { report } = await pullWithWaterfall({ tenantId: quiet, config: cfg, applicant, breakers, metrics });
      assert.equal(report.provider, 'a', "the other tenant's breaker is closed");
      await breakers.flush();
      assert.equal((await healthEvents(noisy)).length, 1);
      assert.equal((await healthEvents(quiet)).length, 0);
    } finally {
      await a.clearFaults();
    }
  });
});
