// Replay a workflow's history, just produced by a test, against the current workflow bundle:
// any nondeterminism between the live run and a replay fails the test that produced it.
import type { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { bundleMetisWorkflows } from '@metis/worker';

/** Fetch the workflow's history and replay it; throw on a nondeterminism error. */
export async function assertReplays(client: Client, workflowId: string): Promise<void> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  await Worker.runReplayHistory({ workflowBundle: await bundleMetisWorkflows() }, history, workflowId);
}
