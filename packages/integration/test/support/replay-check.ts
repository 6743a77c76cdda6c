// Replay a workflow's history, just produced by a test, against the current workflow bundle:
// any nondeterminism between the live run and a replay fails the test that produced it.
import type { Client } from '@temporalio/client';
import { replayMetisHistory } from '@metis/worker';
import { testConfig } from '@metis/testing';

/** Fetch the workflow's history and replay it, decoding with the test keys; throw on a nondeterminism error. */
export async function assertReplays(client: Client, workflowId: string): Promise<void> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  await replayMetisHistory({ config: testConfig(), history, workflowId });
}
