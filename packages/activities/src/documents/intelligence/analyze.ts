import type { ValidationRegistry } from '@metis/fsm';
import { UnreadableDocumentError } from '../../ocr/errors.ts';
import { decodeImage } from '../../ocr/image-input.ts';
import type { ImageLimits, RgbImage } from '../../ocr/image-input.ts';
import type { OcrEngine, OcrLine, PendingLine } from '../../ocr/ocr-engine.ts';
import { measureReadability } from '../../ocr/quality.ts';
import { classifyDocument } from './classify.ts';
import { LowQualityDocumentError, WrongDocumentTypeError } from './errors.ts';
import { extractBankStatementFields } from './extract-bank-statement.ts';
import { extractAadhaarFields, extractPanFields } from './extract-cards.ts';
import { layoutLines, layoutRows } from './text-layout.ts';
import type { ClassifiedType, DocumentAnalysis, DocumentType, RawField } from './types.ts';
import { validateFields, validateImageQuality, validateImageSize } from './validate-fields.ts';
import type { ImageRuleParams } from './validate-fields.ts';

/** Options of one document analysis. */
export interface AnalyzeOptions {
  /** Type the caller expects: anything else throws `WrongDocumentTypeError`. */
  readonly expectedType?: DocumentType;
  /** Parameters of the `image_size` / `image_quality` rules (the journey's). */
  readonly imageRules?: ImageRuleParams;
  /**
   * Throw `LowQualityDocumentError` when an image rule fails (default true): `image_size` and
   * `image_quality` (scored on the detected text regions) after detection, before reading; then
   * `image_quality` again with the recognition confidence after reading.
   */
  readonly rejectLowQuality?: boolean;
  /** Registry holding the validation rules (default: the fsm built-ins). */
  readonly validationRegistry?: ValidationRegistry;
  /** Header limits checked before decoding. */
  readonly limits?: ImageLimits;
  /** Detector input size; default 576 for card-shaped images, 1280 for pages. */
  readonly detectionMaxSide?: number;
  /** Strip squeeze; default the engine's for card-shaped images, 1 for pages (dense small print loses narrow digits when squeezed). */
  readonly squeeze?: number;
  /** Called between stages (e.g. to heartbeat). */
  readonly onProgress?: (stage: string) => void;
  /**
   * Read card lines shortest first and stop once the card is classified with confidence ≥ 0.9 and
   * every field is found and valid (default true). Statements are always read whole.
   */
  readonly progressive?: boolean;
}

/** Lines read per step of progressive reading. */
const PROGRESSIVE_STEP = 2;
/** Classifier confidence progressive reading needs before it may stop early. */
const PROGRESSIVE_CONFIDENCE = 0.9;

/** Card images carry large text: a small detector input is enough. Pages need more. */
export const DETECTION_SIZES = { card: 576, page: 1280 } as const;

const round = (ms: number): number => Math.round(ms * 10) / 10;

/** Extract the raw fields of a type from laid-out lines. */
export function extractFields(type: DocumentType, lines: ReturnType<typeof layoutLines>): Record<string, RawField> {
  switch (type) {
    case 'pan':
      return extractPanFields(lines);
    case 'aadhaar':
      return extractAadhaarFields(lines);
    case 'bank_statement':
      return extractBankStatementFields(layoutRows(lines));
  }
}

function complete(type: ClassifiedType, raw: Record<string, RawField>, registry: ValidationRegistry | undefined): boolean {
  if (type !== 'pan' && type !== 'aadhaar') return false;
  const { fields, missing } = validateFields(type, raw, registry);
  return missing.length === 0 && Object.values(fields).every((f) => f.valid);
}

/** Read detected lines: all at once, or (cards) shortest first until the card is understood. */
async function readLines(engine: OcrEngine, image: RgbImage, pending: readonly PendingLine[], options: AnalyzeOptions): Promise<{ lines: OcrLine[]; count: number }> {
  if (options.progressive === false || image.height > image.width * 1.2) {
    return { lines: (await engine.read(image, pending)).filter((l) => l.text.length > 0), count: pending.length };
  }
  const order = pending.map((_, i) => i).sort((a, b) => (pending[a]?.stripWidth ?? 0) - (pending[b]?.stripWidth ?? 0));
  const done: OcrLine[] = [];
  let count = 0;
  while (count < order.length) {
    const step = order.slice(count, count + PROGRESSIVE_STEP);
    done.push(...(await engine.read(image, step.map((i) => pending[i] as PendingLine))).filter((l) => l.text.length > 0));
    count += step.length;
    if (count >= order.length) break;
    const layout = layoutLines(done, order.slice(count).map((i) => pending[i] as PendingLine));
    const c = classifyDocument(layout, image);
    if (c.type === 'unknown' || c.confidence < PROGRESSIVE_CONFIDENCE || (options.expectedType && c.type !== options.expectedType)) continue;
    if (complete(c.type, extractFields(c.type, layout), options.validationRegistry)) break;
  }
  return { lines: done, count };
}

