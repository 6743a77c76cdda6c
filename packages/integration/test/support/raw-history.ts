// Check what a workflow's history holds as the server stores it (no codec).
import assert from 'node:assert/strict';
import type { Client } from '@temporalio/client';
import { auditHistory } from '@metis/sdk';

/** Assert the stored history has payloads, every one encrypted, and none of `secrets` anywhere in it; return the payload count. */
export async function assertNoClearPii(client: Client, namespace: string, workflowId: string, secrets: readonly string[]): Promise<number> {
  const { payloads, clear, text } = await auditHistory(client, namespace, workflowId);
  assert.ok(payloads.length > 0, `${workflowId} has payloads`);
  assert.deepEqual(clear.map((c) => `${c.encoding}: ${Buffer.from(c.payload.data ?? []).toString().slice(0, 80)}`), [], `${workflowId}: payloads stored in clear`);
  for (const secret of secrets) assert.ok(!text.includes(secret), `${workflowId}: ${JSON.stringify(secret)} appears in the stored history`);
  return payloads.length;
}
