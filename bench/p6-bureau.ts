// @metis-bench needs-stack
// P6: bureau pulls while provider A hangs until its timeout. The same 500 pulls run three ways:
// healthy B alone (baseline), the A→B waterfall with breakers, and the same waterfall with the
// breakers disabled (only the provider timeout protects it). Prints p50/p99 of each and two
// ratios, the headline (breaker p99 / healthy-B p99, lower is better) last.
import { createBureauActivities, createBureauBreakers, createHttpBureauProvider } from '@metis/activities/bureau';
import { createPgDatabase } from '@metis/activities/storage';
import { noopMetrics } from '@metis/activities/metrics';
import type { BreakerSettings, BureauActivities, BureauBreakers, TenantBureauConfig } from '@metis/activities/bureau';
import type { MetisDatabase } from '@metis/activities/storage';
import { startBureauSimulator, testConfig, uniqueTenantId } from '@metis/testing';
import { pool, quantile } from './support/stats.ts';

const PULLS = 500;
const CONCURRENCY = 4;
const ROUND = 25;
const TIMEOUT_MS = 800;
const B_LATENCY_MS = Number(process.env['P6_B_LATENCY_MS'] ?? '20');
const BREAKER: Partial<BreakerSettings> = { volumeThreshold: CONCURRENCY, errorThresholdPercentage: 50, resetTimeoutMs: 30_000 };

const db = createPgDatabase<MetisDatabase>({ url: testConfig().database.url, pool: { max: 2, min: 0 } });
const a = await startBureauSimulator({ format: 'metis-v1', name: 'a', faults: { hang: true } });
const b = await startBureauSimulator({ format: 'tradeline-v2', name: 'b', faults: { latencyMs: B_LATENCY_MS } });

/** A deterministic, valid PAN for pull number i. */
function pan(i: number): string {
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const l = (n: number) => letters[n % 26] as string;
  return `${l(i)}${l(i * 7 + 3)}${l(i * 11 + 5)}P${l(i * 13 + 1)}${String(i % 10_000).padStart(4, '0')}${l(i * 17 + 9)}`;
}

interface Measured {
  readonly latencies: number[];
  readonly servedBy: Record<string, number>;
}

/** Run `count` pulls with `CONCURRENCY` workers, adding latencies (ms) and who served to `into`. */
async function run(activities: BureauActivities, tenantId: string, count: number, into: Measured, offset: number): Promise<void> {
  const pulls = Array.from({ length: count }, (_, n) => offset + n);
  await pool(pulls, CONCURRENCY, async (i) => {
    const started = performance.now();
    const { report } = await activities.pullCreditReport({ tenantId, applicationId: `p6-${i}`, applicant: { pan: pan(i), name: 'Bench Applicant', dateOfBirth: '1988-08-08' } });
    into.latencies.push(performance.now() - started);
    into.servedBy[report.provider] = (into.servedBy[report.provider] ?? 0) + 1;
  });
}

const registries: BureauBreakers[] = [];

function scenario(providers: TenantBureauConfig['providers']): BureauActivities {
  const breakers = createBureauBreakers({ db, metrics: noopMetrics, workerId: 'bench-p6' });
  registries.push(breakers);
  return createBureauActivities({ db, breakers, resolveBureauConfig: () => ({ providers }) });
}

const providerA = createHttpBureauProvider(a.providerConfig({ timeoutMs: TIMEOUT_MS }));
const providerB = createHttpBureauProvider(b.providerConfig({ timeoutMs: TIMEOUT_MS }));
const tenant = uniqueTenantId('bench-p6');
const fmt = (ms: number) => ms.toFixed(1);

try {
  const healthyB = scenario([{ provider: providerB }]);
  const breakerOn = scenario([{ provider: providerA, breaker: BREAKER }, { provider: providerB }]);
  const breakerOff = scenario([{ provider: providerA, breaker: { enabled: false } }, { provider: providerB }]);
  // Warm up connections and the JIT on B alone; not measured.
  await run(healthyB, `${tenant}-warm`, 100, { latencies: [], servedBy: {} }, 0);
  a.resetStats();

  // Healthy B and the waterfall with breakers run in alternating rounds, so that load from anything
  // else on the machine hits both alike; the breakers live across rounds, as in a worker process.
  const healthy: Measured = { latencies: [], servedBy: {} };
  const withBreakers: Measured = { latencies: [], servedBy: {} };
  const withoutBreakers: Measured = { latencies: [], servedBy: {} };
  const started = performance.now();
  for (let offset = 0; offset < PULLS; offset += ROUND) {
    await run(healthyB, `${tenant}-b`, ROUND, healthy, offset);
    await run(breakerOn, `${tenant}-on`, ROUND, withBreakers, offset);
  }
  const interleavedSeconds = (performance.now() - started) / 1000;
  const requestsToA = a.stats().requests;
  // Without breakers every pull waits for A's timeout; run separately (it takes PULLS / CONCURRENCY timeouts).
  await run(breakerOff, `${tenant}-off`, PULLS, withoutBreakers, 0);
  for (const m of [healthy, withBreakers, withoutBreakers]) m.latencies.sort((x, y) => x - y); // for max

  console.log(`P6 ${PULLS} pulls per scenario in rounds of ${ROUND}, ${CONCURRENCY} concurrent; provider A hangs, provider timeout ${TIMEOUT_MS} ms; provider B answers in ~${B_LATENCY_MS} ms`);
  for (const [label, r] of [
    ['healthy B alone', healthy],
    ['A→B with breakers', withBreakers],
    ['A→B without breakers', withoutBreakers],
  ] as const) {
    const served = Object.entries(r.servedBy).map(([p, n]) => `${p}:${n}`).join(' ');
    console.log(`P6 ${label.padEnd(22)} p50=${fmt(quantile(r.latencies, 0.5))} ms  p99=${fmt(quantile(r.latencies, 0.99))} ms  max=${fmt(r.latencies.at(-1) ?? 0)} ms  served ${served}`);
  }
  console.log(
    `P6 with breakers, ${requestsToA} of ${PULLS} pulls reached hanging A (volume threshold ${BREAKER.volumeThreshold}, then probes every ${BREAKER.resetTimeoutMs} ms; interleaved rounds took ${interleavedSeconds.toFixed(1)} s)`,
  );
  const breakerP99 = quantile(withBreakers.latencies, 0.99);
  console.log(`P6 ratio=${(quantile(withoutBreakers.latencies, 0.99) / breakerP99).toFixed(2)} target>=10`);
  console.log(`P6 ratio=${(breakerP99 / quantile(healthy.latencies, 0.99)).toFixed(2)} target<=1.2`);
} finally {
  for (const r of registries) {
    await r.flush();
    r.shutdown();
  }
  await Promise.all([a.close(), b.close()]);
  await db.destroy();
}
