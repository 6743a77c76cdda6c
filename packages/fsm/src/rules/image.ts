import * as z from 'zod';
import { documentMetadataSchema } from './field-types.ts';
import { defineValidationRule } from './types.ts';
import type { FieldSelector, RuleViolation } from './types.ts';

const DOCUMENT_FIELDS: FieldSelector = {
  types: ['document'],
  names: /(^|_)(image|photo|selfie|scan|document|doc|docs|statement|slip|proof)$/,
};

const notDocument: RuleViolation = {
  code: 'type_mismatch',
  message: 'Expected the metadata of an uploaded document (bytes, dimensions, quality scores).',
};

const sizeParams = z.strictObject({
  max_bytes: z.int().positive().default(5_000_000),
  min_bytes: z.int().min(0).default(10_000),
  min_width: z.int().positive().default(300),
  min_height: z.int().positive().default(300),
  allowed_mime_types: z.array(z.string().min(1)).min(1).default(['image/jpeg', 'image/png', 'application/pdf']),
});

/** Validate a document's file size, pixel dimensions and MIME type. */
export const imageSize = defineValidationRule({
  name: 'image_size',
  description: 'The document is between min_bytes and max_bytes, at least min_width × min_height pixels, of an allowed MIME type.',
  selector: DOCUMENT_FIELDS,
  paramsSchema: sizeParams,
  validate(value, { params: p }) {
    const parsed = documentMetadataSchema.safeParse(value);
    if (!parsed.success) return notDocument;
    const d = parsed.data;
    const out: RuleViolation[] = [];
    if (d.bytes > p.max_bytes) {
      out.push({ code: 'image_too_large', message: `The file is ${d.bytes} bytes; the limit is ${p.max_bytes}.`, params: { bytes: d.bytes, max_bytes: p.max_bytes } });
    } else if (d.bytes < p.min_bytes) {
      out.push({ code: 'image_too_small', message: `The file is ${d.bytes} bytes; at least ${p.min_bytes} are needed for a legible scan.`, params: { bytes: d.bytes, min_bytes: p.min_bytes } });
    }
    if ((d.width !== undefined && d.width < p.min_width) || (d.height !== undefined && d.height < p.min_height)) {
      out.push({
        code: 'image_dimensions_too_small',
        message: `The image is ${d.width ?? '?'}×${d.height ?? '?'} pixels; at least ${p.min_width}×${p.min_height} are needed.`,
        params: { width: d.width ?? null, height: d.height ?? null, min_width: p.min_width, min_height: p.min_height },
      });
    }
    if (d.mime_type !== undefined && !p.allowed_mime_types.includes(d.mime_type)) {
      out.push({ code: 'image_type_not_allowed', message: `Files of type ${d.mime_type} are not accepted (allowed: ${p.allowed_mime_types.join(', ')}).`, params: { mime_type: d.mime_type, allowed: p.allowed_mime_types } });
    }
    return out;
  },
});

const qualityParams = z.strictObject({
  max_blur: z.number().min(0).max(1).default(0.6),
  min_brightness: z.number().min(0).max(1).default(0.15),
  max_brightness: z.number().min(0).max(1).default(0.95),
  min_text_contrast: z.number().min(0).max(1).default(0.12),
  min_ocr_confidence: z.number().min(0).max(1).default(0.5),
  require_scores: z.boolean().default(false),
});

const unit = z.number().min(0).max(1).optional();
/** The readability scores the OCR activity adds to a document's metadata (optional: a client may omit them). */
const readabilitySchema = z.looseObject({ text_contrast: unit, ocr_confidence: unit });

