import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { asyncLocalStorage } from '@temporalio/activity';
import type { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { createDocumentActivities, createDocumentIntelligenceActivities } from '@metis/activities/documents';
import { createInMemoryMetrics } from '@metis/activities/metrics';
import { createMinioObjectStore, createPgDatabase, documentKey, withTenant } from '@metis/activities/storage';
import { createOcrEngine } from '@metis/activities/ocr';
import type { DocumentKind, MetisDatabase } from '@metis/activities/storage';
import type { OcrEngine } from '@metis/activities/ocr';
import { generateDocument } from '@metis/testing';
import type { GeneratedDocument } from '@metis/testing';
import { DATABASE_URL, freshTenant, S3 } from './stack-env.ts';

const db = createPgDatabase<MetisDatabase>({ url: DATABASE_URL, pool: { max: 2, min: 0 } });
const store = createMinioObjectStore(S3);
const tenant = freshTenant('docai');

/** Run `fn` as if inside a Temporal activity, recording its heartbeats. */
async function inActivity<T>(fn: () => Promise<T>): Promise<{ result: T; beats: unknown[] }> {
  const beats: unknown[] = [];
  const context = { heartbeat: (details: unknown) => beats.push(details) } as unknown as Context;
  return { result: await asyncLocalStorage.run(context, fn), beats };
}

/** Expect a non-retryable ApplicationFailure of a type; return its first details entry. */
async function failsWith(work: Promise<unknown>, type: string): Promise<Record<string, unknown>> {
  const error = await work.then(
    () => assert.fail(`expected ${type}`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ApplicationFailure, `expected an ApplicationFailure, got ${String(error)}`);
  assert.equal(error.type, type, error.message);
  assert.equal(error.nonRetryable, true);
  return (error.details?.[0] ?? {}) as Record<string, unknown>;
}

async function events(documentId: string): Promise<{ event_type: string; event_id: string; payload: unknown }[]> {
  return withTenant(db, tenant, (trx) =>
    trx.selectFrom('events').select(['event_type', 'event_id', 'payload']).where('aggregate_id', '=', documentId).where('event_type', 'like', 'PAN_%').execute(),
  );
}

async function documentRow(documentId: string): Promise<{ status: string; metadata: unknown } | undefined> {
  return withTenant(db, tenant, (trx) => trx.selectFrom('documents').select(['status', 'metadata']).where('document_id', '=', documentId).executeTakeFirst());
}

describe('document intelligence activities on the real stack', () => {
  let engine: OcrEngine;
  const metrics = createInMemoryMetrics();
  let activities: ReturnType<typeof createDocumentIntelligenceActivities>;
  const upload = async (kind: DocumentKind, documentId: string, bytes: Uint8Array): Promise<string> => {
    const key = documentKey(tenant, kind, documentId);
    await store.put(key, bytes, { contentType: 'image/jpeg' });
    await createDocumentActivities({ db, objects: store }).recordDocument({ tenantId: tenant, documentId, kind, objectKey: key });
    return key;
  };

  before(async () => {
    await store.ensureBucket();
    await withTenant(db, tenant, (trx) => trx.insertInto('tenants').values({ tenant_id: tenant, display_name: tenant, settings: '{}' }).execute());
    engine = await createOcrEngine({ intraOpThreads: 2 });
    activities = createDocumentIntelligenceActivities({ db, objects: store, ocr: engine, metrics });
  });
  after(async () => {
    await engine.dispose();
    for (const o of await store.list(`tenants/${tenant}/`)) await store.delete(o.key);
    await db.destroy();
  });

  test('processDocument reads a PAN card, heartbeats, records PAN_OCR_PROCESSED once and no raw PII', async () => {
    const doc: GeneratedDocument = await generateDocument({ type: 'pan', seed: 'activity-pan' });
    if (doc.truth.type !== 'pan') throw new Error('expected a PAN card');
    const key = await upload('pan', 'pan-1', doc.bytes);
    const { result, beats } = await inActivity(() => activities.processDocument({ tenantId: tenant, documentId: 'pan-1', objectKey: key, expectedType: 'pan' }));
    assert.equal(result.documentType, 'pan');
    assert.equal(result.valid, true);
    assert.equal(result.fields['pan']?.value, doc.truth.fields.pan);
    assert.equal(result.fields['name']?.value, doc.truth.fields.name);
    assert.equal(result.metadata.mime_type, 'image/jpeg');
    assert.equal(result.metadata.bytes, doc.bytes.byteLength);
    assert.ok(result.eventId);
    const stages = beats.map((b) => (b as { stage: string }).stage);
    for (const stage of ['download', 'decoded', 'detected', 'oriented', 'recognized']) assert.ok(stages.includes(stage), `heartbeat ${stage} in ${stages.join(',')}`);
    const [event, ...more] = await events('pan-1');
    assert.equal(more.length, 0);
    assert.equal(event?.event_type, 'PAN_OCR_PROCESSED');
    const payload = JSON.stringify(event?.payload);
    for (const pii of [doc.truth.fields.pan, doc.truth.fields.name, doc.truth.fields.dateOfBirth]) assert.ok(!payload.includes(pii), `payload leaks ${pii}`);
    // A retry of the activity appends nothing new.
    const again = await activities.processDocument({ tenantId: tenant, documentId: 'pan-1', objectKey: key, expectedType: 'pan' });
    assert.equal(again.eventId, result.eventId);
    const row = await documentRow('pan-1');
    assert.equal(row?.status, 'processed');
    assert.equal((row?.metadata as { intelligence?: { type?: string } }).intelligence?.type, 'pan');
    assert.equal(metrics.value('metis_documents_processed_total', { tenant, type: 'pan', outcome: 'valid' }), 2);
  });

  test('a PAN that fails the pan_format rule is returned invalid with PAN_VERIFICATION_FAILED', async () => {
    const doc = await generateDocument({ type: 'pan', seed: 'activity-bad-pan', overrides: { pan: 'ABCXE1234F' } });
    const key = await upload('pan', 'pan-2', doc.bytes);
    const result = await activities.processDocument({ tenantId: tenant, documentId: 'pan-2', objectKey: key, expectedType: 'pan' });
    assert.equal(result.valid, false);
    assert.equal(result.fields['pan']?.value, 'ABCXE1234F');
    assert.deepEqual(result.fields['pan']?.violations.map((v) => `${v.rule}:${v.code}`), ['pan_format:pan_holder_type']);
    const evs = await events('pan-2');
    assert.deepEqual(evs.map((e) => e.event_type), ['PAN_VERIFICATION_FAILED']);
    assert.match(JSON.stringify(evs[0]?.payload), /pan:pan_holder_type/);
    assert.equal((await documentRow('pan-2'))?.status, 'needs_review');
  });

  test('an Aadhaar card uploaded for the PAN step fails as DOCUMENT_WRONG_TYPE and records why', async () => {
    const doc = await generateDocument({ type: 'aadhaar', seed: 'activity-aadhaar' });
    const key = await upload('pan', 'pan-3', doc.bytes);
    const details = await failsWith(activities.processDocument({ tenantId: tenant, documentId: 'pan-3', objectKey: key, expectedType: 'pan' }), 'DOCUMENT_WRONG_TYPE');
    assert.deepEqual([details['expected'], details['detected']], ['pan', 'aadhaar']);
    const evs = await events('pan-3');
    assert.deepEqual(evs.map((e) => e.event_type), ['PAN_VERIFICATION_FAILED']);
    assert.match(JSON.stringify(evs[0]?.payload), /DOCUMENT_WRONG_TYPE/);
    assert.equal((await documentRow('pan-3'))?.status, 'rejected');
    const classified = await activities.classifyDocument({ tenantId: tenant, documentId: 'pan-3', objectKey: key });
    assert.equal(classified.documentType, 'aadhaar');
    assert.ok(classified.confidence > 0.9);
  });

  test('unreadable, missing and out-of-tenant documents fail with stable non-retryable types', async () => {
    const doc = await generateDocument({ type: 'pan', seed: 'activity-truncated' });
    const key = await upload('pan', 'pan-4', doc.bytes.subarray(0, Math.floor(doc.bytes.byteLength / 2)));
    const details = await failsWith(activities.processDocument({ tenantId: tenant, documentId: 'pan-4', objectKey: key, expectedType: 'pan' }), 'DOCUMENT_UNREADABLE');
    assert.equal(details['reason'], 'truncated');
    assert.deepEqual((await events('pan-4')).map((e) => e.event_type), ['PAN_VERIFICATION_FAILED']);
    const empty = await upload('pan', 'pan-5', new Uint8Array(0));
    assert.equal((await failsWith(activities.processDocument({ tenantId: tenant, documentId: 'pan-5', objectKey: empty }), 'DOCUMENT_UNREADABLE'))['reason'], 'empty');
    await failsWith(activities.processDocument({ tenantId: tenant, documentId: 'nope', objectKey: documentKey(tenant, 'pan', 'nope') }), 'OBJECT_NOT_FOUND');
    await failsWith(activities.processDocument({ tenantId: tenant, documentId: 'x', objectKey: documentKey(freshTenant('other'), 'pan', 'x') }), 'INVALID_OBJECT_KEY');
    const blurred = await generateDocument({ type: 'pan', seed: 'activity-blurred', noise: { ...doc.noise, blurSigma: 6 } });
    const blurredKey = await upload('pan', 'pan-6', blurred.bytes);
    const quality = await failsWith(activities.processDocument({ tenantId: tenant, documentId: 'pan-6', objectKey: blurredKey, expectedType: 'pan' }), 'DOCUMENT_LOW_QUALITY');
    assert.deepEqual((quality['violations'] as { code: string }[]).map((v) => v.code), ['image_blurry']);
  });
});
