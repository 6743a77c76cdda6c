// Fault: MinIO is stopped while journeys upload their documents, then started again.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createMinioObjectStore, withTenant } from '@metis/activities/storage';
import { MetisError } from '@metis/sdk';
import { faults, sleep, startChaos } from './support/harness.ts';
import type { Chaos } from './support/harness.ts';
import { TENANTS, tenantId } from './support/load.ts';
import { runScenario } from './support/scenario.ts';

describe('fault: MinIO stopped during document uploads', () => {
  let chaos: Chaos;
  before(async () => {
    chaos = await startChaos('minio');
  });
  after(async () => {
    // Whatever happened, leave the object store running for the next test.
    await faults.startMinio().catch(() => undefined);
    await chaos?.close();
  });

  test('the caller gets a typed error, a retry succeeds, nothing is half-recorded', { timeout: 600_000 }, async () => {
    const since = new Date();
    const store = createMinioObjectStore(chaos.config.objectStore);
    const body = new Uint8Array(30_000).fill(9);
    const acme = chaos.metis.tenant(tenantId('acme'));
    let refused: unknown;
    let retried: { documentId: string; sizeBytes: number } | undefined;
    // Errors the journeys' uploads got: each must be typed, the intake failing on the store included.
    const typed = new Map<string, number>();
    const untyped: string[] = [];
    const chain = (error: unknown): string => {
      const parts: string[] = [];
      for (let e: unknown = error; e instanceof Error && parts.length < 6; e = e.cause) parts.push(`${e.name}: ${e.message}`);
      return parts.join(' <- ');
    };
    const classify = (error: unknown): void => {
      if (error instanceof MetisError) typed.set(error.code, (typed.get(error.code) ?? 0) + 1);
      else untyped.push(chain(error));
    };
    let attempts = 0;
    let refusedWhileDown = 0;
    let stored = 0;
    const failedUploads: unknown[] = [];
    const retriedUploads: { documentId: string }[] = [];
    await runScenario(chaos, {
      fault: 'MinIO stopped',
      checks: 'uploads refused with a typed MetisError while down and accepted after; every documents row has its object (size, sha256)',
      uploads: true,
      at: 0.1,
      load: {
        onRetry: classify,
      },
      setup: async (c) => {
        await c.startWorker('only');
      },
      async inject() {
        // Uploads keep going, four at a time, from before MinIO stops until after it is back.
        let uploading = true;
        const uploader = async (): Promise<void> => {
          while (uploading) {
            attempts += 1;
            try {
              await acme.documents.upload({ kind: 'pan', body, contentType: 'image/jpeg' });
              stored += 1;
            } catch (error) {
              failedUploads.push(error);
              await sleep(200);
            }
          }
        };
        const uploaders = Promise.all([uploader(), uploader(), uploader(), uploader()]);
        await sleep(1_000);
        await faults.stopMinio();
        // Five uploads while it is down: each refused.
        const whileDown = await Promise.all(
          Array.from({ length: 5 }, () =>
            acme.documents.upload({ kind: 'pan', body, contentType: 'image/jpeg' }).then(
              () => undefined,
              (error: unknown) => error,
            ),
          ),
        );
        refused = whileDown[0];
        refusedWhileDown = whileDown.filter((e) => e !== undefined).length;
        failedUploads.push(...whileDown.slice(1).filter((e) => e !== undefined));
        await sleep(4_000);
        await faults.startMinio();
        uploading = false;
        await uploaders;
        // Each refused upload, retried now that MinIO is back, is stored.
        for (const _ of failedUploads) retriedUploads.push(await acme.documents.upload({ kind: 'pan', body, contentType: 'image/jpeg' }));
        retried = await acme.documents.upload({ kind: 'pan', body, contentType: 'image/jpeg' });
        for (const error of failedUploads) classify(error);
        return `MinIO stopped for 4 s during uploads (4 at a time, ${attempts} in all, and 5 at once while it was down: ${refusedWhileDown} refused) and the journeys' PAN images; an upload while down refused with ${refused instanceof MetisError ? refused.code : String(refused)}; each refused upload retried after it was back`;
      },
      async verify(c, load) {
        assert.ok(refused instanceof MetisError, `the upload while MinIO is down fails with a typed error, not ${String(refused)}`);
        assert.equal(refused.code, 'OBJECT_STORE_UNREACHABLE');
        assert.equal(retried?.sizeBytes, body.byteLength);
        assert.equal(refusedWhileDown, 5, 'every upload made while MinIO was down was refused');
        assert.equal(retriedUploads.length, failedUploads.length, 'every refused upload succeeded when retried');
        // An upload whose bytes were stored before MinIO stopped can fail in its intake workflow (the
        // record activity cannot read the object back): documents.upload turns that into the
        // MetisError the activity failed with, as it does a refused store.
        assert.deepEqual(untyped.slice(0, 5), [], 'every error the uploads got was a MetisError');
        let rows = 0;
        for (const tenant of TENANTS) {
          const docs = await withTenant(c.db, tenantId(tenant), (trx) => trx.selectFrom('documents').select(['document_id', 'object_key', 'size_bytes', 'sha256']).where('created_at', '>=', since).execute());
          rows += docs.length;
          for (const d of docs) {
            const bytes = await store.get(d.object_key);
            assert.equal(bytes.byteLength, Number(d.size_bytes), `${d.document_id}: object size`);
            assert.equal(createHash('sha256').update(bytes).digest('hex'), d.sha256, `${d.document_id}: object sha256`);
          }
        }
        assert.ok(rows >= load.journeys.length + stored + retriedUploads.length + 1, `every journey's PAN image and every upload that succeeded are recorded (${rows})`);
        return `${attempts} uploads during the outage window: ${stored} stored, ${failedUploads.length} refused and stored when retried; ${rows} documents rows, each with its object; uploads retried after ${[...typed].map(([code, n]) => `${n}× ${code}`).join(', ') || 'no typed error'}`;
      },
    });
  });
});
