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
  require_scores: z.boolean().default(false),
});

/** Validate a document image's blur and brightness scores (supplied by the OCR activity). */
export const imageQuality = defineValidationRule({
  name: 'image_quality',
  description: 'The image is sharp enough (blur_score ≤ max_blur) and neither too dark nor too bright; unscored images pass unless require_scores is set.',
  selector: DOCUMENT_FIELDS,
  paramsSchema: qualityParams,
  validate(value, { params: p }) {
    const parsed = documentMetadataSchema.safeParse(value);
    if (!parsed.success) return notDocument;
    const { blur_score: blur, brightness_score: light } = parsed.data;
    const out: RuleViolation[] = [];
    if (p.require_scores && (blur === undefined || light === undefined)) {
      out.push({ code: 'image_quality_unscored', message: 'The image has not been scored for blur and brightness yet.' });
    }
    if (blur !== undefined && blur > p.max_blur) {
      out.push({ code: 'image_blurry', message: `The image is too blurred (${blur} > ${p.max_blur}): retake it in focus.`, params: { blur_score: blur, max_blur: p.max_blur } });
    }
    if (light !== undefined && light < p.min_brightness) {
      out.push({ code: 'image_too_dark', message: `The image is too dark (${light} < ${p.min_brightness}): retake it in better light.`, params: { brightness_score: light, min_brightness: p.min_brightness } });
    } else if (light !== undefined && light > p.max_brightness) {
      out.push({ code: 'image_too_bright', message: `The image is overexposed (${light} > ${p.max_brightness}): avoid glare.`, params: { brightness_score: light, max_brightness: p.max_brightness } });
    }
    return out;
  },
});
