import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const eslint = new ESLint({ cwd: root });

// Typed linting needs the file on disk inside its package, so each probe is written, linted and removed.
async function ruleIds(relativePath: string, code: string): Promise<string[]> {
  const filePath = `${root}${relativePath.replace(/\.ts$/, `-${crypto.randomUUID().slice(0, 8)}.ts`)}`;
  await writeFile(filePath, code);
  try {
    const [result] = await eslint.lintFiles([filePath]);
    assert.ok(result, 'eslint returned a result');
    return result.messages.map((m) => m.ruleId ?? `fatal: ${m.message}`);
  } finally {
    await rm(filePath, { force: true });
  }
}

describe('lint keeps workflow and fsm code pure', () => {
  const restricted = '@typescript-eslint/no-restricted-imports';

  test('workflow code may not import Node built-ins or I/O libraries', async () => {
    for (const source of ["import { readFileSync } from 'node:fs';", "import fs from 'fs';", "import pg from 'pg';", "import { Worker } from '@temporalio/worker';", "import { Client } from 'minio';"]) {
      const ids = await ruleIds('packages/workflows/src/lint-probe.ts', `${source}\nexport const probe = 1;\n`);
      assert.ok(ids.includes(restricted), `${source} must be rejected, got ${ids.join(', ')}`);
    }
  });

  test('workflow code knows activities only as types', async () => {
    const value = await ruleIds('packages/workflows/src/lint-probe.ts', "import { createActivities } from '@metis/activities';\nexport const probe = createActivities;\n");
    assert.ok(value.includes(restricted), `a value import must be rejected, got ${value.join(', ')}`);
    const typeOnly = await ruleIds('packages/workflows/src/lint-probe.ts', "import type { MetisActivities } from '@metis/activities';\nexport type Probe = MetisActivities;\n");
    assert.deepEqual(typeOnly, []);
  });

  test('fsm code may not touch Node globals or built-ins', async () => {
    const ids = await ruleIds('packages/fsm/src/lint-probe.ts', "import { join } from 'node:path';\nexport const probe = join(process.cwd(), 'x');\n");
    assert.ok(ids.includes(restricted));
    assert.ok(ids.includes('no-restricted-globals'));
  });

  test('the client may not import a worker, a native library or the AI activities', async () => {
    for (const source of ["import { Worker } from '@temporalio/worker';", "import sharp from 'sharp';", "import { createActivities } from '@metis/activities';", "import { createOcrEngine } from '@metis/activities/ocr';"]) {
      const ids = await ruleIds('packages/sdk/src/lint-probe.ts', `${source}\nexport const probe = 1;\n`);
      assert.ok(ids.includes(restricted), `${source} must be rejected, got ${ids.join(', ')}`);
    }
    const allowed = await ruleIds('packages/sdk/src/lint-probe.ts', "import { withTenant } from '@metis/activities/storage';\nexport const probe = withTenant;\n");
    assert.deepEqual(allowed, []);
  });

  test('activity code may use Node, but not leave promises floating', async () => {
    const ids = await ruleIds('packages/activities/src/lint-probe.ts', "import { readFile } from 'node:fs/promises';\nexport function probe(): void {\n  readFile('x');\n}\n");
    assert.deepEqual(ids, ['@typescript-eslint/no-floating-promises']);
  });
});
