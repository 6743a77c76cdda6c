import { MetisError } from '@metis/activities/errors';
import { checkDatabase, createPgDatabase, withTenant } from '@metis/activities/storage';
import { isTenantId } from '@metis/activities/tenancy';
import { API_KEY_ROLES, isApiKeyRole, loadConfigFromEnv } from '@metis/sdk';
import type { ApiKeyInfo } from '@metis/sdk';
import { tenantApiKeys } from '@metis/sdk/internal';
import { parseSubcommand } from './parse-arguments.ts';

/** What `metis keys` needs from its host. */
export interface KeysCommandIo {
  /** Print one line of output. */
  stdout(line: string): void;
  /** Print one line of diagnostics. */
  stderr(line: string): void;
  /** Environment (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
}

const USAGE = `usage: metis keys <command> --tenant T [options]

  create --tenant T [--name N] [--role R]  create a server-to-server API key; its last line is the key,
                                           shown once (roles: ${API_KEY_ROLES.join(', ')}; default service)
  revoke --tenant T --key-id ID            revoke a key
  list --tenant T                          list the tenant's keys (never their secrets)

The tenant must be registered (a Metis client serving it has started). The pepper comes from
METIS_API_KEY_PEPPER or METIS_API_KEY_PEPPER_FILE, as the tenant service has it.
exit codes: 0 done, 1 refused (unregistered tenant, unknown key, bad name or role), 2 usage error`;

const OPTIONS = {
  help: { type: 'boolean', short: 'h', default: false },
  tenant: { type: 'string' },
  name: { type: 'string' },
  role: { type: 'string' },
  'key-id': { type: 'string' },
} as const;

/** The options each subcommand accepts. */
const ACCEPTS: Readonly<Record<string, readonly string[]>> = {
  create: ['tenant', 'name', 'role'],
  revoke: ['tenant', 'key-id'],
  list: ['tenant'],
};

function describeKey(k: ApiKeyInfo): string {
  const state = k.revokedAt === null ? 'live' : `revoked ${k.revokedAt}`;
  return `${k.keyId}  ${(k.role ?? '?').padEnd(11)} ${state.padEnd(12)} created ${k.createdAt}  last used ${k.lastUsedAt ?? 'never'}  ${JSON.stringify(k.name)}`;
}

/** Run `metis keys create|revoke|list`; return the exit code. */
export async function runKeysCommand(args: string[], io: KeysCommandIo): Promise<number> {
  const parsed = parseSubcommand('keys', args, { options: OPTIONS, accepts: ACCEPTS, usage: USAGE }, io);
  if (!parsed.ok) return parsed.exitCode;
  const { command, values } = parsed;
  const usage = (problem: string): number => {
    io.stderr(`metis keys ${command}: ${problem}`);
    io.stderr(USAGE);
    return 2;
  };
  const tenantId = values.tenant;
  if (tenantId === undefined) return usage('--tenant is required');
  if (!isTenantId(tenantId)) return usage(`invalid tenant id ${JSON.stringify(tenantId)}`);
  if (values.role !== undefined && !isApiKeyRole(values.role)) return usage(`unknown role ${JSON.stringify(values.role)}: use one of ${API_KEY_ROLES.join(', ')}`);
  const keyId = values['key-id'];
  if (command === 'revoke' && keyId === undefined) return usage('--key-id is required');

  // The keys reach PostgreSQL only: no payload key, no Temporal.
  const config = loadConfigFromEnv({ ...(io.env ?? process.env), METIS_PAYLOAD_ENCRYPTION: 'off' });
  const db = createPgDatabase(config.database);
  const refused = (message: string): number => {
    io.stderr(`metis keys ${command}: ${message}`);
    return 1;
  };
  try {
    await checkDatabase(db, config.database.url);
    const registered = await withTenant(db, tenantId, (trx) => trx.selectFrom('tenants').select('tenant_id').where('tenant_id', '=', tenantId).executeTakeFirst());
    if (registered === undefined) {
      return refused(`tenant ${tenantId} is not registered (no row in tenants). Start a Metis client serving it first (createMetis registers its tenants)`);
    }
    const keys = tenantApiKeys(db, config.apiKeyPepper, tenantId);
    if (command === 'create') {
      const created = await keys.create({ ...(values.name === undefined ? {} : { name: values.name }), ...(values.role !== undefined && isApiKeyRole(values.role) ? { role: values.role } : {}) });
      io.stdout(`created API key ${created.keyId} (${created.role}, ${JSON.stringify(created.name)}) for tenant ${tenantId}; it is shown once, below:`);
      io.stdout(created.key);
      return 0;
    }
    if (command === 'revoke') {
      if (!(await keys.revoke(keyId ?? ''))) return refused(`tenant ${tenantId} has no live key ${JSON.stringify(keyId)}`);
      io.stdout(`revoked API key ${keyId ?? ''} of tenant ${tenantId}`);
      return 0;
    }
    const listed = await keys.list();
    if (listed.length === 0) io.stdout(`tenant ${tenantId} has no API keys`);
    for (const k of listed) io.stdout(describeKey(k));
    return 0;
  } catch (error) {
    if (error instanceof MetisError) return refused(error.message);
    throw error;
  } finally {
    await db.destroy();
  }
}
