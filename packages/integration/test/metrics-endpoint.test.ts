// The workers serve Metis' metrics and Temporal's runtime metrics on one /metrics endpoint:
// scraped over HTTP after a KYC journey and a loan, with the expected labels and counts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { ConfigurationError } from '@metis/activities/errors';
import { createMetricsRegistry } from '@metis/activities/metrics';
import { sampleTenants } from '@metis/fsm';
import { createMetis } from '@metis/sdk';
import type { Metis } from '@metis/sdk';
import { activityMetricsInterceptor, createWorkers, tenantOfWorkflowId } from '@metis/worker';
import type { MetisWorkers } from '@metis/worker';
import type { Context } from '@temporalio/activity';
import { testConfig, uniqueId, waitFor } from '@metis/testing';
import { loanServices, panWithScore, startLoanWorld, testTenant } from './support/loan-services.ts';
import type { LoanWorld } from './support/loan-services.ts';

interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** Parse the Prometheus text format's samples (not its comments). */
function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m || line.startsWith('#')) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1] ?? ''] = l[2] ?? '';
    samples.push({ name: m[1] ?? '', labels, value: Number(m[3]) });
  }
  return samples;
}

const matching = (samples: readonly Sample[], name: string, labels: Record<string, string> = {}): Sample[] =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

const isConfigError = (code: string) => (error: unknown) => error instanceof ConfigurationError && error.code === code;

