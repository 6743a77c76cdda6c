import { Worker } from '@temporalio/worker';
import type { ReplayWorkerOptions } from '@temporalio/worker';
import { metisDataConverter } from '@metis/sdk/internal';
import type { MetisConfig } from '@metis/sdk';
import { bundleMetisWorkflows } from './workflow-bundle.ts';

/** A workflow history as `fetchHistory()` returns it or as exported to JSON. */
export type WorkflowHistory = Parameters<typeof Worker.runReplayHistory>[1];

/**
 * Replay a recorded workflow history against the current Metis workflows, decoding its payloads
 * with the configuration's keys; throw on nondeterminism (`DeterminismViolationError`) or any
 * other replay failure.
 */
export async function replayMetisHistory(options: { readonly config: Pick<MetisConfig, 'encryption'>; readonly history: WorkflowHistory; readonly workflowId?: string; readonly workflowBundle?: ReplayWorkerOptions['workflowBundle'] }): Promise<void> {
  const dataConverter = metisDataConverter(options.config.encryption, () => undefined);
  await Worker.runReplayHistory({ workflowBundle: options.workflowBundle ?? (await bundleMetisWorkflows()), dataConverter }, options.history, options.workflowId);
}
