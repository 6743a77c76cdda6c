import { NativeConnection } from '@temporalio/worker';
import { CONNECT_TIMEOUT_MS, temporalUnreachable } from '@metis/sdk/internal';
import type { TemporalConfig } from '@metis/sdk';

/** Connect a worker's native connection, failing fast with `ConfigurationError` when the server does not answer. */
export async function connectWorker(config: TemporalConfig): Promise<NativeConnection> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
  });
  const connecting = NativeConnection.connect({ address: config.address });
  try {
    return await Promise.race([connecting, timeout]);
  } catch (error) {
    // A connection that arrives after we gave up must still be closed.
    connecting.then((c) => c.close(), () => undefined).catch(() => undefined);
    throw temporalUnreachable(config, error);
  } finally {
    clearTimeout(timer);
  }
}