describe('the metrics registry', () => {
  test('keeps declared labels only, declares an unknown name on first use, never throws, and renders Prometheus text', async () => {
    const warnings: string[] = [];
    const registry = createMetricsRegistry({ onWarning: (m) => warnings.push(m) });
    registry.count('metis_bureau_pulls_total', 2, { tenant: 'acme-finance', outcome: 'served', provider: 'alpha', applicant: 'not-a-label' });
    registry.gauge('metis_bureau_breaker_state', 2, { tenant: 'acme-finance', provider: 'alpha' });
    registry.observe('metis_bureau_pull_seconds', 0.25, { tenant: 'acme-finance' });
    registry.observe('metis_bureau_pull_seconds', 0.5, { tenant: 'acme-finance' });
    registry.count('tenant_widgets_total', 1, { tenant: 'acme-finance', outcome: 'sold' });
    registry.count('bad name!', 1);
    registry.count('metis_bureau_pulls_total', Number.NaN, { tenant: 'acme-finance' });
    assert.equal(registry.value('metis_bureau_pulls_total', { tenant: 'acme-finance', outcome: 'served', provider: 'alpha' }), 2);
    assert.equal(registry.value('metis_bureau_breaker_state', { tenant: 'acme-finance', provider: 'alpha' }), 2);
    assert.equal(registry.value('metis_bureau_pull_seconds', { tenant: 'acme-finance' }), 0.75);
    assert.equal(registry.value('tenant_widgets_total', { tenant: 'acme-finance', outcome: 'sold' }), 1);
    const text = await registry.scrape();
    assert.match(text, /^metis_bureau_pulls_total\{tenant="acme-finance",outcome="served",provider="alpha"\} 2$/m);
    assert.match(text, /^metis_bureau_pull_seconds_count\{tenant="acme-finance"\} 2$/m);
    assert.match(text, /^# TYPE metis_processing_duration_seconds histogram$/m);
    assert.match(text, /^tenant_widgets_total\{tenant="acme-finance",outcome="sold"\} 1$/m);
    assert.ok(!text.includes('not-a-label'));
    assert.deepEqual(warnings, []);
  });

  test('a name outside the catalogue keeps only the allowed labels: an applicant id or a PAN is dropped, with one warning', async () => {
    const warnings: string[] = [];
    const registry = createMetricsRegistry({ onWarning: (m) => warnings.push(m) });
    for (const [applicant, pan] of [['A-1', 'ABCDE1234F'], ['A-2', 'PQRSX9876Z']] as const) {
      registry.count('tenant_checks_total', 1, { tenant: 'acme-finance', provider: 'alpha', applicant_id: applicant, pan });
    }
    registry.count('tenant_checks_total', 1, { tenant: 'acme-finance', provider: 'alpha', pool: 'default', email: 'rahul@example.com' });
    const text = await registry.scrape();
    assert.match(text, /^tenant_checks_total\{tenant="acme-finance",provider="alpha"\} 3$/m);
    for (const pii of ['A-1', 'ABCDE1234F', 'PQRSX9876Z', 'applicant_id', 'pan=', 'rahul@example.com', 'email']) assert.ok(!text.includes(pii), `${pii} is not served`);
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0] ?? '', /tenant_checks_total.*applicant_id, pan/);
  });

  test('scrape hooks run once for concurrent scrapes, are cached, never blank each other, and a failing or hung hook does not hold the scrape', async () => {
    const registry = createMetricsRegistry({ collectEveryMs: 300, collectTimeoutMs: 200 });
    let runs = 0;
    registry.onScrape(async () => {
      runs += 1;
      await new Promise((resolve) => setTimeout(resolve, 50));
      registry.gauge('metis_journeys', runs, { tenant: 'acme-finance', type: 'kyc', state: 'done' });
    });
    registry.onScrape(() => Promise.reject(new Error('database down')));
    registry.count('metis_bureau_pulls_total', 1, { tenant: 'acme-finance', outcome: 'served', provider: 'alpha' });
    const texts = await Promise.all([registry.scrape(), registry.scrape(), registry.scrape()]);
    assert.equal(runs, 1, 'one run for three concurrent scrapes');
    for (const text of texts) assert.match(text, /^metis_journeys\{tenant="acme-finance",type="kyc",state="done"\} 1$/m);
    assert.match(await registry.scrape(), /^metis_journeys\{[^}]*\} 1$/m);
    assert.equal(runs, 1, 'cached');
    await new Promise((resolve) => setTimeout(resolve, 350));
    // A new run starts; a scrape during it still sees the last run's values, never an empty gauge.
    const [during, after] = await Promise.all([registry.scrape(), new Promise((resolve) => setTimeout(resolve, 10)).then(() => registry.scrape())]);
    assert.equal(runs, 2);
    assert.match(during, /^metis_journeys\{[^}]*\} 2$/m);
    assert.match(after, /^metis_journeys\{[^}]*\} [12]$/m);

    const hung = createMetricsRegistry({ collectEveryMs: 0, collectTimeoutMs: 200 });
    let hungRuns = 0;
    hung.onScrape(() => {
      hungRuns += 1;
      return new Promise(() => undefined);
    });
    hung.count('metis_bureau_pulls_total', 1, { tenant: 'acme-finance', outcome: 'served', provider: 'alpha' });
    const started = performance.now();
    assert.match(await hung.scrape(), /^metis_bureau_pulls_total\{[^}]*\} 1$/m);
    assert.ok(performance.now() - started < 1_000, 'the scrape did not wait for the hung hook');
    await hung.scrape();
    assert.equal(hungRuns, 1, 'no second run while the first is under way');
  });
});

