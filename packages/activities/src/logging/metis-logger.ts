import { hostname } from 'node:os';
import { pino } from 'pino';
import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';
import { ConfigurationError } from '../errors.ts';
import { createRedactor, defaultPiiFieldNames } from './redact.ts';
import type { Redactor } from './redact.ts';

/** Least severe level a logger writes, in pino's or Temporal's spelling; `silent` writes nothing. */
export type MetisLogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent' | LogLevel;

/** Where log lines go: anything with `write(line)`, e.g. a file or a test's capture. */
export interface LogDestination {
  /** Write one JSON line (with its newline). */
  write(line: string): unknown;
}

/** Options of `createMetisLogger`. */
export interface MetisLoggerOptions {
  /** Least severe level written (default `METIS_LOG_LEVEL`, else `info`; `warn` under `node --test`). */
  readonly level?: MetisLogLevel;
  /** Where the JSON lines go (default stdout). */
  readonly destination?: LogDestination;
  /** More field names to redact, besides those the built-in and sample journeys mark `pii: true`. */
  readonly piiFields?: Iterable<string>;
  /** Fields on every line, e.g. `{ service: 'acme-workers' }` (redacted like the rest). */
  readonly bindings?: Readonly<Record<string, unknown>>;
}

/** A Temporal `Logger` that writes redacted JSON lines through pino. */
export interface MetisLogger extends Logger {
  /** The least severe level written. */
  readonly level: Lowercase<Exclude<MetisLogLevel, 'silent'>> | 'silent';
  /** Return a logger that adds these fields to every line. */
  child(bindings: Readonly<Record<string, unknown>>): MetisLogger;
  /** Write out buffered lines. */
  flush(): void;
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const;
type PinoLevel = (typeof LEVELS)[number];

/** Parse a log level (case-insensitive); throw `ConfigurationError` (`LOG_LEVEL_INVALID`) otherwise. */
export function parseLogLevel(value: string, source = 'log level'): PinoLevel {
  const level = value.trim().toLowerCase();
  if ((LEVELS as readonly string[]).includes(level)) return level as PinoLevel;
  throw new ConfigurationError('LOG_LEVEL_INVALID', `${source} ${JSON.stringify(value)} is not a log level`, {
    hint: `Use one of ${LEVELS.join(', ')}`,
  });
}

// Keys pino writes itself, and those the bindings already put on every line: metadata or bindings
// with one of them would make a line with the key twice, so theirs are renamed `meta_<key>`
// (`meta_meta_<key>` if that is taken too).
const RESERVED_KEYS: readonly string[] = ['level', 'time', 'msg', 'pid', 'hostname'];

/** Return the redacted fields of metadata or bindings, with keys already taken on the line renamed. */
function fields(redactor: Redactor, meta: unknown, taken: ReadonlySet<string>): Record<string, unknown> {
  const redacted = redactor.value(meta);
  if (redacted === null || typeof redacted !== 'object' || Array.isArray(redacted)) return { meta: redacted };
  const record = redacted as Record<string, unknown>;
  if (!Object.keys(record).some((k) => taken.has(k))) return record;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) if (!taken.has(k)) out[k] = v;
  for (const [k, v] of Object.entries(record)) {
    if (!taken.has(k)) continue;
    let name = `meta_${k}`;
    while (name in out || taken.has(name)) name = `meta_${name}`;
    out[name] = v;
  }
  return out;
}

function wrap(base: pino.Logger, redactor: Redactor, taken: ReadonlySet<string>): MetisLogger {
  const write = (level: Exclude<PinoLevel, 'silent'>, message: string, meta?: LogMetadata): void => {
    if (!base.isLevelEnabled(level)) return;
    const text = redactor.text(String(message));
    if (meta === undefined) base[level](text);
    else base[level](fields(redactor, meta, taken), text);
  };
  const child = (bindings: Readonly<Record<string, unknown>>): MetisLogger => {
    const own = fields(redactor, bindings, taken);
    return wrap(base.child(own), redactor, new Set([...taken, ...Object.keys(own)]));
  };
  return {
    get level() {
      return base.level as MetisLogger['level'];
    },
    log(level, message, meta) {
      const l = level.toLowerCase();
      write(l === 'trace' || l === 'debug' || l === 'info' || l === 'warn' || l === 'error' ? l : 'info', message, meta);
    },
    trace: (message, meta) => write('trace', message, meta),
    debug: (message, meta) => write('debug', message, meta),
    info: (message, meta) => write('info', message, meta),
    warn: (message, meta) => write('warn', message, meta),
    error: (message, meta) => write('error', message, meta),
    child,
    flush: () => base.flush(),
  };
}

/**
 * Create a JSON logger for Metis and Temporal: one line per entry, PII redacted by key (the
 * journeys' `pii` fields, `piiFields` and credentials, at any depth: `[REDACTED]`) and by pattern
 * in every string and message (PAN, Aadhaar, e-mail, Indian mobile: `[REDACTED:<kind>]`); JSON
 * inside a string is redacted like metadata. Metadata keys pino writes itself (`level`, `time`,
 * `msg`, `pid`, `hostname`) or the bindings already wrote are renamed `meta_<key>`.
 */
export function createMetisLogger(options: MetisLoggerOptions = {}): MetisLogger {
  const fromEnv = process.env['METIS_LOG_LEVEL'];
  const fallback = process.env['NODE_TEST_CONTEXT'] ? 'warn' : 'info';
  const level = options.level !== undefined ? parseLogLevel(options.level) : fromEnv ? parseLogLevel(fromEnv, 'METIS_LOG_LEVEL') : fallback;
  const redactor = createRedactor([...defaultPiiFieldNames(), ...(options.piiFields ?? [])]);
  const bindings = options.bindings ? fields(redactor, options.bindings, new Set(RESERVED_KEYS)) : undefined;
  const base = pino(
    {
      level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Errors arrive already turned into redacted records; pino's serializer would re-type them.
      serializers: { err: (value: unknown) => value },
      ...(bindings ? { base: { pid: process.pid, hostname: hostname(), ...bindings } } : {}),
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
  return wrap(base, redactor, new Set([...RESERVED_KEYS, ...Object.keys(bindings ?? {})]));
}
