import { builtinJourneys, sampleTenants } from '@metis/fsm';
import type { JourneyConfigInput } from '@metis/fsm';

/** What replaces a value whose key names personal data or a secret. */
export const REDACTED = '[REDACTED]';

/** Keys always redacted, whatever the tenant configs say: credentials and identity numbers. */
export const SENSITIVE_KEYS: readonly string[] = [
  'password',
  'passphrase',
  'secret',
  'token',
  'access_token',
  'refresh_token',
  'authorization',
  'cookie',
  'api_key',
  'private_key',
  'master_key',
  'pan',
  'pan_number',
  'aadhaar',
  'aadhaar_number',
  'aadhar',
  'aadhar_number',
  'account_number',
  'bank_account_number',
  'otp',
];

// Applied in this order: an e-mail holds digits a phone pattern would take; Aadhaar's 12 digits
// go before the phone's 10.
const PATTERNS: readonly (readonly [RegExp, string])[] = [
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g, '[REDACTED:email]'],
  [/(?<![A-Za-z0-9])[A-Z]{5}[0-9]{4}[A-Z](?![A-Za-z0-9])/g, '[REDACTED:pan]'],
  [/(?<![0-9])[0-9]{4}[ -]?[0-9]{4}[ -]?[0-9]{4}(?![0-9])/g, '[REDACTED:aadhaar]'],
  [/(?:\+91[ -]?|(?<![0-9+])0?)[6-9][0-9]{4}[ -]?[0-9]{5}(?![0-9])/g, '[REDACTED:phone]'],
];

const MAX_DEPTH = 8;

/** Normalise a key so `date_of_birth`, `dateOfBirth` and `Date-Of-Birth` compare equal. */
export function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Return the names of the fields the journey configs mark `pii: true`. */
export function piiFieldNames(journeys: Iterable<JourneyConfigInput>): string[] {
  const names = new Set<string>();
  for (const journey of journeys) {
    for (const [name, spec] of Object.entries(journey.fields ?? {})) if (spec.pii) names.add(name);
  }
  return [...names].sort();
}

/** Return the personal-data field names of the built-in and sample journeys. */
export function defaultPiiFieldNames(): string[] {
  return piiFieldNames([...Object.values(builtinJourneys), ...Object.values(sampleTenants).flatMap((t) => Object.values(t.journeys))]);
}

/** Replace PAN, Aadhaar, e-mail and Indian phone numbers in a text with `[REDACTED:<kind>]`. */
export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** A redactor of log records: by key (at any depth) and by pattern (in every string). */
export interface Redactor {
  /** Return a copy of a value with sensitive keys and patterns replaced. */
  value(value: unknown): unknown;
  /** Return a text with sensitive patterns, and JSON members under sensitive keys, replaced. */
  text(text: string): string;
  /** Tell whether a key names personal data or a secret. */
  isSensitiveKey(key: string): boolean;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Create a redactor for the given sensitive field names (compared normalised) plus `SENSITIVE_KEYS`. */
export function createRedactor(fields: Iterable<string>): Redactor {
  const keys = new Set([...SENSITIVE_KEYS, ...fields].map(normaliseKey).filter((k) => k.length > 0));
  const isSensitiveKey = (key: string): boolean => keys.has(normaliseKey(key));
  // JSON embedded in a string ("…{"email":"a@b.in"}…"): the member's value goes, whatever its shape.
  const names = [...new Set([...SENSITIVE_KEYS, ...fields])].map(escapeRegExp).join('|');
  const jsonMember = new RegExp(`("(?:${names})"\\s*:\\s*)("(?:[^"\\\\]|\\\\.)*"|-?[0-9][0-9.eE+-]*|true|false)`, 'gi');
  const text = (input: string): string => redactText(input.includes('":') ? input.replace(jsonMember, `$1"${REDACTED}"`) : input);
  const walk = (value: unknown, depth: number, seen: WeakSet<object>): unknown => {
    if (typeof value === 'string') return text(value);
    // A mobile or Aadhaar number stored as a number: 10 digits from 6 or 12 digits.
    if (typeof value === 'number' || typeof value === 'bigint') {
      const digits = value.toString();
      return /^(?:[6-9][0-9]{9}|[0-9]{12})$/.test(digits) ? redactText(digits) : typeof value === 'bigint' ? digits : value;
    }
    if (value === null || typeof value !== 'object') return value;
    if (seen.has(value)) return '[Circular]';
    if (depth >= MAX_DEPTH) return '[Truncated]';
    seen.add(value);
    try {
      if (value instanceof Date) return value.toISOString();
      if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1, seen));
      if (value instanceof Error) return walk(errorRecord(value), depth + 1, seen);
      if (value instanceof Uint8Array) return `[${value.byteLength} bytes]`;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        out[k] = isSensitiveKey(k) && v !== undefined && v !== null ? REDACTED : walk(v, depth + 1, seen);
      }
      return out;
    } finally {
      seen.delete(value);
    }
  };
  return { value: (value) => walk(value, 0, new WeakSet()), text, isSensitiveKey };
}

function errorRecord(error: Error): Record<string, unknown> {
  const record: Record<string, unknown> = { type: error.name, message: error.message };
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) record['code'] = code;
  if (error.stack) record['stack'] = error.stack;
  if (error.cause !== undefined) record['cause'] = error.cause;
  return record;
}
