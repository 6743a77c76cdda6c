import { createHash } from 'node:crypto';

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(Object.keys(record).sort().map((k) => [k, sortKeys(record[k])]));
  }
  return value;
}

/** Serialize JSON with every object's keys sorted, so equal data serializes equally whatever its key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/** Hash data canonically (SHA-256 of its canonical JSON, hex). */
export function hashData(data: unknown): string {
  return createHash('sha256').update(canonicalJson(data)).digest('hex');
}
