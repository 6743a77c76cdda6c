// Read a workflow's history as the server stores it (no codec) and check what it holds.
import assert from 'node:assert/strict';
import type { Client } from '@temporalio/client';
import { ENCRYPTED_ENCODING } from '@metis/sdk';

interface RawPayload {
  readonly metadata: Record<string, Uint8Array>;
  readonly data?: Uint8Array | null;
}

const isRawPayload = (v: unknown): v is RawPayload =>
  typeof v === 'object' && v !== null && 'metadata' in v && typeof (v).metadata === 'object' && (v).metadata !== null && Object.values((v as { metadata: object }).metadata).some((m) => m instanceof Uint8Array);

/** Every payload of the stored history but its search attributes, wherever it sits (inputs, results, update arguments, failures' encoded attributes, markers), and the whole history as text. */
export async function rawHistory(client: Client, namespace: string, workflowId: string): Promise<{ payloads: RawPayload[]; text: string }> {
  const events = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await client.workflowService.getWorkflowExecutionHistory({ namespace, execution: { workflowId }, ...(nextPageToken ? { nextPageToken } : {}) });
    events.push(...(page.history?.events ?? []));
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  const payloads: RawPayload[] = [];
  // Search attributes are indexed by the server, and a marker's details but a local activity's
  // `result` are the SDK's own bookkeeping (activity type, attempt, timing; a patch id): neither
  // goes through the codec, so both are checked as text only.
  const walk = (v: unknown, key = '', parent = ''): void => {
    if (isRawPayload(v)) payloads.push(v);
    else if (Array.isArray(v)) v.forEach((child) => walk(child, key, parent));
    else if (typeof v === 'object' && v !== null && !(v instanceof Uint8Array)) {
      const marker = key === 'details' && parent === 'markerRecordedEventAttributes';
      for (const [k, child] of Object.entries(v)) if (k !== 'searchAttributes' && !(marker && k !== 'result')) walk(child, k, key);
    }
  };
  walk(events);
  const text = JSON.stringify(events, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
  return { payloads, text };
}

/** Assert the stored history has payloads, every one encrypted, and none of `secrets` anywhere in it. */
export async function assertNoClearPii(client: Client, namespace: string, workflowId: string, secrets: readonly string[]): Promise<number> {
  const { payloads, text } = await rawHistory(client, namespace, workflowId);
  assert.ok(payloads.length > 0, `${workflowId} has payloads`);
  for (const p of payloads) {
    const encoding = Buffer.from(p.metadata['encoding'] ?? []).toString();
    assert.equal(encoding, ENCRYPTED_ENCODING, `${workflowId}: a ${encoding || 'bare'} payload: ${Buffer.from(p.data ?? []).toString().slice(0, 80)}`);
  }
  for (const secret of secrets) assert.ok(!text.includes(secret), `${workflowId}: ${JSON.stringify(secret)} appears in the stored history`);
  return payloads.length;
}
