// Baselines for the benchmarks: plain Temporal workflows doing the same amount of work as
// Metis's, with nothing of Metis in them.
import { condition, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';

/** An Update with an empty handler. */
export const rawStep = defineUpdate<number, [number]>('raw.step');
/** Ends the raw workflow. */
export const rawDone = defineUpdate<void, []>('raw.done');

/** Accept steps with an empty handler until told to stop. */
export async function rawUpdateWorkflow(): Promise<void> {
  let done = false;
  setHandler(rawStep, (n) => Promise.resolve(n));
  setHandler(rawDone, () => {
    done = true;
    return Promise.resolve();
  });
  await condition(() => done);
}

const { noop } = proxyActivities<{ noop(step: string): Promise<string> }>({ startToCloseTimeout: '30s' });

/** Run the same activities as an approved loan in parallel mode, each a no-op. */
export async function rawLoanWorkflow(): Promise<string> {
  await noop('record-application');
  await Promise.all([noop('documents'), noop('bureau')]);
  await noop('risk');
  await noop('record-decision');
  await noop('open-account');
  await noop('disburse');
  await noop('set-status');
  await noop('notify');
  return 'done';
}
