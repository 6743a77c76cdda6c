import { createServer } from 'node:net';
import { Runtime } from '@temporalio/worker';
import type { LogLevel, LogMetadata, Logger, RuntimeOptions } from '@temporalio/worker';

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

/** One `createWorkers` call's use of the runtime. */
export interface MetisRuntimeUse extends MetisRuntime {
  /**
   * Let go of the runtime. When the last user lets go, the runtime is Metis' own and no worker,
   * connection or pending creation of this process uses it, it is shut down (the SDK only does
   * that when its last worker or connection closes, so a runtime that never had one would keep
   * the process alive).
   */
  release(): Promise<void>;
}

interface Installed extends MetisRuntime {
  /** The options Metis installed the runtime with; undefined when the application installed its own. */
  readonly options: RuntimeOptions | undefined;
}

let installed: Installed | undefined;
let users = 0;

// What the SDK (1.24) counts to shut an idle runtime down: its registered workers, clients and
// ephemeral servers (`backRefs`) and native creations under way (`pendingCreations`), `isIdle()`.
interface RuntimeInternals {
  isIdle(): boolean;
}

/** Tell whether `error` is the SDK's refusal to install a second runtime (`IllegalStateError`). */
export function isAlreadyInstalled(error: unknown): boolean {
  return error instanceof Error && error.name === 'IllegalStateError';
}

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

async function install(logger: Logger, options: { readonly level: string; readonly temporalMetrics: boolean }): Promise<Installed> {
  if (installed) return installed;
  const router = new RoutingLogger(logger);
  const address = options.temporalMetrics ? `127.0.0.1:${await freePort()}` : undefined;
  if (installed) return installed;
  try {
    const ours: RuntimeOptions = {
      logger: router,
      telemetryOptions: {
        logging: { filter: { core: coreLogLevel(options.level), other: 'ERROR' }, forward: {} },
        ...(address ? { metrics: { prometheus: { bindAddress: address } } } : {}),
      },
    };
    Runtime.install(ours);
    installed = { options: ours, temporalMetricsAddress: address, route: (l, q) => router.register(l, q) };
  } catch (error) {
    // Only the SDK's "already installed" means the application installed its own runtime first:
    // keep it. Anything else (bad telemetry options, a native failure) is an error of its own.
    if (!isAlreadyInstalled(error)) throw error;
    installed = { options: undefined, temporalMetricsAddress: undefined, route: () => () => undefined };
  }
  return installed;
}

async function shutdownIfUnused(): Promise<void> {
  const runtime = Runtime._instance;
  // None running (the SDK shuts it down when its last worker or connection closes), or not ours:
  // the SDK re-creates a runtime that was shut down from the options it was installed with.
  if (!runtime || !installed?.options || Runtime.defaultOptions !== installed.options) return;
  if (!(runtime as unknown as RuntimeInternals).isIdle()) return;
  await runtime.shutdown();
}

/**
 * Install the process's Temporal runtime once: its logger (core logs forwarded) and, when asked,
 * its Prometheus exporter on an internal free port. An application that installed its own
 * runtime first keeps it (and its logger and metrics). Each call is a use, let go with `release`.
 */
export async function installMetisRuntime(logger: Logger, options: { readonly level: string; readonly temporalMetrics: boolean }): Promise<MetisRuntimeUse> {
  users += 1;
  let current: Installed;
  try {
    current = await install(logger, options);
  } catch (error) {
    users -= 1;
    throw error;
  }
  let released = false;
  return {
    temporalMetricsAddress: current.temporalMetricsAddress,
    route: (l, q) => current.route(l, q),
    async release() {
      if (released) return;
      released = true;
      users -= 1;
      if (users === 0) await shutdownIfUnused();
    },
  };
}

/** Return the address of Temporal's exporter of the runtime Metis installed, if any (read at scrape). */
export function temporalMetricsAddress(): string | undefined {
  return installed?.temporalMetricsAddress;
}
