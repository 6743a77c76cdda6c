// @metis-bench needs-stack
// P7: fairness between tenants. A noisy tenant floods the queues with loans and journeys at once;
// while they wait in the task queues, a quiet tenant's applicants keep arriving and taking journey steps. The quiet tenant's p95
// step latency alone, then under the flood with fairness on (the tenant as fairness key) and under
// the same flood with fairness off (`createMetis({ fairness: false })`), same workers, same run.
// The machine's bound is measured in the same run: the quiet tenant under the same flood on task
// queues of its own with workers of the same size, so it shares only the CPUs and the server.
//   npm run bench -- P7 [--flood N] [--samples N]   (or P7_FLOOD, P7_SAMPLES; defaults 500 and 60)
import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { JourneyConfigInput } from '@metis/fsm';
import { sampleTenants } from '@metis/fsm';
import { createMetis } from '@metis/sdk';
import type { Metis, TenantDefinition } from '@metis/sdk';
import { createWorkers } from '@metis/worker';
import type { PoolOptions } from '@metis/worker';
import { testConfig, uniqueId } from '@metis/testing';
import { inMemoryLoanActivities } from './support/in-memory-loan-activities.ts';
import { ms, pool, quantile } from './support/stats.ts';

const { values: args } = parseArgs({ options: { flood: { type: 'string' }, samples: { type: 'string' } } });
/** Loans, and journeys, the noisy tenant starts at once. */
const FLOOD = Number(args.flood ?? process.env['P7_FLOOD'] ?? 500);
/** Quiet applicants per phase, each taking two steps. */
const SAMPLES = Number(args.samples ?? process.env['P7_SAMPLES'] ?? 60);
/** A quiet applicant arrives this often (ms), whatever the others' steps take. */
const ARRIVAL_MS = 150;
/** Starts in flight at once while the flood is sent. */
const SENDERS = 100;

// Small pools, so the flood waits in the task queues instead of being taken at once.
const pools = {
  interactive: { maxConcurrentWorkflowTasks: 2, maxConcurrentActivities: 2 },
  default: { maxConcurrentWorkflowTasks: 2, maxConcurrentActivities: 4 },
  ai: { maxConcurrentWorkflowTasks: 2, maxConcurrentActivities: 2 },
} as const satisfies Record<string, PoolOptions>;

// The noisy tenant's journey is over after its first step; the quiet tenant's takes two.
const oneStep: JourneyConfigInput = {
  journey_type: 'one-step',
  version: '1',
  fields: { n: { type: 'integer' } },
  states: [
    { state_name: 'apply', valid_next_states: ['done'], required_fields: ['n'] },
    { state_name: 'done', final_state: true },
  ],
};
const twoSteps: JourneyConfigInput = {
  journey_type: 'two-steps',
  version: '1',
  fields: { n: { type: 'integer' }, email: { type: 'email' } },
  states: [
    { state_name: 'apply', valid_next_states: ['contact'], required_fields: ['n'] },
    { state_name: 'contact', valid_next_states: ['done'], required_fields: ['email'], validation_rules: ['email_format'] },
    { state_name: 'done', final_state: true },
  ],
};


Runtime.install({ logger: new DefaultLogger('WARN') });
const config = testConfig({ temporal: { taskQueuePrefix: uniqueId('p7') } });
const run = uniqueId('p7');
const noisyId = 'bench-p7-noisy';
const quietId = 'bench-p7-quiet';
const acme = sampleTenants.acme;
const tenants: TenantDefinition[] = [
  { tenantId: noisyId, displayName: 'Noisy', journeys: { 'one-step': oneStep }, loanPolicy: { ruleSet: acme.ruleSet } },
  { tenantId: quietId, displayName: 'Quiet', journeys: { 'two-steps': twoSteps } },
];
const workers = await createWorkers({ config, pools, activities: inMemoryLoanActivities, onSizing: () => undefined, logLevel: 'warn' });
const fair = await createMetis({ ...config, tenants });
const unfair = await createMetis({ ...config, tenants, fairness: false });
// The bound: the quiet tenant on queues (and workers) of its own.
const ownConfig = testConfig({ temporal: { taskQueuePrefix: uniqueId('p7own') } });
const ownWorkers = await createWorkers({ config: ownConfig, pools, activities: inMemoryLoanActivities, onSizing: () => undefined, logLevel: 'warn' });
const own = await createMetis({ ...ownConfig, tenants });

/** Step latencies (ms) of the quiet tenant: first steps start the journey on the shared queue, second steps go to the worker holding it. */
interface QuietTimes {
  readonly first: number[];
  readonly second: number[];
}

/** Let quiet applicants arrive every ARRIVAL_MS and take their two steps; return the steps' latencies. */
async function quietSteps(metis: Metis, label: string, count: number, until?: () => boolean): Promise<QuietTimes> {
  const journeys = metis.tenant(quietId).journeys;
  const times: QuietTimes = { first: [], second: [] };
  const applicants: Promise<void>[] = [];
  for (let i = 0; i < count && (until === undefined || !until()); i++) {
    const applicant = `${run}-${label}-${i}`;
    applicants.push(
      (async () => {
        let t = performance.now();
        await journeys.submit(applicant, 'two-steps', 'apply', { n: i });
        times.first.push(performance.now() - t);
        t = performance.now();
        await journeys.submit(applicant, 'two-steps', 'contact', { email: 'quiet@example.com' });
        times.second.push(performance.now() - t);
      })(),
    );
    await new Promise((resolve) => setTimeout(resolve, ARRIVAL_MS));
  }
  await Promise.all(applicants);
  return times;
}

