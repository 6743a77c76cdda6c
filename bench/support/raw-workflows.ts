// Baselines for the benchmarks: plain Temporal workflows doing the same amount of work as
// Metis's, with nothing of Metis in them.
import { condition, defineUpdate, proxyActivities, proxyLocalActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// The same search attribute a journey keeps current, declared here so the baseline holds nothing of Metis.
const MetisState = defineSearchAttributeKey('MetisState', SearchAttributeType.KEYWORD);

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

const local = proxyLocalActivities<{ noop(step: string): Promise<string> }>({ startToCloseTimeout: '10s' });

/**
 * Accept steps whose handler does only the mechanics a journey step must have and no work: a
 * search attribute upsert and a local activity that does nothing. The floor of any such design.
 */
export async function rawMechanicsWorkflow(): Promise<void> {
  let done = false;
  setHandler(rawStep, async (n) => {
    upsertSearchAttributes([{ key: MetisState, value: n % 2 === 0 ? 'ping' : 'pong' }]);
    await local.noop('audit');
    return n;
  });
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
