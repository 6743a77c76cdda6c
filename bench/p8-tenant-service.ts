// @metis-bench needs-stack
// P8: the tenant service's cost over the SDK — one KYC journey step through
// `POST /v1/journeys/kyc/{applicantId}/steps` (Fastify, authentication, rate limits, schema
// validation, JSON over loopback HTTP with keep-alive) against the same step through the SDK
// directly, with the same workers and client, in the same run, interleaved so both see the same
// conditions. Then requests per second at 50 concurrent clients, through the service and through
// the SDK (the machine's bound here).
import { availableParallelism } from 'node:os';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createMetis, tokenVerifierFromEnv } from '@metis/sdk';
import { signDevToken } from '@metis/cli/dev-auth';
import { startExampleWorkers } from '@metis/example-cli/example-stack';
import { buildService } from '@metis/example-tenant-service/app';
import { testConfig, uniqueId } from '@metis/testing';
import { ms, quantile } from './support/stats.ts';

const SAMPLES = Number(process.env['P8_SAMPLES'] ?? 150);
const WARMUP = 20;
const CONCURRENCY = 50;
const LOAD_SECONDS = Number(process.env['P8_LOAD_SECONDS'] ?? 15);
// The load runs in alternating halves (service, SDK, service, SDK) so drift hits both alike.
const LOAD_ROUNDS = 2;

const TENANT = 'acme-finance';
const STEP = 'provide_personal_details';
const personal = { name: 'Rahul Kumar Sharma', email: 'rahul@example.com', phone: '+919876543210', date_of_birth: '1990-04-01' };

Runtime.install({ logger: new DefaultLogger('WARN') });
const config = testConfig({ temporal: { taskQueuePrefix: uniqueId('p8') } });
const workers = await startExampleWorkers(config);
const metis = await createMetis({ ...config, tenants: workers.tenants });
const app = await buildService({
  metis,
  tenants: workers.tenants,
  verifyToken: await tokenVerifierFromEnv(),
  logger: false,
  limits: { perCaller: 1e9, perTenant: 1e9, perAddress: 1e9 },
});
const base = await app.listen({ port: 0, host: '127.0.0.1' });
const apiKey = (await metis.tenant(TENANT).apiKeys.create({ name: uniqueId('p8-key'), role: 'service' })).key;
const journeys = metis.tenant(TENANT).journeys;

/** The day's date, as the service dates a step. */
function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Submit the step through the SDK; throw unless it moved the journey. */
async function sdkStep(applicantId: string): Promise<void> {
  const result = await journeys.submit(applicantId, 'kyc', STEP, personal, { asOf: today() });
  if (result.from !== STEP) throw new Error(`unexpected SDK result: ${JSON.stringify(result)}`);
}

/** Submit the step through the service; return the HTTP status after reading the body. */
async function serviceStep(applicantId: string, credential: { key: string } | { token: string }, withDate: boolean): Promise<number> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if ('key' in credential) headers['x-api-key'] = credential.key;
  else headers['authorization'] = `Bearer ${credential.token}`;
  const body = JSON.stringify({ step: STEP, data: personal, ...(withDate ? { asOf: today() } : {}) });
  const response = await fetch(`${base}/v1/journeys/kyc/${encodeURIComponent(applicantId)}/steps`, { method: 'POST', headers, body });
  await response.arrayBuffer();
  return response.status;
}

/** Time one call in milliseconds. */
async function timed(task: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await task();
  return performance.now() - t;
}

/** Throw unless a status is 2xx. */
function expectOk(status: number, what: string): void {
  if (status < 200 || status > 299) throw new Error(`${what} answered ${status}`);
}

// Sequential: one fresh applicant per sample, the three series in a rotating order.
const sdkTimes: number[] = [];
const keyTimes: number[] = [];
const tokenTimes: number[] = [];
for (let i = 0; i < SAMPLES + WARMUP; i++) {
  const tokenApplicant = uniqueId('p8-tok');
  const token = await signDevToken({ tenantId: TENANT, roles: ['applicant'], subject: tokenApplicant, ttlSeconds: 600 });
  const series: Array<[number[], () => Promise<unknown>]> = [
    [sdkTimes, () => sdkStep(uniqueId('p8-sdk'))],
    [keyTimes, async () => expectOk(await serviceStep(uniqueId('p8-key'), { key: apiKey }, true), 'the service (key)')],
    [tokenTimes, async () => expectOk(await serviceStep(tokenApplicant, { token }, false), 'the service (token)')],
  ];
  for (let j = 0; j < series.length; j++) {
    const [times, task] = series[(i + j) % series.length] as [number[], () => Promise<unknown>];
    const elapsed = await timed(task);
    if (i >= WARMUP) times.push(elapsed);
  }
}

