#!/usr/bin/env node
import { readFile, writeFile } from 'node:fs/promises';
import type { ParseArgsOptionsConfig } from 'node:util';
import { ConfigurationError, MetisError } from '@metis/activities/errors';
import { createMinioObjectStore } from '@metis/activities/storage';
import { initObjectStore, loadConfigFromEnv, migrate, provision } from '@metis/sdk';
import { runAnalyticsCommand } from './analytics-command.ts';
import { ensureDevSecrets, runCodecAuditCommand, runCodecServeCommand, runDevTokenCommand } from './codec-command.ts';
import { runJourneyCommand } from './journey-command.ts';
import { runKeysCommand } from './keys-command.ts';
import { runOcrCommand } from './ocr-command.ts';
import { parseArguments } from './parse-arguments.ts';
import { ensureSampleRiskModels, loadRiskModelTrainer } from './sample-risk-models.ts';

const USAGE = `usage: metis <command>

  db provision        create the Metis roles and database (admin URL)
  db migrate [--down] migrate the schema to the latest version, or one step down
  store init          create the object store bucket
  dev init            all three, the sample tenants' risk models and the development keys, for a local stack
  dev token           print a development token (--tenant T [--role R]... [--subject S] [--ttl 1h])
  codec serve         serve decrypted payloads to the Temporal Web UI for authorised operators
  codec audit         list stored workflow histories holding a payload not encrypted ([--query Q] [--limit N])
  keys create         create a tenant's API key, printed alone on the last line (--tenant T [--name N] [--role R])
  keys revoke         revoke a tenant's API key (--tenant T --key-id ID)
  keys list           list a tenant's API keys, without their secrets (--tenant T)
  journey lint FILE   check a tenant journey config; exit 1 with every finding
  journey draw FILE   print a journey config as a Mermaid state diagram
  ocr IMAGE           read a document image: its type and fields as JSON
  analytics export    export a UTC day of analytics (--date D)
  analytics report    report on a tenant's exported days (--tenant T --date D [--to D2] [--json] [--svg FILE])
  analytics schedule  create or update the daily export schedule ([--cron EXPR] [--timezone TZ])`;

/** The setup commands and their usage lines. */
const SETUP_USAGE = {
  'db provision': 'usage: metis db provision',
  'db migrate': 'usage: metis db migrate [--down]',
  'store init': 'usage: metis store init',
  'dev init': 'usage: metis dev init',
} as const;
type SetupCommand = keyof typeof SETUP_USAGE;
const isSetupCommand = (name: string): name is SetupCommand => Object.hasOwn(SETUP_USAGE, name);

const HELP = { help: { type: 'boolean', short: 'h', default: false } } satisfies ParseArgsOptionsConfig;

interface Io {
  readonly say: (line: string) => void;
  readonly complain: (line: string) => void;
}

/** Parse a setup command's options; return the exit code instead when it is not to run (asked for help, or misused). */
function setupOptions(name: SetupCommand, args: string[], io: Io): { readonly down: boolean } | number {
  const result =
    name === 'db migrate'
      ? parseArguments({ args, options: { ...HELP, down: { type: 'boolean', default: false } }, strict: true, allowPositionals: false })
      : parseArguments({ args, options: HELP, strict: true, allowPositionals: false });
  if (!result.ok) {
    io.complain(`metis ${name}: ${result.problem}`);
    io.complain(SETUP_USAGE[name]);
    return 2;
  }
  const { values } = result.parsed;
  if (values.help) {
    io.say(SETUP_USAGE[name]);
    return 0;
  }
  return { down: 'down' in values && values.down === true };
}

