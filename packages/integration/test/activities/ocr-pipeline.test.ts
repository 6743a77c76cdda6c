import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { analyzeDocument, LowQualityDocumentError, WrongDocumentTypeError } from '@metis/activities/documents';
import { createOcrEngine, decodeImage, inkProfile, measureQuality, readImageHeader, splitWords, UnreadableDocumentError } from '@metis/activities/ocr';
import type { DocumentAnalysis } from '@metis/activities/documents';
import type { OcrEngine } from '@metis/activities/ocr';
import { createPrng, expectedFields, generateDocument, randomNoise } from '@metis/testing';
import type { GeneratedDocument, GeneratedDocumentType } from '@metis/testing';

// Field-exact accuracy the pipeline must keep on this sample. Measured with
// tools/documents/evaluate-ocr.ts on 112 other generated noisy documents: 471/472 fields exact
// (PAN cards 239/240, Aadhaar 160/160, statements 72/72). 0.9 leaves room for a miss or two among
// the 48 fields here, while a broken stage that loses one PAN field on every card (43/48) fails it;
// classification and confidence are asserted per document as well.
const MIN_FIELD_ACCURACY = 0.9;

function compare(doc: GeneratedDocument, analysis: DocumentAnalysis): { exact: number; total: number; misses: string[] } {
  const want = expectedFields(doc.truth);
  const misses = Object.entries(want)
    .filter(([k, v]) => analysis.fields[k]?.value !== v)
    .map(([k, v]) => `${doc.type}/${doc.seed} ${k}: expected ${v}, read ${analysis.fields[k]?.value ?? '(nothing)'}`);
  return { exact: Object.keys(want).length - misses.length, total: Object.keys(want).length, misses };
}

/** Rejects with an UnreadableDocumentError of the given reason, within `ms`. */
async function rejectsUnreadable(work: () => Promise<unknown>, reason: string, ms: number): Promise<void> {
  const t0 = performance.now();
  await assert.rejects(work(), (error: unknown) => {
    assert.ok(error instanceof UnreadableDocumentError, `expected UnreadableDocumentError, got ${String(error)}`);
    assert.equal(error.code, 'DOCUMENT_UNREADABLE');
    assert.equal(error.reason, reason);
    return true;
  });
  const elapsed = performance.now() - t0;
  assert.ok(elapsed < ms, `rejecting (${reason}) took ${elapsed.toFixed(0)} ms, more than ${ms}`);
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** A valid PNG header claiming 20,000 × 20,000 pixels, with a token of pixel data. */
function hugePng(): Uint8Array {
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, 20_000);
  v.setUint32(4, 20_000);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const parts = [Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(new Uint8Array(64))), pngChunk('IEND', new Uint8Array())];
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

/** A real JPEG whose frame header is rewritten to claim 20,000 × 20,000 pixels. */
function hugeJpeg(jpeg: Uint8Array): Uint8Array {
  const out = Uint8Array.from(jpeg);
  for (let i = 2; i + 9 < out.length; i++) {
    if (out[i] === 0xff && (out[i + 1] === 0xc0 || out[i + 1] === 0xc2)) {
      const v = new DataView(out.buffer, i + 5, 4);
      v.setUint16(0, 20_000);
      v.setUint16(2, 20_000);
      return out;
    }
  }
  throw new Error('no SOF marker');
}