interface Load {
  requests: number;
  failures: number;
  seconds: number;
  readonly latencies: number[];
}

/** Run CONCURRENCY loops for `seconds`, each submitting the step on fresh applicants; count non-2xx answers and errors as failures. */
async function load(seconds: number, step: (applicantId: string) => Promise<number>, into: Load): Promise<void> {
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, loop) => {
      while (performance.now() < end) {
        const t = performance.now();
        let status: number;
        try {
          status = await step(uniqueId(`p8-load${loop}`));
        } catch {
          status = 0;
        }
        into.latencies.push(performance.now() - t);
        into.requests++;
        if (status < 200 || status > 299) into.failures++;
      }
    }),
  );
  into.seconds += (performance.now() - t0) / 1000;
}

const serviceLoad: Load = { requests: 0, failures: 0, seconds: 0, latencies: [] };
const sdkLoad: Load = { requests: 0, failures: 0, seconds: 0, latencies: [] };
const viaService = (applicantId: string) => serviceStep(applicantId, { key: apiKey }, true);
const viaSdk = async (applicantId: string) => {
  await sdkStep(applicantId);
  return 200;
};
// A short warm-up at full concurrency, not counted.
await load(2, viaService, { requests: 0, failures: 0, seconds: 0, latencies: [] });
await load(2, viaSdk, { requests: 0, failures: 0, seconds: 0, latencies: [] });
for (let round = 0; round < LOAD_ROUNDS; round++) {
  await load(LOAD_SECONDS / LOAD_ROUNDS, viaService, serviceLoad);
  await load(LOAD_SECONDS / LOAD_ROUNDS, viaSdk, sdkLoad);
}

await app.close();
await metis.close();
await workers.close();

const p = (xs: number[], q: number) => quantile(xs, q);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const line = (xs: number[]) => `p50 ${ms(p(xs, 0.5))}  p95 ${ms(p(xs, 0.95))}  mean ${ms(mean(xs))}`;
const rate = (l: Load) => `${(l.requests / l.seconds).toFixed(1)} req/s  (${l.requests} in ${l.seconds.toFixed(1)} s)  p50 ${ms(p(l.latencies, 0.5))}  p95 ${ms(p(l.latencies, 0.95))}  non-2xx ${l.failures}`;
console.log(`P8 tenant service vs SDK: KYC step ${STEP} on a fresh applicant, ${SAMPLES} samples each (after ${WARMUP} warm-up), sequential, interleaved`);
console.log(`  machine: ${availableParallelism()} cores, node ${process.version}; workers, client and service in one process`);
console.log(`  SDK journeys.submit:                      ${line(sdkTimes)}`);
console.log(`  service POST .../steps, x-api-key:        ${line(keyTimes)}`);
console.log(`  service POST .../steps, applicant token:  ${line(tokenTimes)}`);
console.log(`  service overhead (key): p50 ${ms(p(keyTimes, 0.5) - p(sdkTimes, 0.5))}  p95 ${ms(p(keyTimes, 0.95) - p(sdkTimes, 0.95))}  mean ${ms(mean(keyTimes) - mean(sdkTimes))}`);
console.log(`  service overhead (token): p50 ${ms(p(tokenTimes, 0.5) - p(sdkTimes, 0.5))}  p95 ${ms(p(tokenTimes, 0.95) - p(sdkTimes, 0.95))}  mean ${ms(mean(tokenTimes) - mean(sdkTimes))}`);
console.log(`${CONCURRENCY} concurrent clients, fresh applicant per request, ${LOAD_SECONDS} s each in ${LOAD_ROUNDS} alternating rounds`);
console.log(`  service (x-api-key):              ${rate(serviceLoad)}`);
console.log(`  SDK directly (the machine bound): ${rate(sdkLoad)}`);
console.log(`  service/SDK throughput ${(serviceLoad.requests / serviceLoad.seconds / (sdkLoad.requests / sdkLoad.seconds)).toFixed(2)}`);
if (serviceLoad.failures > 0) console.log(`  WARNING: ${serviceLoad.failures} non-2xx answers from the service under load`);
console.log(`P8 ratio=${(p(keyTimes, 0.95) / p(sdkTimes, 0.95)).toFixed(2)} target<=1.2`);
