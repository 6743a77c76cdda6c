import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { ConfigurationError } from '@metis/activities/errors';
import type { MetricsRegistry } from '@metis/activities/metrics';

/** Where the workers serve `/metrics` by default. */
export const DEFAULT_METRICS_ADDRESS = '127.0.0.1:9464';

/** A host and port to listen on. */
export interface ListenAddress {
  /** Host name or IP address. */
  readonly host: string;
  /** TCP port; 0 lets the system choose one. */
  readonly port: number;
}

/** Parse `host:port`, `:port` or `[ipv6]:port`; return undefined for `off`; throw `ConfigurationError` (`METRICS_ADDRESS_INVALID`) otherwise. */
export function parseMetricsAddress(value: string, source = 'METIS_METRICS_ADDRESS'): ListenAddress | undefined {
  const text = value.trim();
  if (text.toLowerCase() === 'off') return undefined;
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]*)):([0-9]{1,5})$/.exec(text);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65_535) {
    throw new ConfigurationError('METRICS_ADDRESS_INVALID', `${source} ${JSON.stringify(value)} is not host:port`, {
      hint: `Use host:port (such as ${DEFAULT_METRICS_ADDRESS}) or off`,
    });
  }
  return { host: match[1] ?? (match[2] || '127.0.0.1'), port };
}

/** One user's hold on a served `/metrics` endpoint. */
export interface MetricsEndpoint {
  /** The URL to scrape. */
  readonly url: string;
  /** Let go of the endpoint; the server closes when its last user lets go. */
  close(): Promise<void>;
}

interface Served {
  readonly server: Server;
  readonly registry: MetricsRegistry;
  readonly url: string;
  users: number;
}

const served = new Map<string, Served>();

const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

async function temporalText(address: string | undefined): Promise<string> {
  if (!address) return '';
  try {
    const response = await fetch(`http://${address}/metrics`, { signal: AbortSignal.timeout(2_000) });
    return response.ok ? await response.text() : `# Temporal runtime metrics unavailable: HTTP ${response.status}\n`;
  } catch {
    return '# Temporal runtime metrics unavailable\n';
  }
}

/** Where the endpoint reports errors of its server after it listens (an accept failing with EMFILE, …). */
export interface EndpointLogger {
  warn(message: string, meta?: Record<string, unknown>): void;
}

function listen(server: Server, address: ListenAddress, source: string, logger: EndpointLogger | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const where = `${address.host}:${address.port}`;
      reject(
        error.code === 'EADDRINUSE'
          ? new ConfigurationError('METRICS_ADDRESS_IN_USE', `${source} ${where} is already in use by another process`, {
              hint: 'Set METIS_METRICS_ADDRESS (or metricsAddress) to a free host:port, or to off',
              cause: error,
            })
          : new ConfigurationError('METRICS_ADDRESS_UNAVAILABLE', `cannot listen on ${source} ${where}: ${error.code ?? error.message}`, {
              hint: 'Set METIS_METRICS_ADDRESS (or metricsAddress) to an address of this machine, or to off',
              cause: error,
            }),
      );
    };
    server.once('error', onError);
    server.listen(address.port, address.host, () => {
      server.off('error', onError);
      // A server without an 'error' listener throws its later errors (EMFILE on accept, …) as
      // uncaught exceptions, which would end the workers: report them and keep serving.
      server.on('error', (error: NodeJS.ErrnoException) => {
        (logger ?? { warn: (message: string) => process.emitWarning(message) }).warn(`metrics endpoint ${source}: ${error.code ?? error.message}`, { error });
      });
      resolve();
    });
  });
}

/**
 * Serve `registry` and Temporal's runtime metrics together at `http://{address}/metrics`. Workers
 * of one process asking for the same address with the same registry share one server; another
 * registry on an address this process serves, or an address another process holds, is a
 * `ConfigurationError` (`METRICS_ADDRESS_IN_USE`).
 */
export async function serveMetrics(
  address: ListenAddress,
  registry: MetricsRegistry,
  options: {
    /** Address of Temporal's exporter, or a function read at each scrape (the runtime is installed after the endpoint binds). */
    readonly temporalMetricsAddress?: string | (() => string | undefined) | undefined;
    readonly source?: string;
    readonly logger?: EndpointLogger | undefined;
  } = {},
): Promise<MetricsEndpoint> {
  const source = options.source ?? 'metrics address';
  const key = `${address.host}:${address.port}`;
  const existing = address.port === 0 ? undefined : served.get(key);
  if (existing) {
    if (existing.registry !== registry) {
      throw new ConfigurationError('METRICS_ADDRESS_IN_USE', `${source} ${key} is already served by other workers of this process, with another metrics registry`, {
        hint: 'Give these workers the same services.metrics registry, or another metricsAddress',
      });
    }
    existing.users += 1;
    return endpointOf(key, existing);
  }
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: scrape /metrics\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const temporal = typeof options.temporalMetricsAddress === 'function' ? options.temporalMetricsAddress() : options.temporalMetricsAddress;
    Promise.all([registry.scrape(), temporalText(temporal)]).then(
      ([metis, temporal]) => response.writeHead(200, { 'content-type': CONTENT_TYPE }).end(`${metis}\n${temporal}`),
      () => response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n'),
    );
  });
  await listen(server, address, source, options.logger);
  const bound = server.address();
  const port = bound && typeof bound === 'object' ? bound.port : address.port;
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  const boundKey = `${address.host}:${port}`;
  const entry: Served = { server, registry, url: `http://${host}:${port}/metrics`, users: 1 };
  served.set(boundKey, entry);
  return endpointOf(boundKey, entry);
}

function endpointOf(key: string, entry: Served): MetricsEndpoint {
  let closed = false;
  return {
    url: entry.url,
    async close() {
      if (closed) return;
      closed = true;
      entry.users -= 1;
      if (entry.users > 0) return;
      served.delete(key);
      entry.server.closeAllConnections();
      await new Promise<void>((resolve) => entry.server.close(() => resolve()));
    },
  };
}