describe('OCR and document intelligence on generated documents', () => {
  let engine: OcrEngine;
  const docs = new Map<string, GeneratedDocument>();
  const doc = async (type: GeneratedDocumentType, seed: string): Promise<GeneratedDocument> => {
    const key = `${type}:${seed}`;
    let d = docs.get(key);
    if (!d) {
      d = await generateDocument({ type, seed });
      docs.set(key, d);
    }
    return d;
  };

  before(async () => {
    engine = await createOcrEngine({ intraOpThreads: 2 });
  });
  after(() => engine.dispose());

  test(`reads PAN, Aadhaar and bank-statement fields exactly (≥ ${MIN_FIELD_ACCURACY * 100}% of fields)`, async (t) => {
    const sample: [GeneratedDocumentType, number][] = [
      ['pan', 5],
      ['aadhaar', 4],
      ['bank_statement', 2],
    ];
    let exact = 0;
    let total = 0;
    const misses: string[] = [];
    for (const [type, count] of sample) {
      for (let i = 0; i < count; i++) {
        const d = await doc(type, `ocr-test-${i}`);
        const analysis = await analyzeDocument(engine, d.bytes);
        assert.equal(analysis.classification.type, type, `${type}/${d.seed} classified as ${analysis.classification.type}: ${analysis.lines.join(' | ')}`);
        assert.ok(analysis.classification.confidence >= 0.8, `${type}/${d.seed} classified with confidence ${analysis.classification.confidence}`);
        for (const field of Object.values(analysis.fields)) assert.ok(field.confidence > 0 && field.confidence <= 1);
        const r = compare(d, analysis);
        exact += r.exact;
        total += r.total;
        misses.push(...r.misses);
      }
    }
    t.diagnostic(`field-exact accuracy ${exact}/${total} = ${((exact / total) * 100).toFixed(1)}%${misses.length ? `; misses: ${misses.join('; ')}` : ''}`);
    assert.ok(exact / total >= MIN_FIELD_ACCURACY, `accuracy ${exact}/${total}: ${misses.join('; ')}`);
  });

  test('recovers the spaces the recogniser drops between words', async () => {
    // Mechanism: characters emitted without a space, an ink-free gap between two of them.
    const grey = new Float32Array(48 * 120).fill(230);
    for (let y = 10; y < 38; y++) for (const [a, b] of [[5, 50], [75, 115]] as const) for (let x = a; x < b; x++) grey[y * 120 + x] = 20;
    const chars = [...'ABCDEF'].map((char, i) => ({ char, start: [1, 3, 5, 10, 12, 13][i] ?? 0, end: [1, 3, 5, 10, 12, 13][i] ?? 0, prob: 0.9 }));
    assert.deepEqual(splitWords(chars, inkProfile(grey, 120, 48), 8).map((w) => w.text), ['ABC', 'DEF']);
    assert.deepEqual(splitWords(chars, inkProfile(grey, 120, 48), 8, { spaceRatio: 1000 }).map((w) => w.text), ['ABCDEF']);
    // On a real card: at the strip's true aspect (and a 640 px detector input) PP-OCRv4 runs this
    // card's names together ("JYOTIVERMA"); the gaps put the spaces back.
    const d = await doc('pan', 'ocr-test-5');
    const truth = expectedFields(d.truth);
    const raw = await createOcrEngine({ intraOpThreads: 2, squeeze: 1, words: { spaceRatio: 1000 } });
    const recovered = await createOcrEngine({ intraOpThreads: 2, squeeze: 1 });
    try {
      const joined = await analyzeDocument(raw, d.bytes, { detectionMaxSide: 640 });
      const names = [joined.fields['name']?.value, joined.fields['father_name']?.value];
      assert.ok(names.some((n) => n !== undefined && !n.includes(' ')), `expected a run-together name without gap recovery, got ${names.join(', ')}`);
      const fixed = await analyzeDocument(recovered, d.bytes, { detectionMaxSide: 640 });
      assert.equal(fixed.fields['name']?.value, truth['name']);
      assert.equal(fixed.fields['father_name']?.value, truth['father_name']);
    } finally {
      await Promise.all([raw.dispose(), recovered.dispose()]);
    }
  });

  test('reads a card photographed upside down or sideways', async () => {
    const base = randomNoise(createPrng('turned'), 'realistic');
    for (const rotationDeg of [180, -90]) {
      const d = await generateDocument({ type: 'pan', seed: 'ocr-turned', noise: { ...base, rotationDeg } });
      const analysis = await analyzeDocument(engine, d.bytes);
      assert.deepEqual(
        Object.fromEntries(Object.entries(analysis.fields).map(([k, f]) => [k, f.value])),
        expectedFields(d.truth),
        `rotated ${rotationDeg}°`,
      );
    }
  });

  test('validates extracted fields with the fsm rules (PAN format, Verhoeff)', async () => {
    const aadhaar = await analyzeDocument(engine, (await doc('aadhaar', 'ocr-test-0')).bytes);
    assert.equal(aadhaar.fields['aadhaar_number']?.valid, true);
    assert.match(aadhaar.fields['aadhaar_number']?.value ?? '', /^XXXX XXXX \d{4}$/, 'the number is masked but its last 4 digits');
    const pan = await analyzeDocument(engine, (await doc('pan', 'ocr-test-1')).bytes);
    assert.equal(pan.fields['pan']?.valid, true);
    assert.equal(pan.fields['date_of_birth']?.valid, true);
    assert.equal(pan.valid, true);
  });

  test('a document of another type gets a typed wrong-type error', async () => {
    const aadhaar = await doc('aadhaar', 'ocr-test-1');
    await assert.rejects(analyzeDocument(engine, aadhaar.bytes, { expectedType: 'pan' }), (error: unknown) => {
      assert.ok(error instanceof WrongDocumentTypeError);
      assert.equal(error.code, 'DOCUMENT_WRONG_TYPE');
      assert.equal(error.expected, 'pan');
      assert.equal(error.detected, 'aadhaar');
      return true;
    });
    const blank = await sharp({ create: { width: 900, height: 600, channels: 3, background: '#8a9aa8', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
      .jpeg({ quality: 80 })
      .toBuffer();
    await rejectsUnreadable(() => analyzeDocument(engine, blank, { expectedType: 'pan' }), 'no_text', 10_000);
  });

  test('image quality metadata feeds the image_size and image_quality rules', async () => {
    const d = await doc('pan', 'ocr-test-2');
    const { header, image } = await decodeImage(d.bytes);
    assert.deepEqual([header.width, header.height, header.bytes, header.mimeType], [d.width, d.height, d.bytes.byteLength, 'image/jpeg']);
    const sharpScore = measureQuality(image);
    const base = randomNoise(createPrng('blurry'), 'realistic');
    const blurred = await generateDocument({ type: 'pan', seed: 'ocr-test-2', noise: { ...base, blurSigma: 6 } });
    const blurScore = measureQuality((await decodeImage(blurred.bytes)).image).blurScore;
    assert.ok(sharpScore.blurScore < 0.3 && blurScore > 0.6, `blur scores: in focus ${sharpScore.blurScore}, sigma 6 ${blurScore}`);
    await assert.rejects(analyzeDocument(engine, blurred.bytes), (error: unknown) => {
      assert.ok(error instanceof LowQualityDocumentError);
      assert.equal(error.code, 'DOCUMENT_LOW_QUALITY');
      assert.deepEqual(error.violations.map((v) => v.code), ['image_blurry']);
      return true;
    });
    const dark = await sharp(d.bytes).linear(0.12, 0).jpeg({ quality: 85 }).toBuffer();
    await assert.rejects(analyzeDocument(engine, dark), (e: unknown) => e instanceof LowQualityDocumentError && e.violations.some((v) => v.code === 'image_too_dark'));
    const tiny = await sharp(d.bytes).resize(200).jpeg({ quality: 60 }).toBuffer();
    await assert.rejects(analyzeDocument(engine, tiny), (e: unknown) => e instanceof LowQualityDocumentError && e.violations.some((v) => v.code === 'image_dimensions_too_small'));
    // A tenant that accepts blurrier photos passes its own parameters.
    const lenient = await analyzeDocument(engine, blurred.bytes, { imageRules: { image_quality: { max_blur: 0.95 } }, expectedType: 'pan' }).catch((e: unknown) => e);
    assert.ok(!(lenient instanceof LowQualityDocumentError), 'max_blur 0.95 lets the blurred photo through');
  });

  test('empty, truncated, huge and non-image files are rejected cleanly and fast', async () => {
    const jpeg = (await doc('pan', 'ocr-test-3')).bytes;
    await rejectsUnreadable(() => analyzeDocument(engine, new Uint8Array(0)), 'empty', 200);
    await rejectsUnreadable(() => analyzeDocument(engine, jpeg.subarray(0, Math.floor(jpeg.byteLength * 0.6))), 'truncated', 1_000);
    await rejectsUnreadable(() => analyzeDocument(engine, hugePng()), 'too_many_pixels', 200);
    await rejectsUnreadable(() => analyzeDocument(engine, hugeJpeg(jpeg)), 'too_many_pixels', 200);
    await rejectsUnreadable(() => readImageHeader(hugeJpeg(jpeg)), 'too_many_pixels', 200);
    await rejectsUnreadable(() => analyzeDocument(engine, new TextEncoder().encode('{"pan":"ABCPE1234F"}')), 'not_an_image', 200);
    await rejectsUnreadable(() => analyzeDocument(engine, new TextEncoder().encode('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n')), 'unsupported_format', 200);
    await rejectsUnreadable(() => analyzeDocument(engine, Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5])), 'corrupt', 500);
  });
});
