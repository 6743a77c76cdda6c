import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { BUREAU_FORMATS } from '@metis/activities/bureau';
import type { BureauAuth, BureauFormatName, HttpBureauProviderConfig } from '@metis/activities/bureau';
import { FORMAT_FIELDS, renderCreditReport, requestPan, seededRandom, simulatedCreditProfile } from './bureau-profiles.ts';

export { simulatedCreditProfile, SIMULATED_AS_OF } from './bureau-profiles.ts';
export type { SimulatedAccount, SimulatedCreditProfile } from './bureau-profiles.ts';

/** Faults a simulated bureau injects; they can be changed while it runs. */
export interface BureauFaults {
  /** Added delay before every answer, in milliseconds. */
  readonly latencyMs?: number;
  /** Share of report requests answered HTTP 500, 0-1 (drawn from the simulator's seeded generator). */
  readonly errorRate?: number;
  /** Hard down: `refuse` stops listening (connection refused), `reset` drops each connection, `503` answers 503. */
  readonly down?: false | 'refuse' | 'reset' | '503';
  /** Accept report requests and never answer them. */
  readonly hang?: boolean;
  /** Answer 200 with a broken body: not JSON, cut short, without the score, wrong field types, an account missing a field, or another applicant's report. */
  readonly malformed?: false | 'not-json' | 'truncated' | 'missing-score' | 'wrong-types' | 'partial-account' | 'other-subject';
  /** Answer the next N report requests with HTTP 429. */
  readonly rateLimitBurst?: number;
  /** Answer the next N report requests with HTTP 502. */
  readonly serverErrorBurst?: number;
}

/** Options of a simulated bureau. */
export interface BureauSimulatorOptions {
  /** Payload shape it speaks. */
  readonly format: BureauFormatName;
  /** Provider name (default: the format name without its version). */
  readonly name?: string;
  /** Credentials it demands (default none). */
  readonly auth?: BureauAuth;
  /** Seed of the error-rate generator (default 1). */
  readonly seed?: number;
  /** Faults from the start. */
  readonly faults?: BureauFaults;
}

/** Counters of a simulated bureau. */
export interface BureauSimulatorStats {
  /** Report requests that reached the server (including those answered with an error or left hanging). */
  readonly requests: number;
  /** Reports served (well-formed or deliberately malformed). */
  readonly served: number;
  /** Answers with an HTTP error status. */
  readonly errors: number;
  /** Requests left hanging. */
  readonly hung: number;
}

/** A running simulated bureau. */
export interface BureauSimulator {
  /** Provider name. */
  readonly name: string;
  /** Payload shape. */
  readonly format: BureauFormatName;
  /** Base URL, `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Current faults. */
  faults(): BureauFaults;
  /** Merge new faults into the current ones (a `refuse` change waits until the listener is closed or reopened). */
  setFaults(faults: BureauFaults): Promise<void>;
  /** Remove every fault. */
  clearFaults(): Promise<void>;
  /** Return the counters. */
  stats(): BureauSimulatorStats;
  /** Zero the counters. */
  resetStats(): void;
  /** Return an HTTP provider configuration pointing at this simulator. */
  providerConfig(overrides?: Partial<HttpBureauProviderConfig>): HttpBureauProviderConfig;
  /** Stop the server and drop every connection. */
  close(): Promise<void>;
}

const ADMIN = '/__admin';

