// P3: reading PAN cards under the conditions people photograph them in. The same generated PAN cards
// (fixed seeds) go through Metis OCR (PP-OCRv4 on onnxruntime with Metis' pre/post-processing,
// word-gap recovery, progressive reading and its readability gate), tesseract.js 7 (eng LSTM model
// from @tesseract.js-data/eng), native Tesseract 5 (Debian's tesseract-ocr, installed with apt-get
// when missing) and the plain @gutenye/ocr-node pipeline (same PP-OCRv4 models). Every engine's
// lines go through the same PAN field extractor, so accuracy compares what each engine read.
// Engines take turns on each card so all see the same machine load.
// Readable conditions (DOCUMENT_CONDITIONS of @metis/testing: table, white table, flatbed, glare in a
// corner, shadow, perspective, low light): per condition and engine, field-exact accuracy (PAN,
// name, father's name, date of birth; a refused card counts all its fields wrong) and ms per image
// (wall clock, including decoding); for Metis the false-reject rate (readable cards it refused) and,
// for comparison, the rate of the former whole-image gate (blur and mean brightness of the photo).
// Unreadable conditions (heavy blur, near black, washed out): Metis alone, the rate it refuses them
// and the rate with the generator's expected reason.
//   npm run bench -- P3   (P3_CARDS=10 per readable condition, P3_UNREADABLE=4 per unreadable one,
//                          P3_THREADS=2 intra-op threads for Metis)
import { execFile, execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { analyzeDocument, extractFieldsFromLines, LowQualityDocumentError, validateImage } from '@metis/activities/documents';
import { createOcrEngine, decodeImage, measureQuality, UnreadableDocumentError } from '@metis/activities/ocr';
import type { ExternalLine } from '@metis/activities/documents';
import { expectedFields, generateDocument } from '@metis/testing';
import type { GenerateDocumentOptions, GeneratedDocument } from '@metis/testing';
import { createWorker } from 'tesseract.js';
import { quantile } from './support/stats.ts';

type Condition = NonNullable<GenerateDocumentOptions['condition']>;
const READABLE: readonly Condition[] = ['table', 'white_table', 'flatbed', 'glare_corner', 'shadow', 'perspective', 'low_light'];
const UNREADABLE: readonly Condition[] = ['blurred', 'near_black', 'washed_out'];
const CARDS = Number(process.env['P3_CARDS'] ?? 10);
const UNREADABLE_CARDS = Number(process.env['P3_UNREADABLE'] ?? 4);
const THREADS = Number(process.env['P3_THREADS'] ?? Math.min(2, availableParallelism()));
const TARGET_ACCURACY = 0.98;
const TARGET_FALSE_REJECTS = 0.02;
const run = promisify(execFile);

type Fields = Record<string, string | undefined>;
/** What an engine made of a card: its fields, or (Metis only) the refusal's codes. */
type Reading = Fields | { readonly refused: readonly string[] };
const refusedWith = (r: Reading): readonly string[] | undefined => ('refused' in r && Array.isArray(r['refused']) ? (r['refused'] as readonly string[]) : undefined);
interface Engine {
  readonly name: string;
  read(doc: GeneratedDocument, file: string): Promise<Reading>;
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
      const a = await analyzeDocument(engine, doc.bytes).catch((error: unknown) => {
        if (error instanceof LowQualityDocumentError) return { refused: error.violations.map((v) => v.code) };
        if (error instanceof UnreadableDocumentError) return { refused: [error.reason] };
        throw error;
      });
      if ('refused' in a) return a;
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

/** Whether the former gate (whole-image blur and mean brightness, before OCR) refused a card. */
async function formerGateRefuses(doc: GeneratedDocument): Promise<boolean> {
  const { header, image } = await decodeImage(doc.bytes);
  const q = measureQuality(image);
  return validateImage({ mime_type: header.mimeType, bytes: header.bytes, width: header.width, height: header.height, blur_score: q.blurScore, brightness_score: q.brightnessScore }).length > 0;
}

const dir = resolve('.metis/bench/p3');
await mkdir(dir, { recursive: true });
const cards: { doc: GeneratedDocument; file: string; condition: Condition | 'warmup' }[] = [];
const add = async (condition: Condition | 'warmup', seed: string): Promise<void> => {
  const doc = await generateDocument({ type: 'pan', seed, condition: condition === 'warmup' ? 'table' : condition });
  const file = join(dir, `${seed}.jpg`);
  await writeFile(file, doc.bytes);
  cards.push({ doc, file, condition });
};
const t0 = performance.now();
for (let i = 0; i < 2; i++) await add('warmup', `p3-warmup-${i}`);
// The table keeps the seeds of the former single-condition run (p3-0, p3-1, …).
for (const condition of READABLE) for (let i = 0; i < CARDS; i++) await add(condition, condition === 'table' ? `p3-${i}` : `p3-${condition}-${i}`);
const unreadable: { doc: GeneratedDocument; condition: Condition }[] = [];
for (const condition of UNREADABLE) {
  for (let i = 0; i < UNREADABLE_CARDS; i++) unreadable.push({ doc: await generateDocument({ type: 'pan', seed: `p3-${condition}-${i}`, condition }), condition });
}
const readable = cards.length - 2;
console.log(
  `P3: ${CARDS} generated PAN cards under each of ${READABLE.length} readable conditions (${readable}, JPEG ~${cards[2]?.doc.width}×${cards[2]?.doc.height}) and ` +
    `${UNREADABLE_CARDS} under each of ${UNREADABLE.length} unreadable ones, generated in ${((performance.now() - t0) / 1000).toFixed(0)} s; ` +
    `Metis with ${THREADS} intra-op threads, ${availableParallelism()} cores`,
);

const engines: Engine[] = [await metisEngine(), await tesseractJsEngine()];
const native = nativeTesseractEngine();
if (native) engines.push(native);
engines.push(await ocrNodeEngine());

interface Tally {
  times: number[];
  exact: number;
  fields: number;
  cardsRight: number;
  rejected: number;
  cards: number;
}
const tally = new Map<string, Tally>();
const of = (engine: string, condition: string): Tally => {
  const key = `${engine}|${condition}`;
  let t = tally.get(key);
  if (!t) {
    t = { times: [], exact: 0, fields: 0, cardsRight: 0, rejected: 0, cards: 0 };
    tally.set(key, t);
  }
  return t;
};
const misses = new Map<string, string[]>(engines.map((e) => [e.name, []]));
let formerRejects = 0;
const formerByCondition = new Map<string, number>();
for (const [i, { doc, file, condition }] of cards.entries()) {
  // Take turns, rotating who goes first, so every engine sees the same conditions.
  for (let k = 0; k < engines.length; k++) {
    const engine = engines[(i + k) % engines.length] as Engine;
    const start = performance.now();
    const got = await engine.read(doc, file).catch((error: unknown): Reading => ({ error: String(error) }));
    const elapsed = performance.now() - start;
    if (condition === 'warmup') continue;
    const refused = refusedWith(got);
    for (const t of [of(engine.name, condition), of(engine.name, 'all')]) {
      t.times.push(elapsed);
      t.cards++;
      if (refused) t.rejected++;
    }
    let all = true;
    for (const [field, value] of Object.entries(expected(doc))) {
      const read = refused ? undefined : (got as Fields)[field];
      for (const t of [of(engine.name, condition), of(engine.name, 'all')]) {
        t.fields++;
        if (read === value) t.exact++;
      }
      if (read !== value) {
        all = false;
        misses.get(engine.name)?.push(`${doc.seed} ${field}: ${refused ? `refused (${refused.join(', ')})` : (read ?? '∅')} ≠ ${value}`);
      }
    }
    if (all) for (const t of [of(engine.name, condition), of(engine.name, 'all')]) t.cardsRight++;
  }
  if (condition !== 'warmup' && (await formerGateRefuses(doc))) {
    formerRejects++;
    formerByCondition.set(condition, (formerByCondition.get(condition) ?? 0) + 1);
  }
}
const metis = engines[0] as Engine;
const refusals = { refused: 0, rightReason: 0, byCondition: new Map<string, string>() };
const refusalCodes: string[] = [];
for (const condition of UNREADABLE) {
  let refused = 0;
  let right = 0;
  for (const { doc } of unreadable.filter((u) => u.condition === condition)) {
    const codes = refusedWith(await metis.read(doc, ''));
    if (codes) {
      refused++;
      if (doc.condition?.refusal && codes.includes(doc.condition.refusal)) right++;
      else refusalCodes.push(`${doc.seed}: ${codes.join(', ')}`);
    } else refusalCodes.push(`${doc.seed}: accepted`);
  }
  refusals.refused += refused;
  refusals.rightReason += right;
  refusals.byCondition.set(condition, `${refused}/${UNREADABLE_CARDS} refused, ${right} with ${unreadable.find((u) => u.condition === condition)?.doc.condition?.refusal ?? '?'}`);
}
await Promise.all(engines.map((e) => e.close()));

const mean = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
const pct = (a: number, b: number): string => `${((a / Math.max(1, b)) * 100).toFixed(1)}%`;
console.log('');
console.log(`${'condition'.padEnd(14)}${'engine'.padEnd(19)}${'ms/image'.padStart(9)}${'p90'.padStart(7)}${'fields exact'.padStart(18)}${'cards exact'.padStart(13)}${'false rejects'.padStart(15)}${'former gate'.padStart(13)}`);
for (const condition of [...READABLE, 'all']) {
  for (const e of engines) {
    const t = of(e.name, condition);
    const rejects = e === metis ? `${t.rejected}/${t.cards} ${pct(t.rejected, t.cards)}` : '';
    const former = condition === 'all' ? formerRejects : (formerByCondition.get(condition) ?? 0);
    console.log(
      `${(e === metis ? condition : '').padEnd(14)}${e.name.padEnd(19)}${mean(t.times).toFixed(0).padStart(9)}${quantile(t.times, 0.9).toFixed(0).padStart(7)}` +
        `${`${t.exact}/${t.fields} ${pct(t.exact, t.fields)}`.padStart(18)}${`${t.cardsRight}/${t.cards}`.padStart(13)}${rejects.padStart(15)}${(e === metis ? `${former}/${t.cards}` : '').padStart(13)}`,
    );
  }
}
if (!native) console.log('native tesseract: skipped (see above)');
console.log(`unreadable (Metis): ${UNREADABLE.map((c) => `${c} ${refusals.byCondition.get(c) ?? ''}`).join('; ')}`);
console.log(`unreadable refused: ${refusals.refused}/${unreadable.length} ${pct(refusals.refused, unreadable.length)}, with the expected reason ${refusals.rightReason}/${unreadable.length}${refusalCodes.length ? ` (others: ${refusalCodes.join('; ')})` : ''}`);
const per = (v: number): string => (v / Math.max(1, stages.n)).toFixed(0);
console.log(
  `metis stages per accepted image: decode+quality ${per(stages.decodeMs)} ms, detect ${per(stages.detectMs)} ms, orient ${per(stages.directionMs)} ms, ` +
    `recognise ${per(stages.recognizeMs)} ms; lines read ${stages.linesRead}/${stages.linesDetected} detected (progressive reading)`,
);
for (const e of engines) {
  const m = misses.get(e.name) ?? [];
  if (m.length > 0) console.log(`misses ${e.name} (${m.length}): ${m.slice(0, 6).join('; ')}${m.length > 6 ? '; …' : ''}`);
}
const all = of(metis.name, 'all');
const accuracy = all.exact / Math.max(1, all.fields);
const falseRejects = all.rejected / Math.max(1, all.cards);
const ratio = mean(all.times) / mean(of('tesseract.js', 'all').times);
console.log(`P3 ratio=${(accuracy / TARGET_ACCURACY).toFixed(3)} target>=1.0 (accuracy ${pct(all.exact, all.fields)}, target ≥ ${TARGET_ACCURACY * 100}%)`);
console.log(`P3 ratio=${(falseRejects / TARGET_FALSE_REJECTS).toFixed(3)} target<=1.0 (false rejects ${pct(all.rejected, all.cards)} of readable cards, target ≤ ${TARGET_FALSE_REJECTS * 100}%)`);
console.log(`P3 ratio=${ratio.toFixed(3)} target<=1.0 accuracy=${(accuracy * 100).toFixed(1)}% false_rejects=${(falseRejects * 100).toFixed(1)}%`);
