import type { Client } from '@temporalio/client';
import { ENCRYPTED_ENCODING } from './tenant-codec.ts';

/** A payload as the server stores it. */
export interface StoredPayload {
  /** Metadata, e.g. `encoding` and the key id. */
  readonly metadata: Readonly<Record<string, Uint8Array>>;
  /** The bytes, encrypted or not. */
  readonly data?: Uint8Array | null;
}

/** What a workflow's stored history holds. */
export interface HistoryAudit {
  /** Every payload the codec encodes (inputs, results, Update arguments, failures, markers' results), as stored. */
  readonly payloads: readonly StoredPayload[];
  /** Those of them that are not encrypted, with their encoding. */
  readonly clear: readonly { readonly encoding: string; readonly payload: StoredPayload }[];
  /** The whole history as text (bytes as latin1), to look for a value anywhere in it. */
  readonly text: string;
}

const isStoredPayload = (v: unknown): v is StoredPayload => {
  if (typeof v !== 'object' || v === null || !('metadata' in v)) return false;
  const { metadata } = v;
  return typeof metadata === 'object' && metadata !== null && Object.values(metadata).some((m) => m instanceof Uint8Array);
};

/**
 * Read a workflow's history as the server stores it, without the codec, and find every payload not
 * encrypted. Search attributes (indexed by the server) and a marker's bookkeeping details (activity
 * type, attempt, a patch id) never go through a codec: they are in `text` only.
 */
export async function auditHistory(client: { readonly workflowService: Client['workflowService'] }, namespace: string, workflowId: string, runId?: string): Promise<HistoryAudit> {
  const events: unknown[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await client.workflowService.getWorkflowExecutionHistory({ namespace, execution: { workflowId, ...(runId ? { runId } : {}) }, ...(nextPageToken ? { nextPageToken } : {}) });
    events.push(...(page.history?.events ?? []));
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  const payloads: StoredPayload[] = [];
  const walk = (v: unknown, key: string, parent: string): void => {
    if (isStoredPayload(v)) payloads.push(v);
    else if (Array.isArray(v)) v.forEach((child) => walk(child, key, parent));
    else if (typeof v === 'object' && v !== null && !(v instanceof Uint8Array)) {
      const marker = key === 'details' && parent === 'markerRecordedEventAttributes';
      for (const [k, child] of Object.entries(v)) if (k !== 'searchAttributes' && !(marker && k !== 'result')) walk(child, k, key);
    }
  };
  walk(events, '', '');
  const clear = payloads.flatMap((payload) => {
    const encoding = Buffer.from(payload.metadata['encoding'] ?? []).toString();
    return encoding === ENCRYPTED_ENCODING ? [] : [{ encoding: encoding || '(none)', payload }];
  });
  const text = JSON.stringify(events, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
  return { payloads, clear, text };
}
