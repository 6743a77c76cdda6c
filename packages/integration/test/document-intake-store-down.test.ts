// The intake activity against an object store nobody listens on: the store's typed error keeps
// its code as the failure's type, so a caller whose intake gives up gets OBJECT_STORE_UNREACHABLE.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { createDocumentActivities } from '@metis/activities/documents';
import { createMinioObjectStore, createPgDatabase, documentKey } from '@metis/activities/storage';
import type { MetisDatabase } from '@metis/activities/storage';
import { testConfig } from '@metis/testing';

const config = testConfig();
const db = createPgDatabase<MetisDatabase>({ url: config.database.url, pool: { max: 1, min: 0 } });
after(async () => {
  await db.destroy();
});

/** Return a loopback port that was free a moment ago (nothing listens on it). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const address = server.address();
  await new Promise<void>((closed) => server.close(() => closed()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

test('recordDocument fails with type OBJECT_STORE_UNREACHABLE, retryable, when the store is down', async () => {
  const objects = createMinioObjectStore({ ...config.objectStore, endpoint: `http://127.0.0.1:${await closedPort()}` });
  const activities = createDocumentActivities({ db, objects });
  const documentId = crypto.randomUUID();
  await assert.rejects(activities.recordDocument({ tenantId: 'acme-finance', documentId, kind: 'pan', objectKey: documentKey('acme-finance', 'pan', documentId) }), (error: unknown) => {
    assert.ok(error instanceof ApplicationFailure, String(error));
    assert.equal(error.type, 'OBJECT_STORE_UNREACHABLE');
    assert.equal(error.nonRetryable, false);
    return true;
  });
});