async function setup(name: SetupCommand, args: string[], io: Io): Promise<number> {
  const options = setupOptions(name, args, io);
  if (typeof options === 'number') return options;
  // The development payload key is read with the configuration: create it first.
  const secrets = name === 'dev init' ? await ensureDevSecrets() : [];
  for (const path of secrets) io.say(`dev secret: created ${path}`);
  // Setup never reaches Temporal nor checks API keys: it needs no payload key nor pepper (and runs
  // before `dev init` creates them).
  const config = loadConfigFromEnv({ ...process.env, METIS_PAYLOAD_ENCRYPTION: 'off', METIS_API_KEY_PEPPER: undefined, METIS_API_KEY_PEPPER_FILE: undefined });
  const doMigrate = async (direction: 'latest' | 'down'): Promise<void> => {
    const result = await migrate(config, direction);
    const ran = result.results ?? [];
    io.say(ran.length === 0 ? 'migrations: nothing to do' : ran.map((r) => `migration ${r.migrationName}: ${r.direction} ${r.status}`).join('\n'));
  };
  switch (name) {
    case 'db provision': {
      const created = await provision(config);
      io.say(created.length === 0 ? 'provision: roles and database already exist' : `provision: created ${created.join(', ')}`);
      return 0;
    }
    case 'db migrate':
      await doMigrate(options.down ? 'down' : 'latest');
      return 0;
    case 'store init':
      await initObjectStore(config);
      io.say(`store: bucket ${config.objectStore.bucket} ready`);
      return 0;
    case 'dev init': {
      const created = await provision(config);
      if (created.length > 0) io.say(`provision: created ${created.join(', ')}`);
      await doMigrate('latest');
      await initObjectStore(config);
      io.say(`store: bucket ${config.objectStore.bucket} ready`);
      await sampleRiskModels(config.objectStore, io);
      return 0;
    }
  }
}

/** Train and register the sample tenants' risk models that are not registered yet (a development convenience). */
async function sampleRiskModels(objectStore: Parameters<typeof createMinioObjectStore>[0], io: Io): Promise<void> {
  const train = await loadRiskModelTrainer();
  if (!train) {
    io.say('risk models: skipped (training the sample models needs @metis/testing, installed with the Metis repository)');
    return;
  }
  try {
    for (const r of await ensureSampleRiskModels({ store: createMinioObjectStore(objectStore), train })) {
      io.say(r.registered ? `risk model: ${r.tenantId} ${r.version} trained and registered (held-out AUC ${r.testAuc})` : `risk model: ${r.tenantId} already has ${r.version}`);
    }
  } catch (error) {
    if (!(error instanceof ConfigurationError && error.code === 'NATIVE_MODULE_MISSING')) throw error;
    io.say(`risk models: skipped (${error.message})`);
  }
}

async function main(argv: string[]): Promise<number> {
  const [group, command, ...rest] = argv;
  const io: Io = {
    say: (line) => process.stdout.write(`${line}\n`),
    complain: (line) => process.stderr.write(`${line}\n`),
  };
  if (group === 'journey') {
    return runJourneyCommand([command ?? '', ...rest], { readFile: (path) => readFile(path, 'utf8'), stdout: io.say, stderr: io.complain });
  }
  if (group === 'ocr') {
    return runOcrCommand([command ?? '', ...rest].filter(Boolean), { readFile: async (path) => new Uint8Array(await readFile(path)), stdout: io.say, stderr: io.complain });
  }
  if (group === 'analytics') {
    return runAnalyticsCommand([command ?? '', ...rest].filter(Boolean), { stdout: io.say, stderr: io.complain, writeFile: (path, text) => writeFile(path, text, 'utf8') });
  }
  if (group === 'keys') return runKeysCommand(command === undefined ? [] : [command, ...rest], { stdout: io.say, stderr: io.complain });
  if (group === 'dev' && command === 'token') return runDevTokenCommand(rest, { stdout: io.say, stderr: io.complain });
  if (group === 'codec' && command === 'serve') return runCodecServeCommand(rest, { stdout: io.say, stderr: io.complain });
  if (group === 'codec' && command === 'audit') return runCodecAuditCommand(rest, { stdout: io.say, stderr: io.complain });
  const name = `${group ?? ''} ${command ?? ''}`;
  if (isSetupCommand(name)) return setup(name, rest, io);
  // Not a command: `metis --help`, or a usage error.
  const result = parseArguments({ args: argv, options: HELP, strict: true, allowPositionals: true });
  if (result.ok && result.parsed.values.help) {
    io.say(USAGE);
    return 0;
  }
  if (!result.ok) io.complain(`metis: ${result.problem}`);
  else if (argv.length > 0) io.complain(`metis: unknown command "${argv.join(' ')}"`);
  io.complain(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof MetisError) {
      process.stderr.write(`metis: ${error.message}\n`);
    } else {
      process.stderr.write(`metis: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
    process.exitCode = 1;
  },
);
