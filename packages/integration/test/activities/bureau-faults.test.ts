import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BureauProviderError, createBureauBreakers, createHttpBureauProvider, MalformedBureauResponseError, pullWithWaterfall } from '@metis/activities/bureau';
import { createInMemoryMetrics } from '@metis/activities/metrics';
import { createPgDatabase } from '@metis/activities/storage';
import type { BreakerSettings, BureauBreakers, BureauFormatName, BureauProvider, CreditReport, TenantBureauConfig } from '@metis/activities/bureau';
import type { InMemoryMetrics } from '@metis/activities/metrics';
import type { MetisDatabase } from '@metis/activities/storage';
import { simulatedCreditProfile, startBureauSimulator } from '@metis/testing';
import type { BureauFaults, BureauSimulator } from '@metis/testing';
import { DATABASE_URL, freshTenant } from './stack-env.ts';

const db = createPgDatabase<MetisDatabase>({ url: DATABASE_URL, pool: { max: 2, min: 0 } });
const applicant = { pan: 'BQRPK4821M', name: 'Ravi Kulkarni', dateOfBirth: '1985-11-02' };
const FORMATS: BureauFormatName[] = ['metis-v1', 'tradeline-v2', 'envelope-v1'];
const sims = new Map<BureauFormatName, BureauSimulator>();

function sim(format: BureauFormatName): BureauSimulator {
  const s = sims.get(format);
  assert.ok(s);
  return s;
}

function provider(format: BureauFormatName, timeoutMs = 400): BureauProvider {
  return createHttpBureauProvider(sim(format).providerConfig({ timeoutMs }));
}

/** Pull straight from one provider and return the error it throws. */
async function failure(p: BureauProvider): Promise<BureauProviderError> {
  return p.pull(applicant).then(
    () => assert.fail(`expected ${p.name} to fail`),
    (error: unknown) => {
      assert.ok(error instanceof BureauProviderError, `a BureauProviderError, got ${String(error)}`);
      return error;
    },
  );
}

async function withFaults<T>(format: BureauFormatName, faults: BureauFaults, work: () => Promise<T>): Promise<T> {
  await sim(format).setFaults(faults);
  try {
    return await work();
  } finally {
    await sim(format).clearFaults();
  }
}

/** The report minus what differs by provider. */
const content = (r: CreditReport) => ({ score: r.score, accounts: r.accounts, enquiries: r.enquiries });

