import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { runJourneyCommand } from '../src/journey-command.ts';

const exec = promisify(execFile);
const cli = fileURLToPath(new URL('../src/main.ts', import.meta.url));
// An unreachable database: a command that got past its arguments would fail with exit code 1.
const env = { ...process.env, DATABASE_URL: 'postgres://metis_app:metis_app@127.0.0.1:1/metis_test', METIS_MIGRATION_DATABASE_URL: 'postgres://metis_owner:metis_owner@127.0.0.1:1/metis_test' };

/** Run the `metis` command in a child process and return its exit code and output. */
async function metis(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return exec(process.execPath, ['--conditions=metis-source', cli, ...args], { env }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

describe('command-line arguments', () => {
  it('metis journey refuses an unknown option with a usage error', async () => {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const code = await runJourneyCommand(['lint', 'kyc.json', '--bogus'], {
      readFile: () => assert.fail('an unknown option must be refused before the file is read'),
      stdout: (line) => stdout.push(line),
      stderr: (line) => stderr.push(line),
    });
    assert.equal(code, 2);
    assert.deepEqual(stdout, []);
    assert.match(stderr.join('\n'), /^metis journey lint: Unknown option '--bogus'\nusage: metis journey/);
  });

  it('metis journey --help prints the usage on stdout and exits 0', async () => {
    const stdout: string[] = [];
    const code = await runJourneyCommand(['--help'], { readFile: () => assert.fail('no file to read'), stdout: (line) => stdout.push(line), stderr: () => assert.fail('no error') });
    assert.equal(code, 0);
    assert.match(stdout.join('\n'), /^usage: metis journey/);
  });

  it('metis db migrate refuses an unknown option or argument before it connects', async () => {
    const cases = [['--bogus'], ['--down', 'now'], ['--down=yes']];
    const results = await Promise.all(cases.map((args) => metis('db', 'migrate', ...args)));
    for (const [i, r] of results.entries()) {
      const args = cases[i] ?? [];
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^metis db migrate: .+\nusage: metis db migrate \[--down\]\n$/, args.join(' '));
      assert.equal(r.stdout, '');
    }
    const provision = await metis('db', 'provision', '--down');
    assert.equal(provision.code, 2);
    assert.match(provision.stderr, /^metis db provision: Unknown option '--down'\nusage: metis db provision\n$/);
  });

  it('metis refuses an unknown command or option and explains itself on --help', async () => {
    const [unknown, command, help] = await Promise.all([metis('--bogus'), metis('db', 'drop'), metis('--help')]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^metis: Unknown option '--bogus'\nusage: metis <command>/);
    assert.equal(command.code, 2);
    assert.match(command.stderr, /^metis: unknown command "db drop"\nusage: metis <command>/);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^usage: metis <command>\n\n {2}db provision/);
  });
});
