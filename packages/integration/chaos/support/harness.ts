// The fault suite's harness: the simulated third parties, a client for both sample tenants, worker
// processes that can be SIGKILLed and restarted, and the controls that stop and start the servers.
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createPgDatabase } from '@metis/activities/storage';
import type { MetisDatabase } from '@metis/activities/storage';
import { createMetis } from '@metis/sdk';
import type { Metis, MetisConfig } from '@metis/sdk';
import { testConfig, uniqueId } from '@metis/testing';
import type { Kysely } from 'kysely';
import { startLoanWorld, testTenant } from '../../test/support/loan-services.ts';
import type { LoanWorld } from '../../test/support/loan-services.ts';

const run = promisify(execFile);

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const WORKER_SCRIPT = fileURLToPath(new URL('./chaos-worker.ts', import.meta.url));

/** Loans and journeys each test runs: `CHAOS_LOADS` (default 200 of each). */
export function chaosLoads(fallback = 200): number {
  const raw = process.env['CHAOS_LOADS'];
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 2) throw new Error(`CHAOS_LOADS must be an integer of at least 2, not ${JSON.stringify(raw)}`);
  return n;
}

/** Milliseconds since `start`, as seconds with one decimal. */
export const seconds = (start: number): string => `${((Date.now() - start) / 1000).toFixed(1)} s`;

/** Sleep for `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A worker process on the suite's task queues. */
export interface ChaosWorker {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves when the process has exited, with its code or signal. */
  readonly exited: Promise<string>;
  /** SIGKILL it and wait until it is gone. */
  kill(): Promise<void>;
  /** Its stderr so far (the last 4 kB). */
  stderr(): string;
}

/** Everything one test of the suite runs against. */
export interface Chaos {
  readonly prefix: string;
  readonly config: MetisConfig;
  readonly world: LoanWorld;
  readonly metis: Metis;
  /** The application role's pool, for reads through withTenant. */
  readonly db: Kysely<MetisDatabase>;
  /** Start a worker process and wait until it polls. */
  startWorker(name: string, env?: Record<string, string>): Promise<ChaosWorker>;
  readonly workers: ChaosWorker[];
  close(): Promise<void>;
}

