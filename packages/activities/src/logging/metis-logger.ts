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

function wrap(base: pino.Logger, redactor: Redactor): MetisLogger {
  const write = (level: Exclude<PinoLevel, 'silent'>, message: string, meta?: LogMetadata): void => {
    if (!base.isLevelEnabled(level)) return;
    const text = redactor.text(String(message));
    if (meta === undefined) base[level](text);
    else base[level](redactor.value(meta) as Record<string, unknown>, text);
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
    child: (bindings) => wrap(base.child(redactor.value(bindings) as Record<string, unknown>), redactor),
    flush: () => base.flush(),
  };
}

/**
 * Create a JSON logger for Metis and Temporal: one line per entry, PII redacted by key (the
 * journeys' `pii` fields, `piiFields` and credentials, at any depth: `[REDACTED]`) and by pattern
 * in every string and message (PAN, Aadhaar, e-mail, Indian mobile: `[REDACTED:<kind>]`).
 */
export function createMetisLogger(options: MetisLoggerOptions = {}): MetisLogger {
  const fromEnv = process.env['METIS_LOG_LEVEL'];
  const fallback = process.env['NODE_TEST_CONTEXT'] ? 'warn' : 'info';
  const level = options.level !== undefined ? parseLogLevel(options.level) : fromEnv ? parseLogLevel(fromEnv, 'METIS_LOG_LEVEL') : fallback;
  const redactor = createRedactor([...defaultPiiFieldNames(), ...(options.piiFields ?? [])]);
  const base = pino(
    {
      level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Errors arrive already turned into redacted records; pino's serializer would re-type them.
      serializers: { err: (value: unknown) => value },
      ...(options.bindings ? { base: { pid: process.pid, ...(redactor.value(options.bindings) as Record<string, unknown>) } } : {}),
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
  return wrap(base, redactor);
}
