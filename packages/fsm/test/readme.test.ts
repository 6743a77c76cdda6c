import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as fsm from '@metis/fsm';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const index = readFileSync(new URL('../src/index.ts', import.meta.url), 'utf8');

describe('README', () => {
  it('documents every public export', () => {
    const names = [...index.matchAll(/export (?:type )?\{([^}]*)\}/g)].flatMap((m) => (m[1] ?? '').split(',').map((n) => n.trim()).filter(Boolean));
    assert.ok(names.length > 100);
    const undocumented = names.filter((n) => !new RegExp(`\\b${n}\\b`).test(readme));
    assert.deepEqual(undocumented, []);
  });

  it('lists only values the package really exports at runtime', () => {
    const table = readme.slice(readme.indexOf('## Reference'), readme.indexOf('Types:'));
    const firstCells = table.split('\n').filter((l) => l.startsWith('| `')).map((l) => l.split('|')[1] ?? '');
    const listed = firstCells.flatMap((cell) => [...cell.matchAll(/`([A-Za-z_]+)`/g)].map((m) => m[1] ?? ''));
    assert.ok(listed.length > 40);
    const exported = new Set(Object.keys(fsm));
    assert.deepEqual(listed.filter((n) => !exported.has(n)), []);
  });
});
