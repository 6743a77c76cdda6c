import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigurationError, ObjectKeyError, ObjectNotFoundError } from '@metis/activities/errors';
import { createMinioObjectStore, documentKey, tenantObjects } from '@metis/activities/storage';
import { freshTenant, S3 } from './stack-env.ts';

const store = createMinioObjectStore(S3);
const tenant = freshTenant('obj');
const other = freshTenant('obj-other');

describe('MinIO object store', () => {
  before(() => store.ensureBucket());
  after(async () => {
    for (const t of [tenant, other]) for (const o of await store.list(`tenants/${t}/`)) await store.delete(o.key);
  });

  test('put, stat, get, list and delete round-trip the bytes', async () => {
    const key = documentKey(tenant, 'pan', 'card-1.jpg');
    const body = new Uint8Array(256 * 1024).map((_, i) => (i * 7) % 251);
    const info = await store.put(key, body, { contentType: 'image/jpeg', metadata: { source: 'test' } });
    assert.equal(info.size, body.byteLength);
    assert.equal(info.contentType, 'image/jpeg');
    assert.deepEqual(await store.get(key), body);
    assert.equal((await store.stat(key))?.size, body.byteLength);
    const listed = await store.list(`tenants/${tenant}/documents/`);
    assert.deepEqual(listed.map((o) => o.key), [key]);
    await store.delete(key);
    assert.equal(await store.stat(key), undefined);
    await assert.rejects(store.get(key), ObjectNotFoundError);
    await store.delete(key);
  });

  test('presigned URLs read and write without credentials', async () => {
    const key = documentKey(tenant, 'aadhar', 'front.png');
    const upload = await store.presignPut(key, 60);
    const put = await fetch(upload, { method: 'PUT', body: 'uploaded through a presigned URL' });
    assert.equal(put.status, 200);
    const download = await store.presignGet(key, 60);
    const got = await fetch(download);
    assert.equal(got.status, 200);
    assert.equal(await got.text(), 'uploaded through a presigned URL');
    const unsigned = await fetch(download.split('?')[0] ?? download);
    assert.equal(unsigned.status, 403);
  });

  test("a tenant's view refuses keys and prefixes of other tenants", async () => {
    const mine = tenantObjects(store, tenant);
    const theirs = documentKey(other, 'pan', 'secret');
    await store.put(theirs, new TextEncoder().encode('other tenant'));
    await assert.rejects(mine.get(theirs), ObjectKeyError);
    await assert.rejects(mine.put(theirs, new Uint8Array([1])), ObjectKeyError);
    await assert.rejects(mine.delete(theirs), ObjectKeyError);
    await assert.rejects(mine.presignGet(theirs, 60), ObjectKeyError);
    await assert.rejects(mine.list(`tenants/${other}/`), ObjectKeyError);
    await assert.rejects(mine.list(`tenants/${tenant}/../${other}/`), ObjectKeyError);
    await assert.rejects(mine.get(`tenants/${tenant}/documents/pan/../../../${other}/documents/pan/secret`), ObjectKeyError);
    assert.equal(new TextDecoder().decode(await store.get(theirs)), 'other tenant', 'the other tenant object is untouched');
  });

  test('wrong credentials fail with a ConfigurationError that says what to check', async () => {
    const bad = createMinioObjectStore({ ...S3, secretKey: 'not-the-secret' });
    await assert.rejects(bad.check(), (error: unknown) => {
      assert.ok(error instanceof ConfigurationError);
      assert.equal(error.code, 'OBJECT_STORE_AUTH_FAILED');
      assert.match(error.message, /METIS_S3_SECRET_KEY/);
      return true;
    });
  });

  test('an unreachable server fails with a ConfigurationError', async () => {
    const gone = createMinioObjectStore({ ...S3, endpoint: 'http://127.0.0.1:1' });
    await assert.rejects(gone.check(), { code: 'OBJECT_STORE_UNREACHABLE' });
  });
});
