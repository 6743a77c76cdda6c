import { Connection } from '@temporalio/client';
import { ConfigurationError } from '@metis/activities/errors';
import type { TemporalConfig } from './config.ts';

/** How long a connection attempt waits for the frontend, in milliseconds. */
export const CONNECT_TIMEOUT_MS = 5_000;

/** The error for a Temporal frontend that does not answer. */
export function temporalUnreachable(config: TemporalConfig, error: unknown): ConfigurationError {
  const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return new ConfigurationError('TEMPORAL_UNREACHABLE', `Temporal at ${config.address} is unreachable (${reason})`, {
    hint: 'Start the dev server with `npm run stack -- up` or set METIS_TEMPORAL_ADDRESS',
    cause: error,
  });
}

/** Connect a Temporal client, failing fast with `ConfigurationError` when the server does not answer. */
export async function connectClient(config: TemporalConfig): Promise<Connection> {
  try {
    return await Connection.connect({ address: config.address, connectTimeout: CONNECT_TIMEOUT_MS });
  } catch (error) {
    throw temporalUnreachable(config, error);
  }
}
