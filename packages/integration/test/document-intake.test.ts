import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPgDatabase, withTenant } from '@metis/activities/storage';
import type { MetisDatabase } from '@metis/activities/storage';
import { MetisJourney, MetisOutcome, MetisState, MetisTenant } from '@metis/workflows';
import { createMetis, ObjectKeyError, TenantUnknownError } from '@metis/sdk';
import { createWorkers } from '@metis/worker';
import type { Metis } from '@metis/sdk';
import type { MetisWorkers } from '@metis/worker';
import { testConfig, uniqueTenantId, waitFor } from '@metis/testing';

const config = testConfig();
const tenantA = uniqueTenantId('doc-a');
const tenantB = uniqueTenantId('doc-b');
let workers: MetisWorkers;
let metis: Metis;
const db = createPgDatabase<MetisDatabase>({ url: config.database.url, pool: { max: 2, min: 0 } });

describe('document intake on the real Temporal server', () => {
  before(async () => {
    workers = await createWorkers({ config, pools: { default: {} } });
    metis = await createMetis({ ...config, tenants: [
      { tenantId: tenantA, displayName: 'Tenant A' },
      { tenantId: tenantB, displayName: 'Tenant B', settings: { region: 'south' } },
    ] });
  });
  after(async () => {
    await metis.close();
    await workers.shutdown();
    await db.destroy();
  });

  test('a workflow per tenant records the document, its row and its event', async () => {
    for (const tenantId of [tenantA, tenantB]) {
      const body = new TextEncoder().encode(`statement of ${tenantId}`);
      const doc = await metis.tenant(tenantId).documents.upload({ kind: 'bank-statements', body, contentType: 'text/plain' });
      assert.equal(doc.objectKey, `tenants/${tenantId}/documents/bank-statements/${doc.documentId}`);
      assert.equal(doc.sizeBytes, body.byteLength);
      assert.match(doc.sha256, /^[0-9a-f]{64}$/);
      const stored = await withTenant(db, tenantId, async (trx) => ({
        docs: await trx.selectFrom('documents').select(['document_id', 'sha256', 'object_key']).execute(),
        events: await trx.selectFrom('events').select(['event_id', 'event_type', 'aggregate_id']).execute(),
      }));
      assert.deepEqual(stored.docs, [{ document_id: doc.documentId, sha256: doc.sha256, object_key: doc.objectKey }]);
      assert.deepEqual(stored.events, [{ event_id: doc.eventId, event_type: 'DOCUMENT_UPLOADED', aggregate_id: doc.documentId }]);
      const download = await fetch(await metis.tenant(tenantId).documents.downloadUrl('bank-statements', doc.documentId));
      assert.equal(await download.text(), `statement of ${tenantId}`);
    }
  });

  test('the workflow carries the Metis search attributes and is found by them', async () => {
    const doc = await metis.tenant(tenantA).documents.upload({ kind: 'pan', body: new Uint8Array([1, 2, 3]) });
    const described = await metis.temporal.workflow.getHandle(doc.workflowId).describe();
    assert.equal(described.status.name, 'COMPLETED');
    assert.equal(described.typedSearchAttributes.get(MetisTenant), tenantA);
    assert.equal(described.typedSearchAttributes.get(MetisJourney), 'document-intake');
    assert.equal(described.typedSearchAttributes.get(MetisState), 'recorded');
    assert.equal(described.typedSearchAttributes.get(MetisOutcome), 'stored');
    const query = `MetisTenant = '${tenantA}' AND MetisJourney = 'document-intake' AND MetisState = 'recorded'`;
    const found = await waitFor(async () => {
      const ids: string[] = [];
      for await (const wf of metis.temporal.workflow.list({ query })) ids.push(wf.workflowId);
      return ids.length >= 2 ? ids : undefined;
    }, 15_000, 'visibility to index the workflows');
    assert.ok(found.includes(doc.workflowId));
    assert.ok(found.every((id) => id.startsWith(`document:${tenantA}:`)), 'only tenant A workflows match');
  });

  test('uploading the same document twice records it once', async () => {
    const documentId = `dup-${crypto.randomUUID().slice(0, 8)}`;
    const body = new TextEncoder().encode('same bytes');
    const [first, second] = await Promise.all([
      metis.tenant(tenantB).documents.upload({ kind: 'aadhar', body, documentId }),
      metis.tenant(tenantB).documents.upload({ kind: 'aadhar', body, documentId }),
    ]);
    const third = await metis.tenant(tenantB).documents.upload({ kind: 'aadhar', body, documentId });
    assert.equal(first.eventId, second.eventId);
    assert.equal(first.eventId, third.eventId);
    const rows = await withTenant(db, tenantB, (trx) => trx.selectFrom('events').select('event_id').where('aggregate_id', '=', documentId).execute());
    assert.equal(rows.length, 1);
    let runs = 0;
    for await (const _ of metis.temporal.workflow.list({ query: `WorkflowId = '${first.workflowId}'` })) runs += 1;
    assert.equal(runs, 1, 'one workflow execution');
  });

  test('bad input is refused before anything is stored', async () => {
    assert.throws(() => metis.tenant('not-configured'), TenantUnknownError);
    await assert.rejects(metis.tenant(tenantA).documents.upload({ kind: 'pan', body: new Uint8Array([1]), documentId: '../escape' }), ObjectKeyError);
    const docs = await withTenant(db, tenantA, (trx) => trx.selectFrom('documents').select('document_id').where('document_id', 'like', '%escape%').execute());
    assert.deepEqual(docs, []);
  });
});
