import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runOcrCommand } from '../src/ocr-command.ts';
import { generateDocument } from '@metis/testing';

/** Run the command against in-memory files, collecting its output. */
async function run(args: string[], files: Record<string, Uint8Array>): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runOcrCommand(args, {
    readFile: (path) => {
      const bytes = files[path];
      return bytes ? Promise.resolve(bytes) : Promise.reject(new Error(`ENOENT: no such file ${path}`));
    },
    stdout: (line) => out.push(line),
    stderr: (line) => err.push(line),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('metis ocr IMAGE', () => {
  test('prints the document type and validated fields as JSON', async () => {
    const doc = await generateDocument({ type: 'pan', seed: 'cli-pan' });
    if (doc.truth.type !== 'pan') throw new Error('expected a PAN card');
    const { code, out } = await run(['ocr', 'card.jpg', '--threads', '2', '--expect', 'pan'], { 'card.jpg': doc.bytes });
    assert.equal(code, 0);
    const json = JSON.parse(out) as { document_type: string; valid: boolean; fields: Record<string, { value: string; valid: boolean; confidence: number }>; image: { width: number } };
    assert.equal(json.document_type, 'pan');
    assert.equal(json.valid, true);
    assert.equal(json.fields['pan']?.value, doc.truth.fields.pan);
    assert.equal(json.fields['father_name']?.value, doc.truth.fields.fatherName);
    assert.equal(json.image.width, doc.width);
  });

  test('exits 1 with the error code for an unreadable document and 2 for usage errors', async () => {
    const bad = await run(['notes.txt'], { 'notes.txt': new TextEncoder().encode('not an image') });
    assert.equal(bad.code, 1);
    assert.equal((JSON.parse(bad.out) as { error: { code: string } }).error.code, 'DOCUMENT_UNREADABLE');
    assert.equal((await run([], {})).code, 2);
    assert.equal((await run(['missing.jpg'], {})).code, 2);
    assert.equal((await run(['x.jpg', '--expect', 'passport'], { 'x.jpg': new Uint8Array([1]) })).code, 2);
    assert.equal((await run(['x.jpg', '--bogus'], { 'x.jpg': new Uint8Array([1]) })).code, 2);
  });
});
