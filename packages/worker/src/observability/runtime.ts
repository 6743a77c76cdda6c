import { createServer } from 'node:net';
import { Runtime } from '@temporalio/worker';
import type { LogLevel, LogMetadata, Logger } from '@temporalio/worker';

const ORDER: readonly LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

// Temporal's runtime has one logger per process; workers of several `createWorkers` calls share
// it. Entries that name a task queue go to the logger of the workers polling it, others to the
// logger registered last.
class RoutingLogger implements Logger {
  private readonly byQueue = new Map<string, Logger>();
  private readonly stack: Logger[] = [];

  private readonly fallback: Logger;

  constructor(fallback: Logger) {
    this.fallback = fallback;
  }

  register(logger: Logger, taskQueues: readonly string[]): () => void {
    for (const q of taskQueues) this.byQueue.set(q, logger);
    this.stack.push(logger);
    return () => {
      for (const q of taskQueues) if (this.byQueue.get(q) === logger) this.byQueue.delete(q);
      const i = this.stack.lastIndexOf(logger);
      if (i >= 0) this.stack.splice(i, 1);
    };
  }

  private target(meta: LogMetadata | undefined): Logger {
    const queue: unknown = meta?.['taskQueue'];
    return (typeof queue === 'string' ? this.byQueue.get(queue) : undefined) ?? this.stack[this.stack.length - 1] ?? this.fallback;
  }

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    this.target(meta).log(level, message, meta);
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

/** The process's Temporal runtime as Metis installed it. */
export interface MetisRuntime {
  /** Address of Temporal's own Prometheus exporter (internal), if Metis installed the runtime with one. */
  readonly temporalMetricsAddress: string | undefined;
  /** Send the log entries of these task queues (and unrouted ones) to `logger` until the returned function is called. */
  route(logger: Logger, taskQueues: readonly string[]): () => void;
}

let installed: (MetisRuntime & { readonly ours: boolean }) | undefined;

/** Return a free TCP port on `host`, chosen by the system. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Map a pino-style level to the level Temporal's core forwards from (never chattier than INFO). */
export function coreLogLevel(level: string): LogLevel {
  const upper = level.toUpperCase();
  const index = Math.max(ORDER.indexOf(upper === 'SILENT' ? 'ERROR' : (upper as LogLevel)), ORDER.indexOf('INFO'));
  return ORDER[index] ?? 'INFO';
}

/**
 * Install the process's Temporal runtime once: its logger (core logs forwarded) and, when asked,
 * its Prometheus exporter on an internal free port. An application that installed its own
 * runtime first keeps it (and its logger and metrics).
 */
export async function installMetisRuntime(logger: Logger, options: { readonly level: string; readonly temporalMetrics: boolean }): Promise<MetisRuntime> {
  if (installed) return installed;
  const router = new RoutingLogger(logger);
  const address = options.temporalMetrics ? `127.0.0.1:${await freePort()}` : undefined;
  if (installed) return installed;
  try {
    Runtime.install({
      logger: router,
      telemetryOptions: {
        logging: { filter: { core: coreLogLevel(options.level), other: 'ERROR' }, forward: {} },
        ...(address ? { metrics: { prometheus: { bindAddress: address } } } : {}),
      },
    });
    installed = { ours: true, temporalMetricsAddress: address, route: (l, q) => router.register(l, q) };
  } catch {
    // The application installed its own runtime first: keep it.
    installed = { ours: false, temporalMetricsAddress: undefined, route: () => () => undefined };
  }
  return installed;
}
