import type { ValidationRegistry } from '@metis/fsm';
import { UnreadableDocumentError } from '../../ocr/errors.ts';
import { decodeImage } from '../../ocr/image-input.ts';
import type { ImageLimits } from '../../ocr/image-input.ts';
import type { OcrEngine } from '../../ocr/ocr-engine.ts';
import { measureQuality } from '../../ocr/quality.ts';
import { classifyDocument } from './classify.ts';
import { LowQualityDocumentError, WrongDocumentTypeError } from './errors.ts';
import { extractBankStatementFields } from './extract-bank-statement.ts';
import { extractAadhaarFields, extractPanFields } from './extract-cards.ts';
import { layoutLines, layoutRows } from './text-layout.ts';
import type { DocumentAnalysis, DocumentType, RawField } from './types.ts';
import { validateFields, validateImage } from './validate-fields.ts';
import type { ImageRuleParams } from './validate-fields.ts';

/** Options of one document analysis. */
export interface AnalyzeOptions {
  /** Type the caller expects: anything else throws `WrongDocumentTypeError`. */
  readonly expectedType?: DocumentType;
  /** Parameters of the `image_size` / `image_quality` rules (the journey's). */
  readonly imageRules?: ImageRuleParams;
  /** Throw `LowQualityDocumentError` (before OCR) when an image rule fails (default true). */
  readonly rejectLowQuality?: boolean;
  /** Registry holding the validation rules (default: the fsm built-ins). */
  readonly validationRegistry?: ValidationRegistry;
  /** Header limits checked before decoding. */
  readonly limits?: ImageLimits;
  /** Detector input size; default 640 for card-shaped images, 1280 for pages. */
  readonly detectionMaxSide?: number;
  /** Called between stages (e.g. to heartbeat). */
  readonly onProgress?: (stage: string) => void;
}

/** Card images carry large text: a small detector input is enough. Pages need more. */
export const DETECTION_SIZES = { card: 640, page: 1280 } as const;

const round = (ms: number): number => Math.round(ms * 10) / 10;

function extract(type: DocumentType, lines: ReturnType<typeof layoutLines>): Record<string, RawField> {
  switch (type) {
    case 'pan':
      return extractPanFields(lines);
    case 'aadhaar':
      return extractAadhaarFields(lines);
    case 'bank_statement':
      return extractBankStatementFields(layoutRows(lines));
  }
}

/**
 * Read a document image: check its header, decode, score blur and brightness, run OCR, classify it,
 * extract and validate the fields of its type. Throws `UnreadableDocumentError`,
 * `LowQualityDocumentError` or `WrongDocumentTypeError` with a clear reason instead of guessing.
 */
export async function analyzeDocument(engine: OcrEngine, bytes: Uint8Array, options: AnalyzeOptions = {}): Promise<DocumentAnalysis> {
  const t0 = performance.now();
  const { header, image } = await decodeImage(bytes, options.limits);
  const quality = measureQuality(image);
  const metadata = {
    mime_type: header.mimeType,
    bytes: header.bytes,
    width: header.width,
    height: header.height,
    blur_score: quality.blurScore,
    brightness_score: quality.brightnessScore,
    laplacian_variance: quality.laplacianVariance,
  };
  const imageViolations = validateImage(metadata, options.imageRules, options.validationRegistry);
  if (imageViolations.length > 0 && options.rejectLowQuality !== false) throw new LowQualityDocumentError(imageViolations);
  options.onProgress?.('decoded');
  const t1 = performance.now();
  const page = image.height > image.width * 1.2;
  const ocr = await engine.recognize(image, {
    detectionMaxSide: options.detectionMaxSide ?? (page ? DETECTION_SIZES.page : DETECTION_SIZES.card),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const lines = layoutLines(ocr.lines);
  if (lines.length === 0) throw new UnreadableDocumentError('no_text', 'no text was found in the image');
  const classification = classifyDocument(lines, image);
  if (options.expectedType && classification.type !== options.expectedType) {
    throw new WrongDocumentTypeError(options.expectedType, classification.type, classification.confidence);
  }
  const { fields, missing } =
    classification.type === 'unknown' ? { fields: {}, missing: [] } : validateFields(classification.type, extract(classification.type, lines), options.validationRegistry);
  const t2 = performance.now();
  return {
    classification,
    fields,
    missingFields: missing,
    valid: classification.type !== 'unknown' && missing.length === 0 && Object.values(fields).every((f) => f.valid),
    metadata,
    imageViolations,
    lines: lines.map((l) => l.text),
    timings: {
      decodeMs: round(t1 - t0),
      detectMs: round(ocr.timings.detectMs),
      directionMs: round(ocr.timings.directionMs),
      recognizeMs: round(ocr.timings.recognizeMs),
      totalMs: round(t2 - t0),
    },
  };
}
