import { types } from 'node:util';
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
  'bearer',
  'api_key',
  'private_key',
  'master_key',
  'payload_key',
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

// Besides the names above: a normalised key containing one of these parts, or ending in one of
// these endings, names a credential (`x-api-key`, `clientSecret`, `sessionToken`, `set-cookie`,
// `proxy-authorization`, `payloadKey`, …).
const CREDENTIAL_PARTS = ['token', 'secret', 'password', 'passphrase', 'cookie', 'authorization'] as const;
const CREDENTIAL_ENDINGS = ['apikey', 'privatekey', 'payloadkey', 'masterkey'] as const;

// Ids Temporal and Metis put on every line (normalised). Their values, and those of keys ending in
// `Id`/`_id`, stay correlatable: see ID_PATTERN. `taskToken` is Temporal's id of an activity task,
// not a credential of ours, and is kept although it contains "token".
const ID_KEYS = new Set(['id', 'workflowid', 'runid', 'workflowrunid', 'activityid', 'taskqueue', 'tasktoken', 'namespace']);
const ID_KEY = /(?:^|[_-])(?:id|ID|Id)$|[a-z0-9]I[dD]$/;

// A number under a key containing one of these is a phone or Aadhaar number, and is matched against
// the patterns; other numbers (amounts, byte counts, nanoseconds, timestamps) are written as they are.
const PERSONAL_NUMBER_PARTS = ['phone', 'mobile', 'aadhaar', 'aadhar', 'msisdn', 'whatsapp'] as const;

// One pass over the text; the alternatives are tried in this order at each position, so an e-mail
// (which holds digits) wins over a phone, a UUID is left alone (its last segment can be 12 digits),
// and Aadhaar's 12 digits go before the phone's 10. Every quantifier is bounded or unambiguous and
// the e-mail only starts where a run of its characters starts, so a long line is scanned linearly.
const EMAIL = String.raw`(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}(?:@|%40)[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}`;
const UUID = String.raw`(?<![A-Za-z0-9])[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}(?![A-Za-z0-9])`;
// `ABCDE1234F` and `abcde1234f`; spaced or hyphenated (`ABCDE 1234 F`) only in capitals, since
// "found 1234 a" is prose.
const PAN = String.raw`(?<![A-Za-z0-9])(?:[A-Za-z]{5}[0-9]{4}[A-Za-z]|[A-Z]{5}[ -]?[0-9]{4}[ -]?[A-Z])(?![A-Za-z0-9])`;
const AADHAAR_DIGITS = String.raw`[0-9]{4}[ -]?[0-9]{4}[ -]?[0-9]{4}`;
// 10 digits from 6–9, grouped 5-5 or 3-3-4 (space or hyphen) or not, after `+91`, `0` or nothing.
const PHONE_DIGITS = String.raw`[6-9](?:[0-9]{4}[ -]?[0-9]{5}|[0-9]{2}[ -]?[0-9]{3}[ -]?[0-9]{4})`;

function textPattern(numberBefore: string, numberAfter: string): RegExp {
  return new RegExp(
    `(?<email>${EMAIL})|(?<uuid>${UUID})|(?<pan>${PAN})|(?<aadhaar>${numberBefore}${AADHAAR_DIGITS}${numberAfter})` +
      `|(?<phone>(?:${numberBefore}\\+91[ -]?|${numberBefore}0?)${PHONE_DIGITS}${numberAfter})`,
    'g',
  );
}

// In text, a phone or Aadhaar number is any such run of digits not inside a longer one.
const TEXT_PATTERN = textPattern('(?<![0-9+])', '(?![0-9])');
// In the value of an id key, a phone or Aadhaar number must also stand apart from letters and
// hyphens. Ids are ours and must stay correlatable, but an applicant id is chosen by the tenant and
// could be a phone number: `9876543210` and `journey:acme:kyc:9876543210` are redacted, while digits
// glued to other id characters by `-` (`cust-9876543210`, a UUID's `-612345678901`) are kept as part
// of the id. E-mail and PAN are redacted inside ids wherever they are.
const ID_PATTERN = textPattern('(?<![A-Za-z0-9+-])', '(?![A-Za-z0-9-])');

