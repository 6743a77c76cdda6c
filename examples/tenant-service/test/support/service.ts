// A tenant service for tests: real workers (OCR, risk, briefs) on their own task queues, the
// Metis client, and the service listening on a free loopback port. Tokens are signed with the
// local stack's development key, as `metis dev token` signs them.
import { fileURLToPath } from 'node:url';
import { createMetis, tokenVerifierFromEnv } from '@metis/sdk';
import type { Metis, TenantDefinition } from '@metis/sdk';
import { signDevToken } from '@metis/cli/dev-auth';
import { startExampleWorkers } from '@metis/example-cli/example-stack';
import type { ExampleWorkers } from '@metis/example-cli/example-stack';
import { testConfig, uniqueId } from '@metis/testing';
import type { FastifyInstance } from 'fastify';
import { buildService } from '../../src/app.ts';
import type { ServiceLimits, ServiceOptions } from '../../src/app.ts';

/** A running service for a test file. */
export interface TestService {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly app: FastifyInstance;
  readonly metis: Metis;
  readonly tenants: readonly TenantDefinition[];
  /** Sign a token for a tenant's person (default ttl 10 minutes). */
  token(tenantId: string, roles: readonly string[], subject: string, ttlSeconds?: number): Promise<string>;
  /** The simulated bureaus and payout system the workers call. */
  readonly simulators: ExampleWorkers['simulators'];
  /** Build another service on the same client (e.g. with other limits or a captured log); the caller closes it. */
  build(options?: Partial<Pick<ServiceOptions, 'limits' | 'logDestination'>>): Promise<FastifyInstance>;
  /** Create a server-to-server key of a tenant. */
  key(tenantId: string, role?: 'service' | 'underwriter' | 'ops'): Promise<string>;
  close(): Promise<void>;
}

/** Folder the pages are built into (`vite build`). */
export const WEB_ROOT = fileURLToPath(new URL('../../dist/web', import.meta.url));

/** Start workers, client and service; the service listens on 127.0.0.1 on a free port. */
export async function startTestService(options: { limits?: Partial<ServiceLimits> } = {}): Promise<TestService> {
  const config = testConfig({ temporal: { taskQueuePrefix: uniqueId('svc') } });
  const workers = await startExampleWorkers(config);
  let metis: Metis | undefined;
  let app: FastifyInstance | undefined;
  try {
    metis = await createMetis({ ...config, tenants: workers.tenants });
    const verifyToken = await tokenVerifierFromEnv();
    const client = metis;
    const build = (extra: Partial<Pick<ServiceOptions, 'limits' | 'logDestination'>> = {}) =>
      buildService({ metis: client, tenants: workers.tenants, verifyToken, logger: extra.logDestination !== undefined, webRoot: WEB_ROOT, ...extra });
    app = await build(options.limits ? { limits: options.limits } : {});
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const server = app;
    return {
      url,
      app: server,
      metis: client,
      tenants: workers.tenants,
      simulators: workers.simulators,
      build,
      token: (tenantId, roles, subject, ttlSeconds = 600) => signDevToken({ tenantId, roles, subject, ttlSeconds }),
      key: async (tenantId, role = 'service') => (await client.tenant(tenantId).apiKeys.create({ name: uniqueId('test-key'), role })).key,
      async close() {
        await server.close();
        await client.close();
        await workers.close();
      },
    };
  } catch (error) {
    await app?.close();
    await metis?.close();
    await workers.close();
    throw error;
  }
}
