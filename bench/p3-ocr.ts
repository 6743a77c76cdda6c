// P3: reading PAN cards. The same generated noisy PAN cards (fixed seed) go through Metis OCR
// (PP-OCRv4 on onnxruntime with Metis' pre/post-processing, word-gap recovery and progressive
// reading), tesseract.js 7 (eng LSTM model from @tesseract.js-data/eng), native Tesseract 5
// (Debian's tesseract-ocr, installed with apt-get when missing) and the plain @gutenye/ocr-node
// pipeline (same PP-OCRv4 models). Every engine's lines go through the same PAN field extractor,
// so accuracy compares what each engine read. Engines take turns on each card so all see the
// same machine load. Figures: ms per image (wall clock, including decoding) and field-exact
// accuracy (PAN, name, father's name, date of birth).
//   npm run bench -- P3            (P3_CARDS=50 by default; P3_THREADS=2 intra-op threads for Metis)
import { execFile, execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { analyzeDocument, extractFieldsFromLines } from '@metis/activities/documents';
import { createOcrEngine } from '@metis/activities/ocr';
import type { ExternalLine } from '@metis/activities/documents';
import { expectedFields, generateDocument } from '@metis/testing';
import type { GeneratedDocument } from '@metis/testing';
import { createWorker } from 'tesseract.js';
import { quantile } from './support/stats.ts';

const CARDS = Number(process.env['P3_CARDS'] ?? 50);
const THREADS = Number(process.env['P3_THREADS'] ?? Math.min(2, availableParallelism()));
const TARGET_ACCURACY = 0.98;
const run = promisify(execFile);

type Fields = Record<string, string | undefined>;
interface Engine {
  readonly name: string;
  read(doc: GeneratedDocument, file: string): Promise<Fields>;
  close(): Promise<void>;
}

/**
 * Tesseract reads the photo's edges, the QR code and the signature as stray marks; as any user of
 * its API would, drop them: words without a letter or digit, and short words (under 4 letters or
 * digits) with a word confidence under 50. Longer words are kept whatever their confidence: the
 * LSTM gives dictionary-less words such as the PAN itself a confidence of 0.
 */
const keepWord = (text: string, confidence: number): boolean => {
  const alnum = text.replace(/[^A-Za-z0-9]/g, '').length;
  return alnum > 0 && (confidence >= 50 || alnum >= 4);
};

type Box = { text: string; x0: number; y0: number; x1: number; y1: number };

/**
 * Lines from a Tesseract line's word boxes. Tesseract strings words across the whole card (a name
 * and a QR-code speck on one line); split where the gap between words exceeds 2.5 line heights, as
 * a text detector would.
 */
const linesOf = (words: readonly Box[]): ExternalLine[] => {
  const sorted = [...words].sort((a, b) => a.x0 - b.x0);
  const height = quantile(
    sorted.map((w) => w.y1 - w.y0),
    0.5,
  );
  const groups: Box[][] = [];
  for (const w of sorted) {
    const last = groups[groups.length - 1];
    const prev = last?.[last.length - 1];
    if (last && prev && w.x0 - prev.x1 <= 2.5 * height) last.push(w);
    else groups.push([w]);
  }
  return groups.map((g) => ({
    text: g.map((w) => w.text).join(' '),
    x0: Math.min(...g.map((w) => w.x0)),
    y0: Math.min(...g.map((w) => w.y0)),
    x1: Math.max(...g.map((w) => w.x1)),
    y1: Math.max(...g.map((w) => w.y1)),
  }));
};

const fromExternal = (lines: ExternalLine[]): Fields =>
  Object.fromEntries(Object.entries(extractFieldsFromLines('pan', lines).fields).map(([k, f]) => [k, f.value]));

const stages = { decodeMs: 0, detectMs: 0, directionMs: 0, recognizeMs: 0, linesRead: 0, linesDetected: 0, n: 0 };

async function metisEngine(): Promise<Engine> {
  const engine = await createOcrEngine({ intraOpThreads: THREADS });
  return {
    name: 'metis',
    async read(doc) {
      const a = await analyzeDocument(engine, doc.bytes);
      if (!doc.seed.startsWith('p3-warmup')) {
        for (const k of ['decodeMs', 'detectMs', 'directionMs', 'recognizeMs'] as const) stages[k] += a.timings[k];
        stages.linesRead += a.linesRead;
        stages.linesDetected += a.linesDetected;
        stages.n++;
      }
      return Object.fromEntries(Object.entries(a.fields).map(([k, f]) => [k, f.value]));
    },
    close: () => engine.dispose(),
  };
}

async function tesseractJsEngine(): Promise<Engine> {
  const langPath = join(dirname(fileURLToPath(import.meta.resolve('@tesseract.js-data/eng'))), '4.0.0');
  const worker = await createWorker('eng', 1, { langPath, cacheMethod: 'none', gzip: true });
  return {
    name: 'tesseract.js',
    async read(doc) {
      const { data } = await worker.recognize(Buffer.from(doc.bytes), {}, { blocks: true, text: true });
      const lines: ExternalLine[] = [];
      for (const block of data.blocks ?? []) {
        for (const paragraph of block.paragraphs) {
          for (const line of paragraph.lines) {
            const words = line.words.filter((w) => keepWord(w.text, w.confidence));
            if (words.length > 0) lines.push(...linesOf(words.map((w) => ({ text: w.text, ...w.bbox }))));
          }
        }
      }
      return fromExternal(lines);
    },
    close: async () => {
      await worker.terminate();
    },
  };
}

/** Native Tesseract 5 from Debian; installs it when missing; undefined (with a note) when impossible. */
function nativeTesseractEngine(): Engine | undefined {
  const version = (): string | undefined => {
    try {
      return execFileSync('tesseract', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0];
    } catch {
      return undefined;
    }
  };
  let v = version();
  if (!v) {
    console.log('native Tesseract is missing: running `apt-get install -y tesseract-ocr` (needs root and the Debian mirror)');
    try {
      execFileSync('apt-get', ['install', '-y', '-q', 'tesseract-ocr'], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    } catch (error) {
      console.log(`native Tesseract column skipped: apt-get install failed (${(error as Error).message.split('\n')[0]})`);
      return undefined;
    }
    v = version();
    if (!v) {
      console.log('native Tesseract column skipped: `tesseract` still not found after installing');
      return undefined;
    }
  }
  console.log(`native: ${v}`);
  return {
    name: 'native tesseract',
    async read(_doc, file) {
      const { stdout } = await run('tesseract', [file, 'stdout', '-l', 'eng', 'tsv'], { maxBuffer: 16 * 1024 * 1024 });
      const byLine = new Map<string, Box[]>();
      for (const row of stdout.split('\n').slice(1)) {
        const c = row.split('\t');
        if (c.length < 12 || c[0] !== '5' || !(c[11] ?? '').trim()) continue;
        if (!keepWord(c[11] ?? '', Number(c[10]))) continue;
        const key = `${c[2]}:${c[3]}:${c[4]}`;
        const [left, top, width, height] = [Number(c[6]), Number(c[7]), Number(c[8]), Number(c[9])];
        const words = byLine.get(key) ?? [];
        words.push({ text: c[11] ?? '', x0: left, y0: top, x1: left + width, y1: top + height });
        byLine.set(key, words);
      }
      return fromExternal([...byLine.values()].flatMap(linesOf));
    },
    close: () => Promise.resolve(),
  };
}

async function ocrNodeEngine(): Promise<Engine> {
  // Loaded with require (Node 24 loads ES modules that way): the lint import resolver cannot follow
  // this package's export conditions.
  const { default: OcrNode } = createRequire(import.meta.url)('@gutenye/ocr-node') as { default: { create(): Promise<unknown> } };
  const ocr = (await OcrNode.create()) as { detect(path: string): Promise<{ text: string; mean: number; box?: number[][] }[]> };
  return {
    name: '@gutenye/ocr-node',
    async read(_doc, file) {
      const lines = await ocr.detect(file);
      return fromExternal(
        lines.map((l) => {
          const xs = (l.box ?? []).map((p) => p[0] ?? 0);
          const ys = (l.box ?? []).map((p) => p[1] ?? 0);
          return { text: l.text, x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
        }),
      );
    },
    close: () => Promise.resolve(),
  };
}

function expected(doc: GeneratedDocument): Fields {
  if (doc.truth.type !== 'pan') throw new Error('P3 reads PAN cards');
  return expectedFields(doc.truth);
}

const dir = resolve('.metis/bench/p3');
await mkdir(dir, { recursive: true });
const docs: { doc: GeneratedDocument; file: string }[] = [];
for (let i = 0; i < CARDS + 2; i++) {
  const doc = await generateDocument({ type: 'pan', seed: i < 2 ? `p3-warmup-${i}` : `p3-${i - 2}` });
  const file = join(dir, `${doc.seed}.jpg`);
  await writeFile(file, doc.bytes);
  docs.push({ doc, file });
}
console.log(`P3: ${CARDS} generated noisy PAN cards (seed p3-*, ~${docs[2]?.doc.width}×${docs[2]?.doc.height} JPEG), Metis with ${THREADS} intra-op threads, ${availableParallelism()} cores`);

const engines: Engine[] = [await metisEngine(), await tesseractJsEngine()];
const native = nativeTesseractEngine();
if (native) engines.push(native);
engines.push(await ocrNodeEngine());

const times = new Map<string, number[]>(engines.map((e) => [e.name, []]));
const exact = new Map<string, number>(engines.map((e) => [e.name, 0]));
const cardsRight = new Map<string, number>(engines.map((e) => [e.name, 0]));
const misses = new Map<string, string[]>(engines.map((e) => [e.name, []]));
for (const [i, { doc, file }] of docs.entries()) {
  // Take turns, rotating who goes first, so every engine sees the same conditions.
  for (let k = 0; k < engines.length; k++) {
    const engine = engines[(i + k) % engines.length] as Engine;
    const t0 = performance.now();
    const got = await engine.read(doc, file).catch((error: unknown): Fields => ({ error: String(error) }));
    const elapsed = performance.now() - t0;
    if (i < 2) continue;
    times.get(engine.name)?.push(elapsed);
    let all = true;
    for (const [field, value] of Object.entries(expected(doc))) {
      if (got[field] === value) exact.set(engine.name, (exact.get(engine.name) ?? 0) + 1);
      else {
        all = false;
        misses.get(engine.name)?.push(`${doc.seed} ${field}: ${got[field] ?? '∅'} ≠ ${value}`);
      }
    }
    if (all) cardsRight.set(engine.name, (cardsRight.get(engine.name) ?? 0) + 1);
  }
}
await Promise.all(engines.map((e) => e.close()));

const mean = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
console.log('');
console.log(`${'engine'.padEnd(20)}${'ms/image'.padStart(10)}${'p50'.padStart(9)}${'p90'.padStart(9)}${'fields exact'.padStart(16)}${'cards exact'.padStart(14)}`);
for (const e of engines) {
  const t = times.get(e.name) ?? [];
  const x = exact.get(e.name) ?? 0;
  console.log(
    `${e.name.padEnd(20)}${mean(t).toFixed(0).padStart(10)}${quantile(t, 0.5).toFixed(0).padStart(9)}${quantile(t, 0.9).toFixed(0).padStart(9)}` +
      `${`${x}/${CARDS * 4} ${((x / (CARDS * 4)) * 100).toFixed(1)}%`.padStart(16)}${`${cardsRight.get(e.name) ?? 0}/${CARDS}`.padStart(14)}`,
  );
}
if (!native) console.log('native tesseract: skipped (see above)');
const per = (v: number): string => (v / Math.max(1, stages.n)).toFixed(0);
console.log(
  `metis stages per image: decode+quality ${per(stages.decodeMs)} ms, detect ${per(stages.detectMs)} ms, orient ${per(stages.directionMs)} ms, ` +
    `recognise ${per(stages.recognizeMs)} ms; lines read ${stages.linesRead}/${stages.linesDetected} detected (progressive reading)`,
);
for (const e of engines) {
  const m = misses.get(e.name) ?? [];
  if (m.length > 0) console.log(`misses ${e.name} (${m.length}): ${m.slice(0, 6).join('; ')}${m.length > 6 ? '; …' : ''}`);
}
const metisAccuracy = (exact.get('metis') ?? 0) / (CARDS * 4);
const ratio = mean(times.get('metis') ?? []) / mean(times.get('tesseract.js') ?? []);
console.log(`P3 ratio=${(metisAccuracy / TARGET_ACCURACY).toFixed(3)} target>=1.0`);
console.log(`P3 ratio=${ratio.toFixed(3)} target<=1.0`);