describe('bureau providers under injected faults', () => {
  let metrics: InMemoryMetrics;
  let breakers: BureauBreakers;

  before(async () => {
    for (const format of FORMATS) sims.set(format, await startBureauSimulator({ format, seed: 7 }));
    metrics = createInMemoryMetrics();
    breakers = createBureauBreakers({ db, metrics });
  });
  after(async () => {
    breakers.shutdown();
    await Promise.all([...sims.values()].map((s) => s.close()));
    await db.destroy();
  });

  const waterfall = (tenantId: string, first: BureauFormatName, breaker: Partial<BreakerSettings>, timeoutMs = 400): TenantBureauConfig => ({
    providers: [
      { provider: provider(first, timeoutMs), breaker },
      { provider: provider(first === 'metis-v1' ? 'tradeline-v2' : 'metis-v1', timeoutMs), breaker },
    ],
  });

  test('the three payload shapes map to the same report, the one derived from the PAN', async () => {
    for (const pan of ['BQRPK4821M', 'AAAPL1234C', 'ZXCPT9876Q', 'MNOPQ0001R']) {
      const person = { ...applicant, pan };
      const reports = await Promise.all(FORMATS.map((f) => provider(f).pull(person)));
      const profile = simulatedCreditProfile(pan);
      for (const r of reports) {
        assert.equal(r.score, profile.score);
        assert.equal(r.accounts.length, profile.accounts.length);
        assert.match(r.reportId, new RegExp(`^${r.provider.toUpperCase()}-[0-9a-f]{16}$`));
        assert.ok(!Number.isNaN(Date.parse(r.generatedAt)));
        assert.deepEqual(content(r), content(reports[0]!), `${r.provider} agrees with ${reports[0]!.provider} for ${pan}`);
      }
      const again = await provider('tradeline-v2').pull(person);
      assert.equal(again.reportId, reports[1]!.reportId, 'same applicant, same report id');
      assert.deepEqual(
        reports[0]!.accounts.map((a) => ({ ...a, daysPastDue: a.daysPastDue.slice(0, 3) })),
        profile.accounts.map(({ typeCode: _code, ...a }) => ({ ...a, daysPastDue: a.daysPastDue.slice(0, 3) })),
      );
    }
  });

  test('every kind of malformed body is a MalformedBureauResponseError for that provider, never a partial report', async () => {
    const kinds = ['not-json', 'truncated', 'missing-score', 'wrong-types', 'partial-account', 'other-subject'] as const;
    for (const format of FORMATS) {
      for (const malformed of kinds) {
        const error = await withFaults(format, { malformed }, () => failure(provider(format)));
        assert.ok(error instanceof MalformedBureauResponseError, `${format}/${malformed}: ${error.message}`);
        assert.equal(error.kind, 'malformed');
        assert.equal(error.code, 'BUREAU_MALFORMED_RESPONSE');
        assert.ok(error.issues.length > 0);
        assert.ok(!error.message.includes(applicant.pan), 'issues never echo the PAN');
      }
    }
    const wrong = await withFaults('metis-v1', { malformed: 'wrong-types' }, () => failure(provider('metis-v1')));
    assert.deepEqual((wrong as MalformedBureauResponseError).issues, ['score: expected an object, got string', 'accounts: expected an array, got string']);
  });

  test('malformed bodies count toward the breaker and the waterfall moves on', async () => {
    const tenant = freshTenant('bureau-malformed');
    const cfg = waterfall(tenant, 'envelope-v1', { volumeThreshold: 2 });
    await withFaults('envelope-v1', { malformed: 'partial-account' }, async () => {
      for (let i = 0; i < 3; i++) {
        const { report, skipped } = await pullWithWaterfall({ tenantId: tenant, config: cfg, applicant, breakers, metrics });
        assert.equal(report.provider, 'metis');
        assert.equal(skipped[0]?.kind, i < 2 ? 'malformed' : 'circuit_open');
      }
    });
    assert.equal(breakers.state(tenant, 'envelope'), 'open');
  });

  test('a slow answer past the timeout is a timeout; a slow one within it is served', async () => {
    const late = await withFaults('metis-v1', { latencyMs: 700 }, async () => {
      const started = performance.now();
      const error = await failure(provider('metis-v1', 300));
      return { error, elapsed: performance.now() - started };
    });
    assert.equal(late.error.kind, 'timeout');
    assert.ok(late.elapsed >= 290 && late.elapsed < 600, `gave up after ${Math.round(late.elapsed)} ms`);
    const ok = await withFaults('metis-v1', { latencyMs: 100 }, () => provider('metis-v1', 300).pull(applicant));
    assert.equal(ok.provider, 'metis');
  });

  test('a hanging bureau times out through the breaker, which then opens and stops waiting', async () => {
    const tenant = freshTenant('bureau-hang');
    const cfg = waterfall(tenant, 'tradeline-v2', { volumeThreshold: 2, timeoutMs: 250 }, 1000);
    await withFaults('tradeline-v2', { hang: true }, async () => {
      const elapsed: number[] = [];
      for (let i = 0; i < 4; i++) {
        const { report, skipped } = await pullWithWaterfall({ tenantId: tenant, config: cfg, applicant, breakers, metrics });
        assert.equal(report.provider, 'metis');
        assert.equal(skipped[0]?.kind, i < 2 ? 'timeout' : 'circuit_open');
        elapsed.push(skipped[0]?.elapsedMs ?? -1);
      }
      assert.ok(elapsed[0]! >= 240 && elapsed[0]! < 500, `the breaker timeout (250 ms) applies, not the provider's 1000 ms: ${elapsed[0]}`);
      assert.ok(elapsed[3]! < 150, `an open breaker skips at once: ${elapsed[3]} ms`);
      assert.equal(sim('tradeline-v2').stats().hung, 2);
    });
  });

  test('429 bursts: each rate-limited pull falls through to the next provider; the provider serves again after the burst', async () => {
    const tenant = freshTenant('bureau-429');
    const cfg = waterfall(tenant, 'metis-v1', { volumeThreshold: 10 });
    await withFaults('metis-v1', { rateLimitBurst: 3 }, async () => {
      const served: string[] = [];
      for (let i = 0; i < 5; i++) {
        const { report, skipped } = await pullWithWaterfall({ tenantId: tenant, config: cfg, applicant, breakers, metrics });
        served.push(report.provider);
        if (i < 3) assert.match(skipped[0]?.reason ?? '', /HTTP 429, retry after 1/);
      }
      assert.deepEqual(served, ['tradeline', 'tradeline', 'tradeline', 'metis', 'metis']);
    });
    assert.equal(metrics.value('metis_bureau_attempts_total', { tenant, provider: 'metis', outcome: 'rate_limited' }), 3);
    assert.equal(breakers.state(tenant, 'metis'), 'closed', 'below the volume threshold the breaker stays closed');
  });

  test('a 429 burst long enough opens the breaker, so the rate-limited bureau gets a rest', async () => {
    const tenant = freshTenant('bureau-429-open');
    const cfg = waterfall(tenant, 'metis-v1', { volumeThreshold: 3 });
    const s = sim('metis-v1');
    await withFaults('metis-v1', { rateLimitBurst: 50 }, async () => {
      s.resetStats();
      for (let i = 0; i < 10; i++) await pullWithWaterfall({ tenantId: tenant, config: cfg, applicant, breakers, metrics });
      assert.equal(s.stats().requests, 3);
      assert.equal(breakers.state(tenant, 'metis'), 'open');
    });
  });

  test('5xx bursts and a random error rate fall through to the next provider; a 50% error rate opens the breaker', async () => {
    const tenant = freshTenant('bureau-5xx');
    const cfg = waterfall(tenant, 'metis-v1', { volumeThreshold: 20, errorThresholdPercentage: 60 });
    await withFaults('metis-v1', { serverErrorBurst: 2 }, async () => {
      const first = await pullWithWaterfall({ tenantId: tenant, config: cfg, applicant, breakers, metrics });
      assert.deepEqual(first.skipped.map((x) => [x.kind, x.reason.includes('HTTP 502')]), [['server_error', true]]);
      await pullWithWaterfall({ tenantId: tenant, config: cfg, applicant, breakers, metrics });
      const third = await pullWithWaterfall({ tenantId: tenant, config: cfg, applicant, breakers, metrics });
      assert.equal(third.report.provider, 'metis');
    });
    const other = freshTenant('bureau-rate');
    const rated = waterfall(other, 'metis-v1', { volumeThreshold: 10, errorThresholdPercentage: 30 });
    await withFaults('metis-v1', { errorRate: 0.5 }, async () => {
      const kinds: string[] = [];
      for (let i = 0; i < 40 && breakers.state(other, 'metis') !== 'open'; i++) {
        const { report, skipped } = await pullWithWaterfall({ tenantId: other, config: rated, applicant, breakers, metrics });
        kinds.push(skipped[0]?.kind ?? report.provider);
      }
      assert.ok(kinds.includes('server_error') && kinds.includes('metis'), `both outcomes occur: ${kinds.join(',')}`);
      assert.equal(breakers.state(other, 'metis'), 'open');
    });
  });

  test('dropped connections, a 503 and wrong credentials are typed failures', async () => {
    assert.equal((await withFaults('envelope-v1', { down: 'reset' }, () => failure(provider('envelope-v1')))).kind, 'connection');
    assert.equal((await withFaults('envelope-v1', { down: 'refuse' }, () => failure(provider('envelope-v1')))).kind, 'connection');
    const unavailable = await withFaults('envelope-v1', { down: '503' }, () => failure(provider('envelope-v1')));
    assert.deepEqual([unavailable.kind, unavailable.status], ['server_error', 503]);
    const locked = await startBureauSimulator({ format: 'metis-v1', name: 'locked', auth: { kind: 'bearer', token: 'right' } });
    try {
      const wrong = await failure(createHttpBureauProvider(locked.providerConfig({ auth: { kind: 'bearer', token: 'wrong' } })));
      assert.deepEqual([wrong.kind, wrong.status], ['auth', 401]);
      assert.equal((await createHttpBureauProvider(locked.providerConfig()).pull(applicant)).provider, 'locked');
    } finally {
      await locked.close();
    }
  });

  test('faults can be switched over the admin endpoint while the simulator runs', async () => {
    const s = sim('tradeline-v2');
    const put = await fetch(`${s.url}/__admin/faults`, { method: 'PUT', body: JSON.stringify({ down: '503' }) });
    assert.deepEqual(await put.json(), { down: '503' });
    assert.equal((await failure(provider('tradeline-v2'))).status, 503);
    const cleared = await fetch(`${s.url}/__admin/faults`, { method: 'DELETE' });
    assert.deepEqual(await cleared.json(), {});
    assert.equal((await provider('tradeline-v2').pull(applicant)).provider, 'tradeline');
    const stats = (await (await fetch(`${s.url}/__admin/stats`)).json()) as { requests: number };
    assert.ok(stats.requests >= 2);
  });
});