function replacePatterns(text: string, pattern: RegExp): string {
  // Nothing to find without a digit or an `@`/`%40`; most messages and values have neither.
  if (!/[0-9@]/.test(text)) return text;
  return text.replace(pattern, (match: string, ...args: unknown[]) => {
    const groups = args[args.length - 1] as Record<string, string | undefined>;
    if (groups['uuid'] !== undefined) return match;
    for (const kind of ['email', 'pan', 'aadhaar', 'phone']) if (groups[kind] !== undefined) return `[REDACTED:${kind}]`;
    return match;
  });
}

const MAX_DEPTH = 8;
// A string longer than this is not parsed as JSON (its members are still found by the fallback).
const MAX_JSON_LENGTH = 1_000_000;

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

/**
 * Replace PAN (any case, also spaced), Aadhaar, e-mail (also with `%40`) and Indian phone numbers
 * (`+91`/`0`, grouped 5-5 or 3-3-4 or not) in a text with `[REDACTED:<kind>]`; UUIDs are left alone.
 */
export function redactText(text: string): string {
  return replacePatterns(text, TEXT_PATTERN);
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

/** How a key's value is treated. */
type KeyKind =
  | 'sensitive' // named personal data or credential: any value but null/undefined goes
  | 'credential' // a credential by its name's parts: a string or object goes, a number or boolean (a count) stays
  | 'id' // an id: patterns with ID_PATTERN
  | 'personal' // phone/Aadhaar-like: numbers are matched too
  | 'plain';

type Mode = 'plain' | 'id' | 'personal';

/** Where the quote of a JSON string sits: `"` (level 0) or `\"` in JSON encoded twice (level 1). */
type QuoteLevel = 0 | 1;

function isStructuralQuote(text: string, at: number, from: number, level: QuoteLevel): boolean {
  let backslashes = 0;
  for (let i = at - 1; i >= from && text.charCodeAt(i) === 92; i--) backslashes++;
  return level === 0 ? backslashes % 2 === 0 : backslashes % 4 === 1;
}

/** Return the end of the JSON string whose content starts at `from`, at the given quoting level. */
function stringEnd(text: string, from: number, level: QuoteLevel): number {
  let at = text.indexOf('"', from);
  while (at >= 0) {
    if (isStructuralQuote(text, at, from, level)) return at + 1;
    at = text.indexOf('"', at + 1);
  }
  return text.length;
}

/** Return the end of the JSON value starting at `from` (a string, array, object or scalar; to the end if cut). */
function valueEnd(text: string, from: number, level: QuoteLevel): number {
  const c = text[from];
  if (level === 0 && c === '"') return stringEnd(text, from + 1, 0);
  if (level === 1 && c === '\\' && text[from + 1] === '"') return stringEnd(text, from + 2, 1);
  if (c === '{' || c === '[') {
    let depth = 0;
    for (let i = from; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 34 /* " */ && isStructuralQuote(text, i, from, level)) {
        i = stringEnd(text, i + 1, level) - 1;
      } else if (ch === 123 || ch === 91) depth++;
      else if (ch === 125 || ch === 93) {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    return text.length;
  }
  let i = from;
  while (i < text.length && !',}]\\ \t\r\n'.includes(text.charAt(i))) i++;
  return i;
}

// A member's key in JSON inside a text: `"key":` or, in JSON encoded twice, `\"key\":`.
const MEMBER_KEY = /(\\?)"([^"\\\s:]{1,64})\1"[ \t\r\n]{0,16}:[ \t\r\n]{0,16}/g;
const NUMBER_OR_BOOLEAN = /^(?:-?[0-9][0-9.eE+-]*|true|false)$/;