describe('the activity metrics interceptor', () => {
  test('times an activity by operation and tenant, and counts its failure by error code', async () => {
    const registry = createMetricsRegistry();
    const ctx = { info: { activityType: 'pullCreditReport', workflowExecution: { workflowId: 'loan:acme-finance:L-1', runId: 'r' } } } as unknown as Context;
    const inbound = activityMetricsInterceptor(registry)(ctx).inbound;
    assert.ok(inbound?.execute);
    await inbound.execute({ args: [], headers: {} }, () => Promise.resolve('ok'));
    const failure = Object.assign(new Error('no bureau'), { code: 'BUREAU_UNAVAILABLE' });
    await assert.rejects(inbound.execute({ args: [], headers: {} }, () => Promise.reject(failure)), failure);
    assert.equal(registry.series().find((s) => s.name === 'metis_processing_duration_seconds')?.count, 2);
    assert.equal(registry.value('metis_errors_total', { operation: 'pullCreditReport', tenant: 'acme-finance', type: 'BUREAU_UNAVAILABLE' }), 1);
    assert.equal(tenantOfWorkflowId('journey:zenith-microfinance:kyc:a-1'), 'zenith-microfinance');
    assert.equal(tenantOfWorkflowId('analytics-export:2026-11-30'), 'platform');
    assert.equal(tenantOfWorkflowId(undefined), 'platform');
    assert.equal(tenantOfWorkflowId('loan:platform:L-1'), 'platform');
    assert.equal(tenantOfWorkflowId('loan:Not_A_Tenant:L-1'), 'platform');
  });

  test('reports at most maxTenants distinct tenant labels, then other', async () => {
    const registry = createMetricsRegistry();
    const interceptor = activityMetricsInterceptor(registry, { maxTenants: 2 });
    for (const tenant of ['acme-finance', 'zenith-bank', 'made-up-1', 'made-up-2', 'acme-finance']) {
      const ctx = { info: { activityType: 'pullCreditReport', workflowExecution: { workflowId: `loan:${tenant}:L-1`, runId: 'r' } } } as unknown as Context;
      await interceptor(ctx).inbound?.execute?.({ args: [], headers: {} }, () => Promise.resolve('ok'));
    }
    const tenants = registry.series().filter((s) => s.name === 'metis_processing_duration_seconds').map((s) => `${s.labels['tenant']}=${s.count}`);
    assert.deepEqual(tenants.sort(), ['acme-finance=2', 'other=2', 'zenith-bank=1']);
  });
});