/** Mean recognition confidence per character of the lines read, or undefined when nothing was read. */
function readConfidence(lines: readonly OcrLine[]): number | undefined {
  const chars = lines.reduce((n, l) => n + l.text.length, 0);
  return chars > 0 ? Math.round((lines.reduce((s, l) => s + l.confidence * l.text.length, 0) / chars) * 1000) / 1000 : undefined;
}

/**
 * Read a document image: check its header and size, decode, detect the text, judge its readability
 * (contrast, sharpness and brightness of the text regions, not of the whole photo), run OCR, check
 * the recognition confidence, classify it, extract and validate the fields of its type. Throws
 * `UnreadableDocumentError`, `LowQualityDocumentError` or `WrongDocumentTypeError` with a clear
 * reason instead of guessing.
 */
export async function analyzeDocument(engine: OcrEngine, bytes: Uint8Array, options: AnalyzeOptions = {}): Promise<DocumentAnalysis> {
  const t0 = performance.now();
  const reject = options.rejectLowQuality !== false;
  const { header, image } = await decodeImage(bytes, options.limits);
  const size = { mime_type: header.mimeType, bytes: header.bytes, width: header.width, height: header.height };
  // Size violations are reported together with the readability ones, after detection (which is cheap).
  const sizeViolations = validateImageSize(size, options.imageRules, options.validationRegistry);
  options.onProgress?.('decoded');
  const t1 = performance.now();
  const page = image.height > image.width * 1.2;
  const detected = await engine.detect(image, {
    detectionMaxSide: options.detectionMaxSide ?? (page ? DETECTION_SIZES.page : DETECTION_SIZES.card),
    ...(options.squeeze !== undefined ? { squeeze: options.squeeze } : page ? { squeeze: 1 } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const tq = performance.now();
  const quality = measureReadability(image, detected.lines.map((l) => l.rect));
  const scored = {
    ...size,
    blur_score: quality.blurScore,
    brightness_score: quality.brightnessScore,
    text_contrast: quality.textContrast,
    text_regions: quality.textRegions,
    quality_scope: quality.scope,
    laplacian_variance: quality.laplacianVariance,
  };
  const qualityViolations = validateImageQuality(scored, options.imageRules, options.validationRegistry);
  if ((sizeViolations.length > 0 || qualityViolations.length > 0) && reject) throw new LowQualityDocumentError([...sizeViolations, ...qualityViolations]);
  const t2 = performance.now();
  const read = await readLines(engine, image, detected.lines, options);
  options.onProgress?.('recognized');
  const t3 = performance.now();
  const confidence = readConfidence(read.lines);
  const metadata = confidence === undefined ? scored : { ...scored, ocr_confidence: confidence };
  const imageViolations = [...sizeViolations, ...(confidence === undefined ? qualityViolations : validateImageQuality(metadata, options.imageRules, options.validationRegistry))];
  if (imageViolations.length > 0 && reject) throw new LowQualityDocumentError(imageViolations);
  const lines = layoutLines(read.lines);
  if (lines.length === 0) throw new UnreadableDocumentError('no_text', 'no text was found in the image');
  const classification = classifyDocument(lines, image);
  if (options.expectedType && classification.type !== options.expectedType) {
    throw new WrongDocumentTypeError(options.expectedType, classification.type, classification.confidence);
  }
  const { fields, missing } =
    classification.type === 'unknown' ? { fields: {}, missing: [] } : validateFields(classification.type, extractFields(classification.type, lines), options.validationRegistry);
  const t4 = performance.now();
  return {
    classification,
    fields,
    missingFields: missing,
    valid: classification.type !== 'unknown' && missing.length === 0 && Object.values(fields).every((f) => f.valid),
    metadata,
    imageViolations,
    lines: layoutRows(lines).flatMap((row) => row.lines.map((l) => l.text)),
    linesDetected: detected.lines.length,
    linesRead: read.count,
    timings: {
      decodeMs: round(t1 - t0 + (t2 - tq)),
      detectMs: round(detected.timings.detectMs),
      directionMs: round(detected.timings.directionMs),
      recognizeMs: round(t3 - t2),
      totalMs: round(t4 - t0),
    },
  };
}
