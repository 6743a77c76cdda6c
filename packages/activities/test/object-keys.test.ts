import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertTenantKey, documentKey, tenantPrefix } from '@metis/activities/storage';
import { InvalidTenantIdError, ObjectKeyError } from '@metis/activities/errors';
import type { DocumentKind } from '@metis/activities/storage';

test('documentKey builds tenants/{tenant}/documents/{kind}/{id}', () => {
  assert.equal(documentKey('acme-lending', 'pan', 'doc-1.jpg'), 'tenants/acme-lending/documents/pan/doc-1.jpg');
  assert.equal(documentKey('zen', 'bank-statements', 'B_2024.pdf'), 'tenants/zen/documents/bank-statements/B_2024.pdf');
  assert.equal(tenantPrefix('zen'), 'tenants/zen/');
});

test('documentKey rejects ids that could leave the tenant prefix', () => {
  const escapes = ['..', '../zen/documents/pan/x', 'a/../../b', '/etc/passwd', '%2e%2e', '%2E%2E%2Fother', 'a%2fb', 'a\\..\\b', '', ' ', 'x'.repeat(129), '.hidden', 'a/b', 'a\u0000b', 'ü.jpg'];
  for (const id of escapes) {
    assert.throws(() => documentKey('acme', 'pan', id), ObjectKeyError, `id ${JSON.stringify(id)} must be rejected`);
  }
});

test('documentKey rejects bad tenants and kinds', () => {
  for (const tenant of ['', 'A', 'a', '../x', 'acme/zen', 'acme:1', '-acme', 'x'.repeat(64)]) {
    assert.throws(() => documentKey(tenant, 'pan', 'd1'), InvalidTenantIdError, `tenant ${JSON.stringify(tenant)}`);
  }
  assert.throws(() => documentKey('acme', 'passport' as DocumentKind, 'd1'), ObjectKeyError);
});

test('assertTenantKey accepts only plain keys inside the tenant prefix', () => {
  assertTenantKey('acme', 'tenants/acme/documents/pan/d1');
  const rejected = [
    'tenants/zen/documents/pan/d1',
    'tenants/acme-evil/documents/pan/d1',
    'tenants/acme/../zen/documents/pan/d1',
    'tenants/acme/documents/%2e%2e/x',
    'tenants/acme/',
    'tenants/acme//x',
    '/tenants/acme/documents/pan/d1',
    'models/risk-scoring/acme/1.onnx',
  ];
  for (const key of rejected) {
    assert.throws(() => assertTenantKey('acme', key), ObjectKeyError, key);
  }
});

test('key errors are typed with a stable code', () => {
  try {
    documentKey('acme', 'pan', '../zen');
    assert.fail('expected a rejection');
  } catch (error) {
    assert.ok(error instanceof ObjectKeyError);
    assert.equal(error.code, 'INVALID_OBJECT_KEY');
    assert.equal(error.input, '../zen');
  }
});