describe('/metrics served by the workers', () => {
  const config = testConfig({ temporal: { taskQueuePrefix: uniqueId('metrics') } });
  const acme = sampleTenants.acme;
  let world: LoanWorld;
  let workers: MetisWorkers;
  let metis: Metis;
  let url: string;

  before(async () => {
    world = await startLoanWorld();
    const tenants = [testTenant('acme', { url: world.webhooks.url, secret: world.webhooks.secret })];
    workers = await createWorkers({
      config,
      tenants,
      metricsAddress: '127.0.0.1:0',
      services: loanServices({ bureauA: world.bureauA.url, bureauB: world.bureauB.url, payments: world.payments.url, paymentsKey: world.payments.apiKey }),
    });
    assert.ok(workers.metricsUrl, 'the workers serve metrics');
    url = workers.metricsUrl;
    metis = await createMetis({ ...config, tenants });
  });
  after(async () => {
    await metis.close();
    await workers.shutdown();
    await world.close();
  });

  test('a bad address, an address held by another server, and another registry on a served address are ConfigurationErrors', async () => {
    await assert.rejects(createWorkers({ config, pools: { interactive: {} }, metricsAddress: 'localhost' }), isConfigError('METRICS_ADDRESS_INVALID'));
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const held = `127.0.0.1:${(holder.address() as AddressInfo).port}`;
    try {
      await assert.rejects(createWorkers({ config, pools: { interactive: {} }, metricsAddress: held }), (error: unknown) => isConfigError('METRICS_ADDRESS_IN_USE')(error) && String((error as Error).message).includes(held));
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
    const served = new URL(url).host;
    await assert.rejects(createWorkers({ config, pools: { interactive: {} }, metricsAddress: served, services: { metrics: createMetricsRegistry() } }), isConfigError('METRICS_ADDRESS_IN_USE'));
  });

  test('more workers of the same process share the endpoint, which outlives them', async () => {
    const more = await createWorkers({ config, pools: { interactive: {} }, metricsAddress: new URL(url).host });
    assert.equal(more.metricsUrl, url);
    await more.shutdown();
    const response = await fetch(url);
    assert.equal(response.status, 200);
  });

  test('after a KYC journey and a loan, one scrape holds Temporal series and Metis series by operation and tenant', async () => {
    const applicant = uniqueId('metrics-kyc');
    const kyc = metis.tenant(acme.tenantId).journeys;
    await kyc.submit(applicant, 'kyc', 'provide_personal_details', { name: 'Rahul Kumar Sharma', email: 'rahul@example.com', phone: '+919876543210', date_of_birth: '1990-04-01' }, { asOf: '2026-06-01' });
    const loan = {
      applicationId: uniqueId('metrics-loan'),
      amount: 300_000,
      tenureMonths: 36,
      purpose: 'home improvement',
      kycStatus: 'done' as const,
      applicant: { applicantId: uniqueId('metrics-cust'), name: 'Priya Sharma', pan: panWithScore(780, 900), dateOfBirth: '1990-04-01', monthlyIncome: 100_000, employmentType: 'salaried' as const, phone: '9876543210' },
    };
    await metis.tenant(acme.tenantId).loans.apply(loan);
    assert.equal((await metis.tenant(acme.tenantId).loans.waitForDecision(loan.applicationId)).outcome, 'approve');
    await waitFor(async () => ((await metis.tenant(acme.tenantId).loans.get(loan.applicationId)).stage === 'done' ? true : undefined), 30_000, 'the loan to finish');

    // The values read at scrape are cached for a few seconds: scrape until this journey is counted.
    let response: Response | undefined;
    let text = '';
    await waitFor(
      async () => {
        response = await fetch(url);
        text = await response.text();
        return (matching(parseSamples(text), 'metis_journeys', { tenant: acme.tenantId, type: 'kyc', state: 'provide_pan_details' })[0]?.value ?? 0) >= 1 ? true : undefined;
      },
      15_000,
      'the journey to be counted',
    );
    assert.equal(response?.status, 200);
    assert.match(response?.headers.get('content-type') ?? '', /^text\/plain/);
    const samples = parseSamples(text);

    // Temporal's runtime series, from its own exporter, on the same endpoint.
    const temporal = samples.filter((s) => s.name.startsWith('temporal_'));
    assert.ok(temporal.length > 0, 'Temporal series are served');
    assert.ok(temporal.some((s) => s.labels['task_queue']?.startsWith(config.temporal.taskQueuePrefix ?? '') && s.value > 0), 'a Temporal series of these workers counts something');

    // Metis: every activity timed, by operation and tenant.
    const timed = (operation: string): number => matching(samples, 'metis_processing_duration_seconds_count', { operation, tenant: acme.tenantId }).reduce((n, s) => n + s.value, 0);
    assert.ok(timed('recordJourneyTransition') >= 1, 'the journey step was timed');
    const loanOperations = matching(samples, 'metis_processing_duration_seconds_count', { tenant: acme.tenantId }).filter((s) => s.value > 0).map((s) => s.labels['operation']);
    assert.ok(loanOperations.length >= 4, `operations timed: ${loanOperations.join(', ')}`);
    assert.ok(matching(samples, 'metis_processing_duration_seconds_bucket', { tenant: acme.tenantId, le: '+Inf' }).length > 0, 'the histogram has buckets');
    assert.match(text, /# TYPE metis_errors_total counter/);

    // Computed at scrape: journeys by state from PostgreSQL, backlog from Temporal.
    const journeys = matching(samples, 'metis_journeys', { tenant: acme.tenantId, type: 'kyc', state: 'provide_pan_details' });
    assert.ok((journeys[0]?.value ?? 0) >= 1, `journeys: ${JSON.stringify(journeys)}`);
    for (const pool of ['interactive', 'default', 'ai']) {
      assert.equal(matching(samples, 'metis_task_queue_backlog', { task_queue: `${config.temporal.taskQueuePrefix ?? ''}-metis-${pool}` }).length, 2, `backlog of ${pool}`);
    }
    // Reported by the activities themselves: breakers per provider, bureau pulls.
    assert.equal(matching(samples, 'metis_bureau_breaker_state', { tenant: acme.tenantId, provider: 'alpha' })[0]?.value, 0);
    assert.ok((matching(samples, 'metis_bureau_pulls_total', { tenant: acme.tenantId, outcome: 'served' })[0]?.value ?? 0) >= 1);
    assert.match(text, /# HELP metis_llm_generated_tokens_total /);
  });
});
