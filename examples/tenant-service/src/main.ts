// Start the tenant service: the Metis client for the sample tenants, workers in this process
// (unless --no-workers or METIS_SERVICE_WORKERS=off), and the API and pages on HOST:PORT.
//   npm run service [-- --no-workers] [-- --port 8080]
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigurationError, createMetis, loadConfigFromEnv, MetisError, tokenVerifierFromEnv } from '@metis/sdk';
import type { TenantDefinition } from '@metis/sdk';
import { exampleTenants, startExampleWorkers } from '@metis/example-cli/example-stack';
import type { ExampleWorkers } from '@metis/example-cli/example-stack';
import { buildService } from './app.ts';

const USAGE = `usage: npm run service -- [--no-workers | --workers-only] [--port N] [--host H]
  serve the tenant API and pages (PORT, default 8080; HOST, default 127.0.0.1); workers run in
  this process unless --no-workers or METIS_SERVICE_WORKERS=off; --workers-only runs the workers
  alone (for a service started with --no-workers); METIS_SERVICE_TRUST_PROXY trusts a proxy's
  X-Forwarded-For (true, or its addresses)`;

function options(): { workers: boolean; api: boolean; port: number; host: string } {
  let parsed;
  try {
    parsed = parseArgs({
      options: { workers: { type: 'boolean', default: true }, 'workers-only': { type: 'boolean', default: false }, port: { type: 'string' }, host: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowNegative: true,
      strict: true,
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (parsed.values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const port = Number(parsed.values.port ?? process.env['PORT'] ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`the port ${JSON.stringify(parsed.values.port ?? process.env['PORT'])} is not a port number\n${USAGE}`);
    process.exit(2);
  }
  const api = !parsed.values['workers-only'];
  const workers = !api || (parsed.values.workers && process.env['METIS_SERVICE_WORKERS'] !== 'off');
  return { workers, api, port, host: parsed.values.host ?? process.env['HOST'] ?? '127.0.0.1' };
}

function trustProxy(): boolean | string | undefined {
  const value = process.env['METIS_SERVICE_TRUST_PROXY'];
  if (!value) return undefined;
  return value === 'true' || value === 'false' ? value === 'true' : value;
}

async function untilSignal(): Promise<void> {
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

const { workers: withWorkers, api, port, host } = options();
const config = loadConfigFromEnv();
let workers: ExampleWorkers | undefined;
try {
  if (!api) {
    workers = await startExampleWorkers(config);
    console.log(`tenant service workers for ${workers.tenants.map((t) => t.tenantId).join(', ')} (stop with Ctrl-C)`);
    await untilSignal();
    await workers.close();
    process.exit(0);
  }
  if (!config.apiKeyPepper) throw new ConfigurationError('API_KEY_PEPPER_MISSING', 'the service checks server-to-server keys with METIS_API_KEY_PEPPER or METIS_API_KEY_PEPPER_FILE', { hint: 'Set one of them (`metis dev init` creates .metis/api-key-pepper)' });
  const verifyToken = await tokenVerifierFromEnv();
  workers = withWorkers ? await startExampleWorkers(config) : undefined;
  const tenants: readonly TenantDefinition[] = workers?.tenants ?? exampleTenants();
  const metis = await createMetis({ ...config, tenants });
  const proxy = trustProxy();
  const app = await buildService({ metis, tenants, verifyToken, webRoot: fileURLToPath(new URL('../dist/web', import.meta.url)), ...(proxy !== undefined ? { trustProxy: proxy } : {}) });
  const stop = async (): Promise<void> => {
    await app.close();
    await metis.close();
    await workers?.close();
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  const address = await app.listen({ port, host });
  app.log.info({ address, workers: withWorkers, tenants: tenants.map((t) => t.tenantId) }, `tenant service on ${address} (pages at ${address}/app/, contract at ${address}/docs)`);
} catch (error) {
  await workers?.close();
  console.error(error instanceof MetisError ? `${error.code}: ${error.message}` : error);
  process.exit(1);
}
