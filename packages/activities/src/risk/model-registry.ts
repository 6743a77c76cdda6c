import { ObjectKeyError, ObjectNotFoundError } from '../errors.ts';
import type { ObjectStore } from '../storage/objects/object-store.ts';
import { assertTenantId } from '../tenancy/tenant-id.ts';
import { RiskModelInvalidError, RiskModelNotFoundError } from './errors.ts';
import { checkRiskModel } from './model-check.ts';
import type { RiskModelMetadata } from './types.ts';

const VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Throw `ObjectKeyError` unless `version` is a plain key segment other than `latest`. */
export function assertModelVersion(version: string): void {
  if (!VERSION.test(version) || version.includes('..') || version === 'latest') {
    throw new ObjectKeyError('a model version is 1-64 characters of A-Z a-z 0-9 . _ - (not "latest")', version);
  }
}

/** Return the key prefix of a tenant's risk models: `models/risk-scoring/{tenantId}/`. */
export function riskModelPrefix(tenantId: string): string {
  assertTenantId(tenantId);
  return `models/risk-scoring/${tenantId}/`;
}

/** Return the keys of one model version: the ONNX file and its metadata JSON. */
export function riskModelKeys(tenantId: string, version: string): { onnx: string; metadata: string } {
  assertModelVersion(version);
  const prefix = riskModelPrefix(tenantId);
  return { onnx: `${prefix}${version}.onnx`, metadata: `${prefix}${version}.json` };
}

/** Return the key of a tenant's `latest` pointer. */
export function riskLatestKey(tenantId: string): string {
  return `${riskModelPrefix(tenantId)}latest.json`;
}

/** What the `latest` pointer holds. */
export interface LatestPointer {
  readonly version: string;
  readonly registeredAt: string;
}

/** Check a model with onnxruntime, store it and its metadata; by default then point `latest` at it (written last). */
export async function registerRiskModel(
  store: ObjectStore,
  model: { readonly onnx: Uint8Array; readonly metadata: RiskModelMetadata },
  options: { readonly makeLatest?: boolean } = {},
): Promise<{ onnxKey: string; metadataKey: string }> {
  const { tenantId, version } = model.metadata;
  const keys = riskModelKeys(tenantId, version);
  await checkRiskModel(model);
  const json = (value: unknown): Uint8Array => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
  await store.put(keys.onnx, model.onnx, { contentType: 'application/octet-stream' });
  await store.put(keys.metadata, json(model.metadata), { contentType: 'application/json' });
  if (options.makeLatest !== false) {
    const pointer: LatestPointer = { version, registeredAt: new Date().toISOString() };
    await store.put(riskLatestKey(tenantId), json(pointer), { contentType: 'application/json' });
  }
  return { onnxKey: keys.onnx, metadataKey: keys.metadata };
}

/** Read which version `latest` points at; throw `RiskModelNotFoundError` when the tenant has none. */
export async function readLatestRiskVersion(store: ObjectStore, tenantId: string): Promise<string> {
  const key = riskLatestKey(tenantId);
  let bytes: Uint8Array;
  try {
    bytes = await store.get(key);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) throw new RiskModelNotFoundError(tenantId);
    throw error;
  }
  let pointer: Partial<LatestPointer>;
  try {
    pointer = JSON.parse(new TextDecoder().decode(bytes)) as Partial<LatestPointer>;
  } catch (error) {
    throw new RiskModelInvalidError(key, 'the latest pointer is not JSON', error);
  }
  if (typeof pointer.version !== 'string' || !VERSION.test(pointer.version)) throw new RiskModelInvalidError(key, 'the latest pointer names no version');
  return pointer.version;
}

/** Read a model version's ONNX bytes and metadata; throw `RiskModelNotFoundError` when missing. */
export async function readRiskModel(store: ObjectStore, tenantId: string, version: string): Promise<{ onnx: Uint8Array; metadata: RiskModelMetadata }> {
  const keys = riskModelKeys(tenantId, version);
  let onnx: Uint8Array;
  let raw: Uint8Array;
  try {
    [onnx, raw] = await Promise.all([store.get(keys.onnx), store.get(keys.metadata)]);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) throw new RiskModelNotFoundError(tenantId, version);
    throw error;
  }
  let metadata: RiskModelMetadata;
  try {
    metadata = JSON.parse(new TextDecoder().decode(raw)) as RiskModelMetadata;
  } catch (error) {
    throw new RiskModelInvalidError(keys.metadata, 'the metadata is not JSON', error);
  }
  if (metadata.format !== 'metis-logistic-v1' || !Array.isArray(metadata.features) || metadata.features.length === 0) {
    throw new RiskModelInvalidError(keys.metadata, `unsupported model format ${String(metadata.format)}`);
  }
  if (metadata.tenantId !== tenantId || metadata.version !== version) throw new RiskModelInvalidError(keys.metadata, 'the metadata names another tenant or version');
  return { onnx, metadata };
}

/** List the versions registered for a tenant, oldest key first. */
export async function listRiskModelVersions(store: ObjectStore, tenantId: string): Promise<string[]> {
  const prefix = riskModelPrefix(tenantId);
  return (await store.list(prefix))
    .map((o) => o.key.slice(prefix.length))
    .filter((k) => k.endsWith('.onnx'))
    .map((k) => k.slice(0, -'.onnx'.length))
    .sort();
}
