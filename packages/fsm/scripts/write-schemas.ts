// Writes the published JSON Schemas (schema/*.schema.json) from the zod definitions.
// Usage: node --conditions=metis-source packages/fsm/scripts/write-schemas.ts [--check]
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { publishedSchemas } from './schemas.ts';

const check = process.argv.includes('--check');
let stale = 0;
for (const { file, render } of publishedSchemas) {
  const path = fileURLToPath(new URL(`../schema/${file}`, import.meta.url));
  const text = render();
  const current = await readFile(path, 'utf8').catch(() => '');
  if (current === text) continue;
  if (check) {
    stale++;
    process.stderr.write(`schema/${file} is out of date: run node --conditions=metis-source packages/fsm/scripts/write-schemas.ts\n`);
  } else {
    await writeFile(path, text);
    process.stdout.write(`wrote schema/${file}\n`);
  }
}
process.exitCode = stale > 0 ? 1 : 0;
