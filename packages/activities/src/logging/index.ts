// @metis/activities/logging: JSON logs for workers and clients, with personal data redacted.
export { createMetisLogger, parseLogLevel } from './metis-logger.ts';
export type { LogDestination, MetisLogger, MetisLoggerOptions, MetisLogLevel } from './metis-logger.ts';
export { createRedactor, defaultPiiFieldNames, normaliseKey, piiFieldNames, REDACTED, redactText, SENSITIVE_KEYS } from './redact.ts';
export type { Redactor } from './redact.ts';
