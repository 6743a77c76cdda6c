// @metis/activities/ocr: the PP-OCRv4 engine on onnxruntime-node and sharp, both loaded on first use.
export { createOcrEngine } from './ocr-engine.ts';
export type { OcrEngine, OcrEngineOptions, OcrLine, OcrOutput, OcrWord, RecognizeOptions } from './ocr-engine.ts';
export { defaultOcrModelPaths } from './model-files.ts';
export type { OcrModelPaths } from './model-files.ts';
export { decodeImage, readImageHeader, DEFAULT_IMAGE_LIMITS } from './image-input.ts';
export type { ImageHeader, ImageLimits, RgbImage } from './image-input.ts';
export { measureQuality, LAPLACIAN_HALF_POINT } from './quality.ts';
export type { ImageQuality } from './quality.ts';
export { UnreadableDocumentError } from './errors.ts';
export type { UnreadableReason } from './errors.ts';
export type { Charset } from './ctc.ts';
export type { Point, Quad, RotatedRect } from './geometry.ts';
export type { DetectedLines, PendingLine } from './ocr-engine.ts';
export { DEFAULT_SQUEEZE } from './ocr-engine.ts';
export { inkProfile, splitWords, widestGap } from './word-gaps.ts';
export type { InkProfile, LineWord, WordGapOptions } from './word-gaps.ts';
export type { DecodedChar } from './ctc.ts';
export { sharedOcrEngine } from './ocr-engine.ts';
