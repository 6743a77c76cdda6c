#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import { MetisError } from '@metis/activities/errors';
import { initObjectStore, migrate, provision } from '@metis/sdk';
import { loadConfigFromEnv } from '@metis/sdk';
import { runJourneyCommand } from './journey-command.ts';
import { runOcrCommand } from './ocr-command.ts';

const USAGE = `usage: metis <command>

  db provision        create the Metis roles and database (admin URL)
  db migrate [--down] migrate the schema to the latest version, or one step down
  store init          create the object store bucket
  dev init            all three, for a local stack
  journey lint FILE   check a tenant journey config; exit 1 with every finding
  journey draw FILE   print a journey config as a Mermaid state diagram
  ocr IMAGE           read a document image: its type and fields as JSON`;

async function main(argv: readonly string[]): Promise<number> {
  const [group, command, ...rest] = argv;
  const say = (line: string): void => {
    process.stdout.write(`${line}\n`);
  };
  if (group === 'journey') {
    return runJourneyCommand([command ?? '', ...rest], {
      readFile: (path) => readFile(path, 'utf8'),
      stdout: say,
      stderr: (line) => process.stderr.write(`${line}\n`),
    });
  }
  if (group === 'ocr') {
    return runOcrCommand([command ?? '', ...rest].filter(Boolean), {
      readFile: async (path) => new Uint8Array(await readFile(path)),
      stdout: say,
      stderr: (line) => process.stderr.write(`${line}\n`),
    });
  }
  const config = loadConfigFromEnv();
  const doMigrate = async (direction: 'latest' | 'down'): Promise<void> => {
    const result = await migrate(config, direction);
    const ran = result.results ?? [];
    say(ran.length === 0 ? 'migrations: nothing to do' : ran.map((r) => `migration ${r.migrationName}: ${r.direction} ${r.status}`).join('\n'));
  };
  switch (`${group ?? ''} ${command ?? ''}`) {
    case 'db provision': {
      const created = await provision(config);
      say(created.length === 0 ? 'provision: roles and database already exist' : `provision: created ${created.join(', ')}`);
      return 0;
    }
    case 'db migrate':
      await doMigrate(rest.includes('--down') ? 'down' : 'latest');
      return 0;
    case 'store init':
      await initObjectStore(config);
      say(`store: bucket ${config.objectStore.bucket} ready`);
      return 0;
    case 'dev init': {
      const created = await provision(config);
      if (created.length > 0) say(`provision: created ${created.join(', ')}`);
      await doMigrate('latest');
      await initObjectStore(config);
      say(`store: bucket ${config.objectStore.bucket} ready`);
      return 0;
    }
    default:
      process.stderr.write(`${USAGE}\n`);
      return 2;
  }
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
