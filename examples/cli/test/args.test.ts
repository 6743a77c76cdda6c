import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';

const exec = promisify(execFile);

/** Run one of the example runners in a child process and return its exit code and output. */
async function runner(name: 'kyc' | 'loan' | 'demo', ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const file = fileURLToPath(new URL(`../src/${name}.ts`, import.meta.url));
  return exec(process.execPath, ['--conditions=metis-source', file, ...args]).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

describe('example runner arguments', () => {
  it('refuse an unknown option, a missing value or a bad number with the usage line and exit code 2', async () => {
    for (const [name, args, problem] of [
      ['loan', ['--bogus'], "Unknown option '--bogus'"],
      ['kyc', ['--tenant'], "Option '--tenant <value>' argument missing"],
      ['loan', ['--amount', 'lots'], '--amount must be a positive number, not "lots"'],
      ['loan', ['--review', 'maybe'], '--review must be approve or reject, not "maybe"'],
      ['demo', ['--tenant', 'x'], "Unknown option '--tenant'"],
    ] as const) {
      const r = await runner(name, ...args);
      assert.equal(r.code, 2, `${name} ${args.join(' ')}: ${r.stderr}`);
      const [first, second, ...more] = r.stderr.split('\n');
      assert.equal(first, problem);
      assert.ok(second?.startsWith(`usage: npm run ${name}`), second);
      assert.deepEqual(more, ['']);
      assert.equal(r.stdout, '');
    }
  });

  it('take the `--` that `npm run <script> --` passes on, and print the usage line on --help', async () => {
    const r = await runner('loan', '--', '--help');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^usage: npm run loan -- \[--tenant ID\]/);
  });
});