/** Create a redactor for the given sensitive field names (compared normalised) plus `SENSITIVE_KEYS`. */
export function createRedactor(fields: Iterable<string>): Redactor {
  const keys = new Set([...SENSITIVE_KEYS, ...fields].map(normaliseKey).filter((k) => k.length > 0));
  const kinds = new Map<string, KeyKind>();
  const classify = (key: string): KeyKind => {
    const n = normaliseKey(key);
    if (keys.has(n)) return 'sensitive';
    if (ID_KEYS.has(n)) return 'id';
    if (CREDENTIAL_PARTS.some((p) => n.includes(p)) || CREDENTIAL_ENDINGS.some((e) => n.endsWith(e))) return 'credential';
    if (ID_KEY.test(key)) return 'id';
    if (PERSONAL_NUMBER_PARTS.some((p) => n.includes(p))) return 'personal';
    return 'plain';
  };
  const kindOf = (key: string): KeyKind => {
    let kind = kinds.get(key);
    if (kind === undefined) {
      kind = classify(key);
      if (kinds.size < 10_000) kinds.set(key, kind);
    }
    return kind;
  };
  const isSensitiveKey = (key: string): boolean => {
    const kind = kindOf(key);
    return kind === 'sensitive' || kind === 'credential';
  };

  // JSON members under sensitive keys in a text that is not JSON as a whole ("failed: {"name":…}"):
  // the member's value goes, whatever its shape.
  const members = (input: string): string => {
    if (!input.includes('"') || !input.includes(':')) return input;
    let out = '';
    let last = 0;
    const re = new RegExp(MEMBER_KEY.source, 'g');
    for (let m = re.exec(input); m !== null; m = re.exec(input)) {
      const kind = kindOf(m[2] ?? '');
      if (kind !== 'sensitive' && kind !== 'credential') continue;
      const level: QuoteLevel = m[1] === '\\' ? 1 : 0;
      const start = m.index + m[0].length;
      const end = valueEnd(input, start, level);
      if (end === start) continue;
      if (kind === 'credential' && NUMBER_OR_BOOLEAN.test(input.slice(start, end))) continue;
      const quote = level === 1 ? '\\"' : '"';
      out += input.slice(last, start) + quote + REDACTED + quote;
      last = end;
      re.lastIndex = end;
    }
    return last === 0 ? input : out + input.slice(last);
  };

  /** Parse a text that is JSON as a whole (an object, array or string), or return undefined. */
  const parseJson = (input: string): { value: unknown } | undefined => {
    if (input.length < 2 || input.length > MAX_JSON_LENGTH) return undefined;
    const trimmed = input.trim();
    const first = trimmed[0];
    const lastChar = trimmed[trimmed.length - 1];
    if (!((first === '{' && lastChar === '}') || (first === '[' && lastChar === ']') || (first === '"' && lastChar === '"' && trimmed.length > 1))) return undefined;
    try {
      return { value: JSON.parse(trimmed) as unknown };
    } catch {
      return undefined;
    }
  };

  const text = (input: string, depth = 0): string => {
    const parsed = parseJson(input);
    if (parsed !== undefined && depth < MAX_DEPTH) return JSON.stringify(walk(parsed.value, depth + 1, new WeakSet(), 'plain'));
    return redactText(members(input));
  };

  const walk = (value: unknown, depth: number, seen: WeakSet<object>, mode: Mode): unknown => {
    if (typeof value === 'string') return mode === 'id' ? replacePatterns(value, ID_PATTERN) : text(value, depth);
    if (typeof value === 'number' || typeof value === 'bigint') {
      if (mode !== 'personal') return typeof value === 'bigint' ? value.toString() : value;
      const digits = value.toString();
      const redacted = redactText(digits);
      return redacted !== digits ? redacted : typeof value === 'bigint' ? digits : value;
    }
    if (value === null || typeof value !== 'object') return value;
    if (seen.has(value)) return '[Circular]';
    if (depth >= MAX_DEPTH) return '[Truncated]';
    seen.add(value);
    try {
      if (types.isDate(value)) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
      if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1, seen, mode));
      // An error of another realm (a vm context) fails `instanceof Error`; only its name, message,
      // code, stack and cause are written, redacted, never its other own fields.
      if (types.isNativeError(value) || value instanceof Error) return walk(errorRecord(value), depth + 1, seen, 'plain');
      if (ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        const kind = kindOf(k);
        const key = redactText(k);
        if (kind === 'sensitive' && v !== undefined && v !== null) out[key] = REDACTED;
        else if (kind === 'credential' && v !== undefined && v !== null && typeof v !== 'number' && typeof v !== 'boolean') out[key] = REDACTED;
        else out[key] = walk(v, depth + 1, seen, kind === 'id' || kind === 'personal' ? kind : 'plain');
      }
      return out;
    } finally {
      seen.delete(value);
    }
  };
  return { value: (value) => walk(value, 0, new WeakSet(), 'plain'), text: (input) => text(input), isSensitiveKey };
}

function errorRecord(error: Error): Record<string, unknown> {
  const record: Record<string, unknown> = { type: String(error.name), message: String(error.message) };
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) record['code'] = code;
  if (typeof error.stack === 'string' && error.stack.length > 0) record['stack'] = error.stack;
  if (error.cause !== undefined) record['cause'] = error.cause;
  return record;
}
