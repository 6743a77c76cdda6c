// @metis-bench needs-stack
// P2: loan workflows per second with fast (in-memory) activities against a raw Temporal
// workflow running the same activities as no-ops, same server, same run; then 1,000 concurrent
// journeys and the step latency while they are all open; then loans per second on one worker
// process and on two.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { LoanApplication } from '@metis/activities/loans';
import { sampleTenants } from '@metis/fsm';
import { loanProcessingWorkflow, loanWorkflowId, taskQueueName } from '@metis/workflows';
import { createMetis, metisDataConverter } from '@metis/sdk';
import { createWorkers } from '@metis/worker';
import { testConfig, uniqueId } from '@metis/testing';
import { rawLoanWorkflow } from './support/raw-workflows.ts';
import { startRawWorker } from './support/raw-worker.ts';
import { inMemoryLoanActivities } from './support/in-memory-loan-activities.ts';
import { ms, pool, quantile } from './support/stats.ts';

const LOANS = Number(process.env['P2_LOANS'] ?? 200);
const JOURNEYS = Number(process.env['P2_JOURNEYS'] ?? 1000);
const ROUNDS = 2;
const PROCESS_LOANS = Number(process.env['P2_PROCESS_LOANS'] ?? 200);
const WORKER_SCRIPT = fileURLToPath(new URL('./support/loan-worker-process.ts', import.meta.url));

/** Start a worker process on the task queues of `prefix`; resolve once it polls. */
async function startWorkerProcess(prefix: string): Promise<{ stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--conditions=metis-source', WORKER_SCRIPT], { env: { ...process.env, BENCH_TASK_QUEUE_PREFIX: prefix, METIS_METRICS_ADDRESS: 'off' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  await new Promise<void>((ready, failed) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('worker ready')) ready();
    });
    child.once('exit', (code) => failed(new Error(`worker process exited with ${code} before it was ready`)));
  });
  return {
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

Runtime.install({ logger: new DefaultLogger('WARN') });
const config = testConfig({ temporal: { taskQueuePrefix: uniqueId('p2') } });
const acme = sampleTenants.acme;
const workers = await createWorkers({ config, activities: inMemoryLoanActivities, logLevel: 'warn' });
const metis = await createMetis({ ...config, tenants: [{ tenantId: acme.tenantId, displayName: acme.name, journeys: acme.journeys, loanPolicy: { ruleSet: acme.ruleSet, mode: 'parallel', webhook: true } }] });
// The same concurrency as Metis's default pool, so only the workflows differ.
const rawWorker = await startRawWorker(config, {
  maxConcurrentWorkflowTaskExecutions: workers.sizing.pools.default.maxConcurrentWorkflowTasks,
  maxConcurrentActivityTaskExecutions: workers.sizing.pools.default.maxConcurrentActivities,
});
const rawQueue = rawWorker.taskQueue;
const client = new Client({ connection: await Connection.connect({ address: config.temporal.address }) });
// Metis's workers encrypt payloads (the default): the loan's result is read through the same codec.
const metisClient = new Client({ connection: client.connection, namespace: config.temporal.namespace, dataConverter: metisDataConverter(config.encryption, () => undefined) });

function application(i: number): LoanApplication {
  return {
    applicationId: uniqueId(`p2-${i}`),
    amount: 300_000,
    tenureMonths: 36,
    kycStatus: 'done',
    applicant: { applicantId: `p2-cust-${i}`, name: 'Bench Mark', pan: 'ABCPB1234K', dateOfBirth: '1990-01-01', monthlyIncome: 150_000, employmentType: 'salaried' },
  };
}

async function metisRound(): Promise<number> {
  const t = performance.now();
  await pool([...Array(LOANS).keys()], 50, async (i) => {
    const app = application(i);
    const handle = await metisClient.workflow.start(loanProcessingWorkflow, {
      workflowId: loanWorkflowId(acme.tenantId, app.applicationId),
      taskQueue: taskQueueName('default', config.temporal.taskQueuePrefix),
      args: [{ tenantId: acme.tenantId, application: app, policy: { ruleSet: acme.ruleSet, mode: 'parallel' } }],
    });
    await handle.result();
  });
  return LOANS / ((performance.now() - t) / 1000);
}

async function rawRound(): Promise<number> {
  const t = performance.now();
  await pool([...Array(LOANS).keys()], 50, async () => {
    const handle = await client.workflow.start(rawLoanWorkflow, { workflowId: uniqueId('p2-raw'), taskQueue: rawQueue });
    await handle.result();
  });
  return LOANS / ((performance.now() - t) / 1000);
}

const metisRates: number[] = [];
const rawRates: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  rawRates.push(await rawRound());
  metisRates.push(await metisRound());
}
const metisRate = Math.max(...metisRates);
const rawRate = Math.max(...rawRates);
console.log(`P2 loan throughput, ${LOANS} workflows per round, 50 in flight, best of ${ROUNDS} rounds`);
console.log(`  Metis loan workflow (10 activities, rules engine, search attributes): ${metisRate.toFixed(1)} workflows/s  (rounds: ${metisRates.map((x) => x.toFixed(1)).join(', ')})`);
console.log(`  raw workflow, the same 10 activities as no-ops:                       ${rawRate.toFixed(1)} workflows/s  (rounds: ${rawRates.map((x) => x.toFixed(1)).join(', ')})`);