interface FloodResult {
  readonly times: QuietTimes;
  readonly sentMs: number;
  readonly drainedMs: number;
  /** Noisy journeys waiting when the quiet tenant's first applicant arrived. */
  readonly backlog: number;
  /** Noisy journeys still waiting when its last applicant arrived. */
  readonly journeysLeft: number;
}

/** Flood the queues from the noisy tenant and measure the quiet tenant (through `quiet`, default the same client) meanwhile; wait for the flood to drain. */
async function underFlood(metis: Metis, label: string, quiet: Metis = metis): Promise<FloodResult> {
  const noisy = metis.tenant(noisyId);
  const t0 = performance.now();
  let journeysDone = 0;
  const journeys: Promise<void>[] = [];
  const loans: Promise<unknown>[] = [];
  const sending = pool([...Array(FLOOD).keys()], SENDERS, async (i) => {
    // Each flood journey is in flight until its step is served; each loan until it has finished.
    journeys.push(noisy.journeys.submit(`${run}-${label}-noisy-${i}`, 'one-step', 'apply', { n: i }).then(() => void journeysDone++));
    const applicationId = `${run}-${label}-loan-${i}`;
    const { workflowId } = await noisy.loans.apply({
      applicationId,
      amount: 300_000,
      tenureMonths: 36,
      kycStatus: 'done',
      applicant: { applicantId: `${run}-cust-${i}`, name: 'Bench Mark', pan: 'ABCPB1234K', dateOfBirth: '1990-01-01', monthlyIncome: 150_000, employmentType: 'salaried' },
    });
    loans.push(metis.temporal.workflow.getHandle(workflowId).result());
  });
  // The flood's starts themselves load the one dev server (every start is a history write): the
  // quiet tenant arrives once they are in, while the noisy journeys wait in the task queue.
  await sending;
  const sentMs = performance.now() - t0;
  const backlog = FLOOD - journeysDone;
  const times = await quietSteps(quiet, label, SAMPLES, () => journeysDone >= FLOOD);
  const journeysLeft = FLOOD - journeysDone;
  await Promise.all([...journeys, ...loans]);
  return { times, sentMs, drainedMs: performance.now() - t0, backlog, journeysLeft };
}

const all = (t: QuietTimes): number[] => [...t.first, ...t.second];
const p95 = (t: QuietTimes): number => quantile(all(t), 0.95);
const line = (t: QuietTimes): string =>
  `p50 ${ms(quantile(all(t), 0.5))}  p95 ${ms(p95(t))}  p99 ${ms(quantile(all(t), 0.99))} (${all(t).length} steps; p95 of first steps ${ms(quantile(t.first, 0.95))}, of second steps ${ms(quantile(t.second, 0.95))})`;

await quietSteps(fair, 'warmup', 10);
const alone = await quietSteps(fair, 'alone', SAMPLES);
const on = await underFlood(fair, 'on');
const off = await underFlood(unfair, 'off');
const bound = await underFlood(fair, 'own', own);

console.log(`P7 fairness between tenants: a noisy tenant starts ${FLOOD} loans and ${FLOOD} journeys at once (${SENDERS} starts in flight) while quiet applicants arrive every ${ARRIVAL_MS} ms and take two journey steps each`);
console.log('  first steps start a journey through the shared interactive task queue; second steps go to the worker that holds the journey (its sticky queue, which fairness does not order)');
console.log(`  workers sized so the flood backlogs: interactive ${pools.interactive.maxConcurrentWorkflowTasks} workflow tasks / ${pools.interactive.maxConcurrentActivities} activities, default ${pools.default.maxConcurrentWorkflowTasks} / ${pools.default.maxConcurrentActivities}, ai ${pools.ai.maxConcurrentWorkflowTasks} / ${pools.ai.maxConcurrentActivities}`);
console.log(`  quiet tenant alone:              ${line(alone)}`);
for (const [name, r] of [['fairness on ', on], ['fairness off', off], ['own queues  ', bound]] as const) {
  console.log(`  under the flood, ${name}:   ${line(r.times)}`);
  console.log(`    flood sent in ${(r.sentMs / 1000).toFixed(1)} s, drained in ${(r.drainedMs / 1000).toFixed(1)} s; noisy journeys waiting when the quiet tenant's first and last applicants arrived: ${r.backlog} and ${r.journeysLeft}`);
}

await fair.close();
await unfair.close();
await own.close();
await workers.shutdown();
await ownWorkers.shutdown();
console.log(`  machine bound: the quiet tenant on queues of its own under the same flood is ${(p95(bound.times) / p95(alone)).toFixed(2)}x its p95 alone (the CPUs and the server are shared; fairness can only remove the queueing above it)`);
console.log(`P7 ratio=${(p95(on.times) / p95(alone)).toFixed(2)} target<=1.5 (fairness off: ${(p95(off.times) / p95(alone)).toFixed(2)}; machine bound, own queues: ${(p95(bound.times) / p95(alone)).toFixed(2)}; fairness on vs own queues: ${(p95(on.times) / p95(bound.times)).toFixed(2)})`);
