// @metis-bench needs-stack
// P1: journey step latency — an Update round trip including the machine's transition and the
// audit/projection/outbox write, every payload encrypted (the default) — against a raw Temporal
// Update with an empty handler, on the same server, in the same run, alternating so both see the
// same conditions. The same steps without payload encryption are measured beside them.
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { JourneyConfigInput } from '@metis/fsm';
import { createMetis } from '@metis/sdk';
import { createWorkers } from '@metis/worker';
import { testConfig, uniqueId } from '@metis/testing';
import { rawDone, rawMechanicsWorkflow, rawStep, rawUpdateWorkflow } from './support/raw-workflows.ts';
import { startRawWorker } from './support/raw-worker.ts';
import { ms, quantile } from './support/stats.ts';

const STEPS = Number(process.env['P1_STEPS'] ?? 400);
const WARMUP = 40;

// Two states that alternate, so a journey takes any number of steps.
const pingPong: JourneyConfigInput = {
  journey_type: 'ping-pong',
  version: '1',
  fields: { n: { type: 'integer' }, email: { type: 'email' } },
  states: [
    { state_name: 'ping', valid_next_states: ['pong'], required_fields: ['n', 'email'], validation_rules: ['email_format'] },
    { state_name: 'pong', valid_next_states: ['ping', 'finished'], required_fields: ['n'] },
    { state_name: 'finished', final_state: true },
  ],
};

Runtime.install({ logger: new DefaultLogger('WARN') });
const config = testConfig({ temporal: { taskQueuePrefix: uniqueId('p1') } });
if (config.encryption === undefined || config.encryption === 'off') throw new Error('P1 measures encrypted payloads: set METIS_PAYLOAD_KEY or METIS_PAYLOAD_KEY_FILE (the stack creates .metis/payload-key), and not METIS_PAYLOAD_ENCRYPTION=off');
// The same journeys without encryption, on queues of their own.
const plainConfig = { ...config, temporal: { ...config.temporal, taskQueuePrefix: uniqueId('p1-plain') }, encryption: 'off' as const };
const tenantId = 'bench-p1';
const tenants = [{ tenantId, displayName: 'Benchmark', journeys: { 'ping-pong': pingPong } }];
const workers = await createWorkers({ config, pools: { interactive: {}, default: {} } });
const metis = await createMetis({ ...config, tenants });
const plainWorkers = await createWorkers({ config: plainConfig, pools: { interactive: {}, default: {} } });
const plainMetis = await createMetis({ ...plainConfig, tenants });

const rawWorker = await startRawWorker(config);
const rawQueue = rawWorker.taskQueue;
const client = new Client({ connection: await Connection.connect({ address: config.temporal.address }) });

const applicant = uniqueId('bench');
// Workflow ids are the namespace's: the unencrypted journey is another applicant's.
const plainApplicant = uniqueId('bench-plain');
const journeys = metis.tenant(tenantId).journeys;
const plainJourneys = plainMetis.tenant(tenantId).journeys;
const raw = await client.workflow.start(rawUpdateWorkflow, { workflowId: uniqueId('raw-p1'), taskQueue: rawQueue });
const mechanics = await client.workflow.start(rawMechanicsWorkflow, { workflowId: uniqueId('raw-p1-mechanics'), taskQueue: rawQueue });

const metisTimes: number[] = [];
const plainTimes: number[] = [];
const rawTimes: number[] = [];
const mechanicsTimes: number[] = [];
let state = 'ping';
let plainState = 'ping';
for (let i = 0; i < STEPS + WARMUP; i++) {
  let t = performance.now();
  const result = await journeys.submit(applicant, 'ping-pong', state, state === 'ping' ? { n: i, email: 'bench@example.com' } : { n: i }, { next: state === 'ping' ? 'pong' : 'ping' });
  const metisMs = performance.now() - t;
  state = result.to;
  t = performance.now();
  const plain = await plainJourneys.submit(plainApplicant, 'ping-pong', plainState, plainState === 'ping' ? { n: i, email: 'bench@example.com' } : { n: i }, { next: plainState === 'ping' ? 'pong' : 'ping' });
  const plainMs = performance.now() - t;
  plainState = plain.to;
  t = performance.now();
  await raw.executeUpdate(rawStep, { args: [i] });
  const rawMs = performance.now() - t;
  t = performance.now();
  await mechanics.executeUpdate(rawStep, { args: [i] });
  const mechanicsMs = performance.now() - t;
  if (i >= WARMUP) {
    metisTimes.push(metisMs);
    plainTimes.push(plainMs);
    rawTimes.push(rawMs);
    mechanicsTimes.push(mechanicsMs);
  }
}
await raw.executeUpdate(rawDone);
await mechanics.executeUpdate(rawDone);

const p = (xs: number[], q: number) => quantile(xs, q);
console.log(`P1 journey step latency over ${STEPS} steps (after ${WARMUP} warm-up), one applicant, sequential`);
console.log(`  Metis journey step (validate + transition + audit write): p50 ${ms(p(metisTimes, 0.5))}  p95 ${ms(p(metisTimes, 0.95))}  p99 ${ms(p(metisTimes, 0.99))}  (payloads encrypted)`);
console.log(`  the same step without payload encryption:                 p50 ${ms(p(plainTimes, 0.5))}  p95 ${ms(p(plainTimes, 0.95))}  p99 ${ms(p(plainTimes, 0.99))}`);
console.log(`  raw Temporal Update, empty handler:                       p50 ${ms(p(rawTimes, 0.5))}  p95 ${ms(p(rawTimes, 0.95))}  p99 ${ms(p(rawTimes, 0.99))}`);
console.log(`  raw Update + search attribute + no-op local activity:    p50 ${ms(p(mechanicsTimes, 0.5))}  p95 ${ms(p(mechanicsTimes, 0.95))}  p99 ${ms(p(mechanicsTimes, 0.99))}`);
console.log(`  p50 ratio ${(p(metisTimes, 0.5) / p(rawTimes, 0.5)).toFixed(2)}; the mechanics alone (the floor of a step that upserts its state and records through a local activity): p95 ratio ${(p(mechanicsTimes, 0.95) / p(rawTimes, 0.95)).toFixed(2)}`);

await rawWorker.shutdown();
await metis.close();
await workers.shutdown();
await plainMetis.close();
await plainWorkers.shutdown();
await client.connection.close();
console.log(`P1 ratio=${(p(metisTimes, 0.95) / p(rawTimes, 0.95)).toFixed(2)} target<=1.3 (without encryption: ${(p(plainTimes, 0.95) / p(rawTimes, 0.95)).toFixed(2)})`);