// 1,000 journeys open at once: start them all, then time a step on each while all are open.
const journeys = metis.tenant(acme.tenantId).journeys;
const applicants = [...Array(JOURNEYS).keys()].map((i) => uniqueId(`p2-j${i}`));
const personal = { name: 'Bench Mark', email: 'bench@example.com', phone: '9876543210', date_of_birth: '1990-01-01' };
let t0 = performance.now();
await pool(applicants, 50, (a) => journeys.submit(a, 'kyc', 'provide_personal_details', personal, { asOf: '2026-01-15' }));
const startSeconds = (performance.now() - t0) / 1000;
const stepTimes: number[] = [];
t0 = performance.now();
await pool(applicants, 20, async (a) => {
  const t = performance.now();
  await journeys.submit(a, 'kyc', 'provide_pan_details', { pan_number: 'ABCPB1234K', pan_image: { bytes: 300_000, mime_type: 'image/jpeg', width: 1600, height: 1000 } });
  stepTimes.push(performance.now() - t);
});
const stepSeconds = (performance.now() - t0) / 1000;
console.log(`  ${JOURNEYS} concurrent KYC journeys: started in ${startSeconds.toFixed(1)} s; second step on each, 20 in flight: p50 ${ms(quantile(stepTimes, 0.5))}  p95 ${ms(quantile(stepTimes, 0.95))}  p99 ${ms(quantile(stepTimes, 0.99))}  (${(JOURNEYS / stepSeconds).toFixed(0)} steps/s)`);

// Loans per second on one worker process, then on two on the same task queues: every loan decided
// once in both. Two cores: the point is that nothing is lost, not the speed-up.
const processQueues = uniqueId('p2-procs');
async function processRound(processes: number): Promise<{ rate: number; decided: number }> {
  const children = await Promise.all([...Array(processes).keys()].map(() => startWorkerProcess(processQueues)));
  try {
    const outcomes = new Map<string, string>();
    const t = performance.now();
    await pool([...Array(PROCESS_LOANS).keys()], 50, async (i) => {
      const app = application(i);
      const handle = await metisClient.workflow.start(loanProcessingWorkflow, {
        workflowId: loanWorkflowId(acme.tenantId, app.applicationId),
        taskQueue: taskQueueName('default', processQueues),
        args: [{ tenantId: acme.tenantId, application: app, policy: { ruleSet: acme.ruleSet, mode: 'parallel' } }],
      });
      const view = (await handle.result()) as { decision: { outcome: string } | null };
      outcomes.set(app.applicationId, view.decision?.outcome ?? 'none');
    });
    const rate = PROCESS_LOANS / ((performance.now() - t) / 1000);
    return { rate, decided: [...outcomes.values()].filter((o) => o !== 'none').length };
  } finally {
    await Promise.all(children.map((c) => c.stop()));
  }
}
await workers.shutdown();
const one = await processRound(1);
const two = await processRound(2);
console.log(`  worker processes (${PROCESS_LOANS} loans, 50 in flight, ${availableParallelism()} cores): one ${one.rate.toFixed(1)} loans/s (${one.decided}/${PROCESS_LOANS} decided), two on the same queues ${two.rate.toFixed(1)} loans/s (${two.decided}/${PROCESS_LOANS} decided), ×${(two.rate / one.rate).toFixed(2)}`);

await rawWorker.shutdown();
await metis.close();
await client.connection.close();
console.log(`P2 ratio=${(metisRate / rawRate).toFixed(2)} target>=0.9`);
