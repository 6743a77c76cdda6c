// A worker process of P2's process comparison: Metis' pools with the in-memory loan activities on
// the task queues BENCH_TASK_QUEUE_PREFIX names, until it is stopped. Prints `worker ready` once
// it polls.
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createWorkers } from '@metis/worker';
import { testConfig } from '@metis/testing';
import { inMemoryLoanActivities } from './in-memory-loan-activities.ts';

const prefix = process.env['BENCH_TASK_QUEUE_PREFIX'];
if (!prefix) throw new Error('BENCH_TASK_QUEUE_PREFIX is not set');
Runtime.install({ logger: new DefaultLogger('WARN') });
const workers = await createWorkers({ config: testConfig({ temporal: { taskQueuePrefix: prefix } }), activities: inMemoryLoanActivities, logLevel: 'warn', metricsAddress: 'off' });
process.once('SIGTERM', () => void workers.shutdown());
process.stdout.write(`worker ready ${process.pid}\n`);
await workers.done;