/** Start the simulators, the client and the database pool of one test; workers are started by the test. */
export async function startChaos(name: string): Promise<Chaos> {
  const prefix = uniqueId(`chaos-${name}`);
  const config = testConfig({ temporal: { taskQueuePrefix: prefix } });
  const world = await startLoanWorld();
  const webhook = { url: world.webhooks.url, secret: world.webhooks.secret };
  const metis = await createMetis({ ...config, tenants: [testTenant('acme', webhook), testTenant('zenith', webhook)] });
  const db = createPgDatabase<MetisDatabase>({ url: config.database.url, pool: { max: 4, min: 0 } });
  const workers: ChaosWorker[] = [];

  async function startWorker(workerName: string, extra: Record<string, string> = {}): Promise<ChaosWorker> {
    const child = spawn(process.execPath, ['--conditions=metis-source', WORKER_SCRIPT], {
      cwd: ROOT,
      env: {
        ...process.env,
        METIS_METRICS_ADDRESS: 'off',
        CHAOS_TASK_QUEUE_PREFIX: prefix,
        CHAOS_WEBHOOK_URL: world.webhooks.url,
        CHAOS_WEBHOOK_SECRET: world.webhooks.secret,
        CHAOS_BUREAU_A: world.bureauA.url,
        CHAOS_BUREAU_B: world.bureauB.url,
        CHAOS_PAYMENTS: world.payments.url,
        CHAOS_PAYMENTS_KEY: world.payments.apiKey,
        ...extra,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    // Each worker's output is kept in .metis/run/chaos-{prefix}-{name}.log, so a worker that dies says why.
    const log = join(ROOT, '.metis', 'run', `chaos-${prefix}-${workerName}.log`);
    mkdirSync(dirname(log), { recursive: true });
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4096);
      appendFileSync(log, d);
    });
    child.stdout?.on('data', (d: Buffer) => appendFileSync(log, d));
    const exited = new Promise<string>((resolve) =>
      child.once('exit', (code, signal) => {
        appendFileSync(log, `[chaos] worker ${workerName} exited: ${signal ?? `code ${code}`} at ${new Date().toISOString()}\n`);
        resolve(signal ?? `exit ${code}`);
      }),
    );
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker ${workerName} not ready after 90 s: ${stderr}`)), 90_000);
      child.stdout?.on('data', (d: Buffer) => {
        if (d.toString().includes('worker ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
      void exited.then((how) => {
        clearTimeout(timer);
        reject(new Error(`worker ${workerName} exited (${how}) before it was ready: ${stderr}`));
      });
    });
    const worker: ChaosWorker = {
      name: workerName,
      pid: child.pid ?? 0,
      child,
      exited,
      async kill() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await exited;
      },
      stderr: () => stderr,
    };
    workers.push(worker);
    return worker;
  }

  return {
    prefix,
    config,
    world,
    metis,
    db,
    startWorker,
    workers,
    async close() {
      await Promise.all(workers.map((w) => w.kill()));
      await metis.close();
      await world.close();
      await db.destroy();
    },
  };
}

async function script(file: string, ...args: string[]): Promise<void> {
  await run('bash', [join(ROOT, file), ...args], { cwd: ROOT, env: process.env, maxBuffer: 16 * 1024 * 1024 });
}

function pidOf(service: string): number | undefined {
  const file = join(ROOT, '.metis', 'run', `${service}.pid`);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

async function waitGone(pid: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    if (Date.now() > deadline) throw new Error(`process ${pid} still alive ${timeoutMs} ms after SIGKILL`);
    await sleep(100);
  }
}

/** The fault controls: the servers of the local stack, stopped and started as an operator would. */
export const faults = {
  /** SIGKILL the Temporal server (`scripts/temporal.sh kill`, else the dev server's process). */
  async killTemporal(): Promise<void> {
    if (existsSync(join(ROOT, 'scripts', 'temporal.sh'))) return script('scripts/temporal.sh', 'kill');
    const pid = pidOf('temporal');
    if (pid === undefined) throw new Error('no Temporal server process to kill (.metis/run/temporal.pid)');
    process.kill(pid, 'SIGKILL');
    await waitGone(pid);
  },
  /** Start the Temporal server again and wait until it serves. */
  async startTemporal(): Promise<void> {
    if (existsSync(join(ROOT, 'scripts', 'temporal.sh'))) return script('scripts/temporal.sh', 'start');
    return script('temporal/dev-server.sh', 'start');
  },
  /** Restart the machine's PostgreSQL cluster (fast shutdown: every connection is dropped). */
  async restartPostgres(): Promise<void> {
    const override = process.env['CHAOS_POSTGRES_RESTART'];
    if (override) {
      await run('bash', ['-c', override], { cwd: ROOT, env: process.env });
    } else {
      if (!existsSync('/etc/postgresql')) throw new Error('no PostgreSQL cluster under /etc/postgresql to restart: set CHAOS_POSTGRES_RESTART to a command that restarts yours');
      for (const version of readdirSync('/etc/postgresql')) {
        await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart']);
      }
    }
    await script('scripts/postgres.sh', 'start');
  },
  /** Start PostgreSQL when it does not answer. */
  ensurePostgres: (): Promise<void> => script('scripts/postgres.sh', 'start'),
  /** Stop MinIO. */
  stopMinio: (): Promise<void> => script('scripts/minio.sh', 'stop'),
  /** Start MinIO and wait until it is ready. */
  startMinio: (): Promise<void> => script('scripts/minio.sh', 'start'),
};

/** One row of the suite's table: printed, and appended to `.metis/chaos-table.md` for the closing summary. */
export function tableRow(row: { fault: string; load: string; injected: string; checked: string; counts: string }): void {
  const line = `| ${row.fault} | ${row.load} | ${row.injected} | ${row.checked} | ${row.counts} |`;
  console.log(line);
  const file = process.env['CHAOS_TABLE'] ?? join(ROOT, '.metis', 'chaos-table.md');
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${line}\n`);
}
