// Render synthetic PAN cards, Aadhaar cards and bank statements with known ground truth, for tests,
// the demo and the OCR evaluation. Deterministic: the same seed writes the same bytes.
//   bash scripts/node.sh tools/documents/generate-documents.ts [--count 12]
//        [--types pan,aadhaar,bank_statement] [--seed demo] [--noise realistic|none]
//        [--condition table|white_table|flatbed|glare_corner|shadow|perspective|low_light|blurred|near_black|washed_out] [--out DIR]
// Writes DIR/<type>-<seed>-<i>.{jpg,png} and DIR/manifest.json (file, type, seed, truth, noise);
// DIR defaults to .metis/documents (git-ignored).
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { GENERATED_DOCUMENT_TYPES, generateDocuments } from '@metis/testing';
import type { GenerateDocumentOptions, GeneratedDocumentType } from '@metis/testing';

type Condition = NonNullable<GenerateDocumentOptions['condition']>;
const CONDITIONS: readonly Condition[] = ['table', 'white_table', 'flatbed', 'glare_corner', 'shadow', 'perspective', 'low_light', 'blurred', 'near_black', 'washed_out'];

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '12' },
    types: { type: 'string', default: GENERATED_DOCUMENT_TYPES.join(',') },
    seed: { type: 'string', default: 'demo' },
    noise: { type: 'string', default: 'realistic' },
    condition: { type: 'string' },
    out: { type: 'string', default: '.metis/documents' },
  },
});
const types = values.types.split(',').map((t) => t.trim()) as GeneratedDocumentType[];
const unknown = types.filter((t) => !(GENERATED_DOCUMENT_TYPES as readonly string[]).includes(t));
if (unknown.length > 0) {
  process.stderr.write(`unknown document type ${unknown.join(', ')} (known: ${GENERATED_DOCUMENT_TYPES.join(', ')})\n`);
  process.exit(2);
}
if (values.noise !== 'realistic' && values.noise !== 'none') {
  process.stderr.write('--noise is realistic or none\n');
  process.exit(2);
}
const condition = values.condition as Condition | undefined;
if (condition !== undefined && !CONDITIONS.includes(condition)) {
  process.stderr.write(`--condition is one of ${CONDITIONS.join(', ')}\n`);
  process.exit(2);
}
const count = Number(values.count);
if (!Number.isInteger(count) || count < 1) {
  process.stderr.write('--count is a positive whole number\n');
  process.exit(2);
}
const out = resolve(values.out);
await mkdir(out, { recursive: true });
const started = performance.now();
const docs = await generateDocuments({ count, seed: values.seed, types, ...(condition ? { condition } : { noise: values.noise }) });
const manifest = [];
for (const [i, d] of docs.entries()) {
  const file = `${d.type}-${values.seed}-${i}.${d.mimeType === 'image/png' ? 'png' : 'jpg'}`;
  await writeFile(join(out, file), d.bytes);
  manifest.push({ file, type: d.type, seed: d.seed, width: d.width, height: d.height, bytes: d.bytes.byteLength, truth: d.truth.fields, noise: d.noise, ...(d.condition ? { condition: d.condition } : {}) });
}
await writeFile(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
process.stdout.write(`wrote ${docs.length} documents and manifest.json to ${out} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
