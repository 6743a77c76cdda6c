import { MalformedBureauResponseError } from './errors.ts';
import { isCalendarDate } from '../util/calendar-date.ts';

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Type of a JSON value, for issue messages (never the value itself). */
function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * Read an untrusted bureau body field by field, collecting every problem; `done` throws
 * `MalformedBureauResponseError` if there was any, so a partial report never escapes.
 * Readers return a placeholder on a bad field so mapping code stays straight-line.
 */
export class ResponseReader {
  /** Problems found so far, as `path: problem`. */
  readonly issues: string[] = [];
  /** Provider whose body this is. */
  readonly provider: string;

  constructor(provider: string) {
    this.provider = provider;
  }

  private readonly broken: string[] = [];

  /** Record a problem at a path (unless a containing object was already reported). */
  issue(path: string, problem: string): void {
    if (this.broken.some((prefix) => path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`) || prefix === '')) return;
    this.issues.push(`${path || '(body)'}: ${problem}`);
  }

  /** Read a JSON object (not an array, not null). */
  object(value: unknown, path: string): Record<string, unknown> {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    this.issue(path, `expected an object, got ${typeOf(value)}`);
    this.broken.push(path);
    return {};
  }

  /** Read a non-empty string, optionally matching a pattern. */
  string(value: unknown, path: string, pattern?: RegExp, shape?: string): string {
    if (typeof value !== 'string' || value.trim() === '') {
      this.issue(path, `expected a non-empty string, got ${typeOf(value)}`);
      return '';
    }
    if (pattern && !pattern.test(value)) {
      this.issue(path, `expected ${shape ?? pattern.source}`);
      return '';
    }
    return value;
  }

  /** Read a calendar date `YYYY-MM-DD`. */
  date(value: unknown, path: string): string {
    const text = this.string(value, path, DATE, 'a date YYYY-MM-DD');
    if (text && !isCalendarDate(text)) this.issue(path, 'expected a real calendar date');
    return text;
  }

  /** Read a month `YYYY-MM`. */
  month(value: unknown, path: string): string {
    return this.string(value, path, MONTH, 'a month YYYY-MM');
  }

  /** Read an ISO 8601 timestamp and return it normalised to UTC. */
  timestamp(value: unknown, path: string): string {
    const text = this.string(value, path);
    const ms = text ? Date.parse(text) : Number.NaN;
    if (text && Number.isNaN(ms)) {
      this.issue(path, 'expected an ISO 8601 timestamp');
      return '';
    }
    return text ? new Date(ms).toISOString() : '';
  }

  /** Read a finite number within bounds. */
  number(value: unknown, path: string, min: number, max: number): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.issue(path, `expected a number, got ${typeOf(value)}`);
      return 0;
    }
    if (value < min || value > max) {
      this.issue(path, `expected a number in [${min}, ${max}]`);
      return 0;
    }
    return value;
  }

  /** Read an integer within bounds. */
  integer(value: unknown, path: string, min: number, max: number): number {
    const n = this.number(value, path, min, max);
    if (typeof value === 'number' && Number.isFinite(value) && !Number.isInteger(value)) this.issue(path, 'expected an integer');
    return n;
  }

  /** Read an integer written as a decimal string (e.g. amounts in paise). */
  integerString(value: unknown, path: string, min: number, max: number): number {
    const text = this.string(value, path, /^-?\d{1,18}$/, 'an integer written as digits');
    return text ? this.integer(Number(text), path, min, max) : 0;
  }

  /** Read one of a fixed set of strings. */
  oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    this.issue(path, `expected one of ${allowed.join(', ')}`);
    return allowed[0] as T;
  }

  /** Read an array, mapping each item (at most `maxItems` of them). */
  array<T>(value: unknown, path: string, each: (item: unknown, path: string) => T, maxItems = 10_000): T[] {
    if (!Array.isArray(value)) {
      this.issue(path, `expected an array, got ${typeOf(value)}`);
      return [];
    }
    if (value.length > maxItems) {
      this.issue(path, `expected at most ${maxItems} items`);
      return [];
    }
    return value.map((item, i) => each(item, `${path}[${i}]`));
  }

  /** Return `result` if every read succeeded, else throw `MalformedBureauResponseError`. */
  done<T>(result: T, status?: number): T {
    if (this.issues.length > 0) throw new MalformedBureauResponseError(this.provider, [...this.issues], status === undefined ? undefined : { status });
    return result;
  }
}
