import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { ConfigurationError } from '@metis/activities';
import type { TemporalConfig } from './config.ts';

const CONNECT_TIMEOUT = '5s';

function unreachable(config: TemporalConfig, error: unknown): ConfigurationError {
  const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return new ConfigurationError('TEMPORAL_UNREACHABLE', `Temporal at ${config.address} is unreachable (${reason})`, {
    hint: 'Start the dev server with `npm run stack -- up` or set METIS_TEMPORAL_ADDRESS',
    cause: error,
  });
}

/** Connect a Temporal client, failing fast with `ConfigurationError` when the server does not answer. */
export async function connectClient(config: TemporalConfig): Promise<Connection> {
  try {
    return await Connection.connect({ address: config.address, connectTimeout: CONNECT_TIMEOUT });
  } catch (error) {
    throw unreachable(config, error);
  }
}

/** Connect a worker's native connection, failing fast with `ConfigurationError` when the server does not answer. */
export async function connectWorker(config: TemporalConfig): Promise<NativeConnection> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CONNECT_TIMEOUT}`)), 5_000);
  });
  const connecting = NativeConnection.connect({ address: config.address });
  try {
    return await Promise.race([connecting, timeout]);
  } catch (error) {
    // A connection that arrives after we gave up must still be closed.
    connecting.then((c) => c.close(), () => undefined).catch(() => undefined);
    throw unreachable(config, error);
  } finally {
    clearTimeout(timer);
  }
}
