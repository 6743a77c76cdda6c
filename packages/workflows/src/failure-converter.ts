import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Convert errors to failures with their message and stack trace moved into an encoded payload, so
 * the payload codec encrypts them like any argument: PII in an error message never reaches the
 * server in clear. Clients, workers and the workflow bundle load it by module path.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
