import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeDocument, LowQualityDocumentError } from '@metis/activities/documents';
import type { DocumentAnalysis } from '@metis/activities/documents';
import { createOcrEngine, decodeImage, measureQuality } from '@metis/activities/ocr';
import type { OcrEngine } from '@metis/activities/ocr';
import { expectedFields, generateDocument } from '@metis/testing';
import type { GenerateDocumentOptions } from '@metis/testing';

type Condition = NonNullable<GenerateDocumentOptions['condition']>;

/** A strict tenant's image rules (zenith's): blur ≤ 0.4, brightness ≥ 0.25, scores required. */
const STRICT = { image_quality: { max_blur: 0.4, min_brightness: 0.25, require_scores: true } };

const valuesOf = (a: DocumentAnalysis): Record<string, string> => Object.fromEntries(Object.entries(a.fields).map(([k, f]) => [k, f.value]));

describe('document quality is judged by readability', () => {
  let engine: OcrEngine;
  before(async () => {
    engine = await createOcrEngine({ intraOpThreads: 2 });
  });
  after(() => engine.dispose());

  test('a PAN card on a white table is accepted and read exactly, though the photo is bright overall', async () => {
    const doc = await generateDocument({ type: 'pan', seed: 'readable-0', condition: 'white_table' });
    // The photo is brighter than the former whole-image limit (0.95): that gate refused it.
    const whole = measureQuality((await decodeImage(doc.bytes)).image);
    assert.ok(whole.brightnessScore > 0.95, `whole-image brightness ${whole.brightnessScore}`);
    for (const imageRules of [undefined, STRICT]) {
      const analysis = await analyzeDocument(engine, doc.bytes, { expectedType: 'pan', ...(imageRules ? { imageRules } : {}) });
      assert.deepEqual(valuesOf(analysis), expectedFields(doc.truth));
      assert.deepEqual(analysis.imageViolations, []);
      assert.equal(analysis.metadata['quality_scope' as keyof typeof analysis.metadata], 'text');
    }
  });

  test('flatbed scans, glare in a corner, a shadow, perspective and low light are accepted and read exactly', async () => {
    const conditions: Condition[] = ['flatbed', 'glare_corner', 'shadow', 'perspective', 'low_light'];
    for (const condition of conditions) {
      const doc = await generateDocument({ type: 'pan', seed: 'readable-0', condition });
      assert.equal(doc.condition?.readable, true);
      const analysis = await analyzeDocument(engine, doc.bytes, { expectedType: 'pan', imageRules: STRICT }).catch((error: unknown) => {
        assert.fail(`${condition}: refused a readable card: ${String(error)}`);
      });
      assert.deepEqual(valuesOf(analysis), expectedFields(doc.truth), condition);
    }
  });

  test('an unreadable image is refused with the reason for it', async () => {
    const conditions: Condition[] = ['blurred', 'near_black', 'washed_out'];
    for (const condition of conditions) {
      const doc = await generateDocument({ type: 'pan', seed: 'unreadable-0', condition });
      const refusal = doc.condition?.refusal;
      assert.ok(doc.condition?.readable === false && refusal, condition);
      await assert.rejects(analyzeDocument(engine, doc.bytes, { expectedType: 'pan' }), (error: unknown) => {
        assert.ok(error instanceof LowQualityDocumentError, `${condition}: ${String(error)}`);
        assert.equal(error.code, 'DOCUMENT_LOW_QUALITY');
        assert.ok(error.violations.some((v) => v.code === refusal), `${condition}: expected ${refusal}, got ${error.violations.map((v) => v.code).join(', ')}`);
        return true;
      });
      // Not rejecting, the analysis reports the same violation and the scores behind it.
      const lenient = await analyzeDocument(engine, doc.bytes, { rejectLowQuality: false }).catch(() => undefined);
      if (lenient) {
        assert.ok(lenient.imageViolations.some((v) => v.code === refusal), condition);
        assert.equal(typeof lenient.metadata['text_contrast' as keyof typeof lenient.metadata], 'number');
      }
    }
  });
});