function authorised(auth: BureauAuth | undefined, req: IncomingMessage): boolean {
  switch (auth?.kind) {
    case undefined:
    case 'none':
      return true;
    case 'bearer':
      return req.headers.authorization === `Bearer ${auth.token}`;
    case 'api-key':
      return req.headers[auth.header.toLowerCase()] === auth.key;
    case 'basic':
      return req.headers.authorization === `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as unknown) : {};
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Set a nested field (creating nothing): used to break bodies on purpose. */
function mutate(body: Record<string, unknown>, path: readonly string[], change: (parent: Record<string, unknown>, key: string) => void): void {
  let node: unknown = body;
  for (const key of path.slice(0, -1)) node = (node as Record<string, unknown>)[key];
  change(node as Record<string, unknown>, path[path.length - 1] as string);
}

function breakBody(kind: NonNullable<BureauFaults['malformed']>, format: BureauFormatName, body: Record<string, unknown>): string {
  const fields = FORMAT_FIELDS[format];
  switch (kind) {
    case 'not-json':
      return '<html><body>502 Bad Gateway</body></html>';
    case 'truncated': {
      const text = JSON.stringify(body);
      return text.slice(0, Math.floor(text.length / 2));
    }
    case 'missing-score':
      mutate(body, fields.score, (parent, key) => delete parent[key]);
      break;
    case 'wrong-types':
      mutate(body, fields.score, (parent, key) => (parent[key] = 'excellent'));
      mutate(body, fields.accounts, (parent, key) => (parent[key] = 'none'));
      break;
    case 'partial-account':
      mutate(body, fields.accounts, (parent, key) => {
        const accounts = parent[key] as Record<string, unknown>[];
        if (accounts.length === 0) accounts.push({});
        else delete (accounts[0] as Record<string, unknown>)[fields.lender];
      });
      break;
    case 'other-subject':
      mutate(body, fields.subject, (parent, key) => (parent[key] = 'ZZZPZ9999Z'));
      break;
  }
  return JSON.stringify(body);
}

/** Start a simulated credit bureau on 127.0.0.1 (random port) serving deterministic reports per PAN, with switchable faults. */
export async function startBureauSimulator(options: BureauSimulatorOptions): Promise<BureauSimulator> {
  const format = options.format;
  if (!(format in BUREAU_FORMATS)) throw new Error(`unknown bureau format ${String(format)}`);
  const name = options.name ?? format.replace(/-v\d+$/, '');
  const path = BUREAU_FORMATS[format].path;
  const random = seededRandom(`errors:${options.seed ?? 1}`);
  let faults: BureauFaults = { ...options.faults };
  let stats = { requests: 0, served: 0, errors: 0, hung: 0 };
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let listening = false;
  let closed = false;
  let port = 0;

  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  async function report(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const f = faults;
    if (f.down === 'reset') {
      req.socket.destroy(); // a kept-alive connection opened before the fault
      return;
    }
    stats.requests += 1;
    if (f.hang) {
      stats.hung += 1;
      req.resume();
      return; // never answered; the socket is destroyed at close
    }
    if (f.latencyMs && f.latencyMs > 0) await delay(f.latencyMs);
    const error = (status: number, body: unknown, headers?: Record<string, string>) => {
      stats.errors += 1;
      send(res, status, body, headers);
    };
    if (f.down === '503') return error(503, { error: 'service unavailable' });
    if (f.rateLimitBurst && f.rateLimitBurst > 0) {
      faults = { ...faults, rateLimitBurst: f.rateLimitBurst - 1 };
      return error(429, { error: 'too many requests' }, { 'retry-after': '1' });
    }
    if (f.serverErrorBurst && f.serverErrorBurst > 0) {
      faults = { ...faults, serverErrorBurst: f.serverErrorBurst - 1 };
      return error(502, { error: 'upstream failure' });
    }
    if (f.errorRate && random() < f.errorRate) return error(500, { error: 'internal error' });
    if (!authorised(options.auth, req)) return error(401, { error: 'unauthorised' });
    let pan: string | undefined;
    try {
      pan = requestPan(format, await readJson(req));
    } catch {
      pan = undefined;
    }
    if (!pan) return error(400, { error: 'a valid PAN is required' });
    const hash = createHash('sha256').update(`${name}:${pan}`).digest('hex').slice(0, 16);
    const body = renderCreditReport(format, pan, `${name.toUpperCase()}-${hash}`, simulatedCreditProfile(pan), new Date());
    stats.served += 1;
    send(res, 200, f.malformed ? breakBody(f.malformed, format, body) : JSON.stringify(body));
  }

  async function admin(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.url === `${ADMIN}/faults` && req.method === 'GET') return send(res, 200, faults);
    if (req.url === `${ADMIN}/faults` && req.method === 'PUT') {
      const body = (await readJson(req)) as BureauFaults;
      await handle.setFaults(body);
      return send(res, 200, faults);
    }
    if (req.url === `${ADMIN}/faults` && req.method === 'DELETE') {
      await handle.clearFaults();
      return send(res, 200, faults);
    }
    if (req.url === `${ADMIN}/stats` && req.method === 'GET') return send(res, 200, stats);
    return send(res, 404, { error: 'no such admin endpoint' });
  }

  const server = createServer((req, res) => {
    const work = req.url?.startsWith(ADMIN) ? admin(req, res) : req.method === 'POST' && req.url === path ? report(req, res) : Promise.resolve(send(res, 404, { error: 'not found' }));
    work.catch(() => {
      if (!res.headersSent) send(res, 500, { error: 'simulator failure' });
    });
  });
  server.keepAliveTimeout = 5_000;
  server.on('connection', (socket: Socket) => {
    if (faults.down === 'reset') {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        port = (server.address() as { port: number }).port;
        listening = true;
        resolve();
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => {
      listening = false;
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
    });

  await listen();

  const handle: BureauSimulator = {
    name,
    format,
    url: `http://127.0.0.1:${port}`,
    faults: () => ({ ...faults }),
    async setFaults(next) {
      faults = { ...faults, ...next };
      if (faults.down === 'refuse' && listening) await stopListening();
      else if (faults.down !== 'refuse' && !listening && !closed) await listen();
    },
    async clearFaults() {
      faults = {};
      if (!listening && !closed) await listen();
    },
    stats: () => ({ ...stats }),
    resetStats() {
      stats = { requests: 0, served: 0, errors: 0, hung: 0 };
    },
    providerConfig: (overrides = {}) => ({ name, baseUrl: `http://127.0.0.1:${port}`, format, ...(options.auth ? { auth: options.auth } : {}), ...overrides }),
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      if (listening) await stopListening();
      for (const socket of sockets) socket.destroy();
    },
  };
  if (faults.down === 'refuse') await stopListening();
  return handle;
}
