// Measure Metis document intelligence on generated noisy documents: classification and
// field-exact accuracy per type, time per document.
//   bash scripts/node.sh tools/documents/evaluate-ocr.ts [--pan 60] [--aadhaar 40]
//        [--bank 20] [--seed eval] [--threads 2] [--det N] [--squeeze S] [--condition NAME]
// --det and --squeeze override the detector input size and strip squeeze for cards; --condition
// draws every document under one of the generator's DOCUMENT_CONDITIONS (white_table, flatbed,
// glare_corner, …) and reports how many readable ones the quality gate refused (false rejects).
import { parseArgs } from 'node:util';
import { analyzeDocument, LowQualityDocumentError } from '@metis/activities/documents';
import { createOcrEngine } from '@metis/activities/ocr';
import { expectedFields, generateDocument } from '@metis/testing';
import type { GenerateDocumentOptions, GeneratedDocumentType } from '@metis/testing';

const { values } = parseArgs({
  options: {
    pan: { type: 'string', default: '60' },
    aadhaar: { type: 'string', default: '40' },
    bank: { type: 'string', default: '20' },
    seed: { type: 'string', default: 'eval' },
    threads: { type: 'string', default: '2' },
    det: { type: 'string' },
    squeeze: { type: 'string' },
    condition: { type: 'string' },
  },
});
const condition = values.condition as NonNullable<GenerateDocumentOptions['condition']> | undefined;

const engine = await createOcrEngine({ intraOpThreads: Number(values.threads), ...(values.squeeze ? { squeeze: Number(values.squeeze) } : {}) });
const plan: [GeneratedDocumentType, number][] = [
  ['pan', Number(values.pan)],
  ['aadhaar', Number(values.aadhaar)],
  ['bank_statement', Number(values.bank)],
];
let allExact = 0;
let allTotal = 0;
let refused = 0;
let documents = 0;
for (const [type, count] of plan) {
  if (count <= 0) continue;
  let exact = 0;
  let total = 0;
  let classified = 0;
  let docsAllExact = 0;
  const times: number[] = [];
  const perField = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const doc = await generateDocument({ type, seed: `${values.seed}-${i}`, ...(condition ? { condition } : {}) });
    documents++;
    const want = expectedFields(doc.truth);
    let got: Record<string, string> = {};
    try {
      const a = await analyzeDocument(engine, doc.bytes, values.det && type !== 'bank_statement' ? { detectionMaxSide: Number(values.det) } : {});
      times.push(a.timings.totalMs);
      if (a.classification.type === type) classified++;
      got = Object.fromEntries(Object.entries(a.fields).map(([k, f]) => [k, f.value]));
    } catch (error) {
      if (error instanceof LowQualityDocumentError) refused++;
      process.stdout.write(`  ${type} ${doc.seed}: ${(error as Error).message}\n`);
    }
    let allOk = true;
    for (const [k, v] of Object.entries(want)) {
      total++;
      if (got[k] === v) {
        exact++;
        perField.set(k, (perField.get(k) ?? 0) + 1);
      } else {
        allOk = false;
        process.stdout.write(`  miss ${type} ${doc.seed} ${k}: expected ${v}, read ${got[k] ?? '(nothing)'}\n`);
      }
    }
    if (allOk) docsAllExact++;
  }
  times.sort((a, b) => a - b);
  const fields = [...perField.entries()].map(([k, n]) => `${k} ${n}/${count}`).join(', ');
  process.stdout.write(
    `${type}: ${count} documents, classified ${classified}/${count}, fields exact ${exact}/${total} (${((exact / total) * 100).toFixed(1)}%), ` +
      `documents fully right ${docsAllExact}/${count}, median ${times[Math.floor(times.length / 2)]?.toFixed(0) ?? '-'} ms [${fields}]\n`,
  );
  allExact += exact;
  allTotal += total;
}
process.stdout.write(
  `all${condition ? ` (${condition})` : ''}: fields exact ${allExact}/${allTotal} (${((allExact / Math.max(1, allTotal)) * 100).toFixed(1)}%), ` +
    `refused as low quality ${refused}/${documents} (${((refused / Math.max(1, documents)) * 100).toFixed(1)}%)\n`,
);
await engine.dispose();