/**
 * Validate a document image's quality scores (supplied by the OCR activity or the client).
 *
 * Metadata with `text_contrast` (ink-to-paper contrast over the detected text, [0, 1]) is judged by
 * readability: it fails only when that contrast is under `min_text_contrast`, the code then naming
 * the cause from `brightness_score` (`image_too_dark` under `min_brightness`, `image_too_bright`
 * over `max_brightness`, else `text_low_contrast`), or, with enough contrast, when `blur_score`
 * exceeds `max_blur`. Brightness alone never fails it: a card on a white table or a scan is bright
 * and readable. The OCR activity measures `blur_score` and `brightness_score` over the text regions
 * too. Metadata without `text_contrast` (scores a client computed over the whole image) keeps the
 * whole-image checks: blur over `max_blur`, brightness outside [`min_brightness`, `max_brightness`].
 * Either way `ocr_confidence` (mean recognition confidence, when present) under
 * `min_ocr_confidence` fails it with `text_unreadable`.
 */
export const imageQuality = defineValidationRule({
  name: 'image_quality',
  description:
    'The image is readable: its text stands out (text_contrast ≥ min_text_contrast, else too dark, too bright or low contrast) and is sharp (blur_score ≤ max_blur), ' +
    'and it was recognised confidently (ocr_confidence ≥ min_ocr_confidence); without text_contrast, whole-image brightness must lie within [min_brightness, max_brightness]; ' +
    'unscored images pass unless require_scores is set.',
  selector: DOCUMENT_FIELDS,
  paramsSchema: qualityParams,
  validate(value, { params: p }) {
    const parsed = documentMetadataSchema.safeParse(value);
    if (!parsed.success) return notDocument;
    // Readability scores out of range (or not numbers) are ignored, not refused: metadata that
    // passed this rule before they existed still passes, and a running journey replays the same.
    const scores = readabilitySchema.safeParse(value);
    const { blur_score: blur, brightness_score: light } = parsed.data;
    const { text_contrast: contrast, ocr_confidence: confidence } = scores.success ? scores.data : { text_contrast: undefined, ocr_confidence: undefined };
    const out: RuleViolation[] = [];
    if (p.require_scores && (blur === undefined || light === undefined)) {
      out.push({ code: 'image_quality_unscored', message: 'The image has not been scored for blur and brightness yet.' });
    }
    const blurry = (): RuleViolation => ({ code: 'image_blurry', message: `The image is too blurred (${blur} > ${p.max_blur}): retake it in focus.`, params: { blur_score: blur ?? null, max_blur: p.max_blur } });
    if (contrast !== undefined) {
      if (contrast < p.min_text_contrast) {
        const detail = { text_contrast: contrast, min_text_contrast: p.min_text_contrast, brightness_score: light ?? null };
        if (light !== undefined && light < p.min_brightness) {
          out.push({ code: 'image_too_dark', message: `The text is too dark to read (contrast ${contrast} < ${p.min_text_contrast}, brightness ${light}): retake it in better light.`, params: detail });
        } else if (light !== undefined && light > p.max_brightness) {
          out.push({ code: 'image_too_bright', message: `The text is washed out (contrast ${contrast} < ${p.min_text_contrast}, brightness ${light}): avoid glare and direct light.`, params: detail });
        } else {
          out.push({ code: 'text_low_contrast', message: `The text is too faint to read (contrast ${contrast} < ${p.min_text_contrast}): retake it in even light.`, params: detail });
        }
      } else if (blur !== undefined && blur > p.max_blur) {
        out.push(blurry());
      }
    } else {
      if (blur !== undefined && blur > p.max_blur) out.push(blurry());
      if (light !== undefined && light < p.min_brightness) {
        out.push({ code: 'image_too_dark', message: `The image is too dark (${light} < ${p.min_brightness}): retake it in better light.`, params: { brightness_score: light, min_brightness: p.min_brightness } });
      } else if (light !== undefined && light > p.max_brightness) {
        out.push({ code: 'image_too_bright', message: `The image is overexposed (${light} > ${p.max_brightness}): avoid glare.`, params: { brightness_score: light, max_brightness: p.max_brightness } });
      }
    }
    if (confidence !== undefined && confidence < p.min_ocr_confidence) {
      out.push({
        code: 'text_unreadable',
        message: `The text could not be read with confidence (${confidence} < ${p.min_ocr_confidence}): retake it flat, in focus and well lit.`,
        params: { ocr_confidence: confidence, min_ocr_confidence: p.min_ocr_confidence },
      });
    }
    return out;
  },
});
