import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultValidationRegistry } from '@metis/fsm';
import type { JsonObject, RuleViolation } from '@metis/fsm';
import { goodDocument } from './helpers.ts';

/** Run `image_quality` on document metadata with params parsed like a journey does; return the codes. */
function codes(value: JsonObject, params: JsonObject = {}): string[] {
  const rule = defaultValidationRegistry.get('image_quality');
  assert.ok(rule);
  const parsed: unknown = rule.paramsSchema ? rule.paramsSchema.parse(params) : params;
  const out = rule.validate(value, { field: 'pan_image', fieldType: undefined, params: parsed, data: {}, asOf: undefined });
  const list: readonly RuleViolation[] = out === null ? [] : Array.isArray(out) ? (out as readonly RuleViolation[]) : [out as RuleViolation];
  return list.map((v) => v.code);
}

const zenith = { max_blur: 0.4, min_brightness: 0.25, require_scores: true };

describe('image_quality judges readability when the text was measured', () => {
  it('brightness alone never refuses text that stands out', () => {
    // A card on a white table, a flatbed scan: bright, and readable.
    assert.deepEqual(codes(goodDocument({ brightness_score: 0.99, text_contrast: 0.6 })), []);
    // A dim room: dark, and readable; even under a strict tenant's minimum brightness.
    assert.deepEqual(codes(goodDocument({ brightness_score: 0.2, text_contrast: 0.25 }), zenith), []);
    // Without text_contrast the whole-image limits still apply, as before.
    assert.deepEqual(codes(goodDocument({ brightness_score: 0.99 })), ['image_too_bright']);
    assert.deepEqual(codes(goodDocument({ brightness_score: 0.2 }), zenith), ['image_too_dark']);
  });

  it('faint text is refused with its cause', () => {
    assert.deepEqual(codes(goodDocument({ brightness_score: 0.02, text_contrast: 0.03 })), ['image_too_dark']);
    assert.deepEqual(codes(goodDocument({ brightness_score: 0.98, text_contrast: 0.03 })), ['image_too_bright']);
    assert.deepEqual(codes(goodDocument({ brightness_score: 0.5, text_contrast: 0.05 })), ['text_low_contrast']);
    assert.deepEqual(codes(goodDocument({ brightness_score: 0.5, text_contrast: 0.05 }), { min_text_contrast: 0.04 }), []);
  });

  it('blur counts once the text has contrast enough to judge it', () => {
    assert.deepEqual(codes(goodDocument({ blur_score: 0.8, text_contrast: 0.5 })), ['image_blurry']);
    assert.deepEqual(codes(goodDocument({ blur_score: 0.5, text_contrast: 0.5 }), zenith), ['image_blurry']);
    assert.deepEqual(codes(goodDocument({ blur_score: 0.3, text_contrast: 0.5 }), zenith), []);
    // No contrast: the darkness, not the (unmeasurable) focus, is what to fix.
    assert.deepEqual(codes(goodDocument({ blur_score: 0.9, brightness_score: 0.01, text_contrast: 0.02 })), ['image_too_dark']);
  });

  it('low recognition confidence is refused as unreadable', () => {
    assert.deepEqual(codes(goodDocument({ text_contrast: 0.5, ocr_confidence: 0.95 })), []);
    assert.deepEqual(codes(goodDocument({ text_contrast: 0.5, ocr_confidence: 0.3 })), ['text_unreadable']);
    assert.deepEqual(codes(goodDocument({ ocr_confidence: 0.3 }), { min_ocr_confidence: 0.2 }), []);
  });

  it('keeps the unscored rule and ignores readability scores out of range (judged on the whole-image scores, as before they existed)', () => {
    assert.deepEqual(codes({ bytes: 100_000, text_contrast: 0.5 }, zenith), ['image_quality_unscored']);
    assert.deepEqual(codes(goodDocument({ text_contrast: 1.5 })), []);
    assert.deepEqual(codes(goodDocument({ ocr_confidence: 'high' })), []);
    assert.deepEqual(codes(goodDocument({ text_contrast: 87, brightness_score: 0.99 })), ['image_too_bright']);
  });
});
