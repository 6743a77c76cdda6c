import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { dbPostprocess } from './db-postprocess.ts';
import type { DbOptions } from './db-postprocess.ts';
import { rectCorners, rectFromCorners } from './geometry.ts';
import type { Point, RotatedRect } from './geometry.ts';
import { resizeRgb } from './image-input.ts';
import type { RgbImage } from './image-input.ts';

/** Options of text detection. */
export interface DetectionOptions extends DbOptions {
  /** Longest side of the detector's input; the image is scaled down to it (default 960). */
  readonly maxSide?: number;
}

/** A detected text region in image coordinates. */
export interface TextRegion {
  readonly rect: RotatedRect;
  readonly score: number;
}

// ImageNet statistics PP-OCR detection was trained with, in the BGR channel order it reads.
const MEAN = [0.485, 0.456, 0.406] as const;
const STD = [0.229, 0.224, 0.225] as const;

/** Find text regions with a DB detection model. */
export async function detectText(session: InferenceSession, TensorType: typeof Tensor, image: RgbImage, options: DetectionOptions = {}): Promise<TextRegion[]> {
  const maxSide = options.maxSide ?? 960;
  const scale = Math.min(1, maxSide / Math.max(image.width, image.height));
  const dw = Math.max(32, Math.round((image.width * scale) / 32) * 32);
  const dh = Math.max(32, Math.round((image.height * scale) / 32) * 32);
  const small = await resizeRgb(image, dw, dh);
  const plane = dw * dh;
  const input = new Float32Array(3 * plane);
  const d = small.data;
  for (let i = 0, p = 0; i < plane; i++, p += 3) {
    input[i] = ((d[p + 2] ?? 0) / 255 - MEAN[0]) / STD[0];
    input[i + plane] = ((d[p + 1] ?? 0) / 255 - MEAN[1]) / STD[1];
    input[i + 2 * plane] = ((d[p] ?? 0) / 255 - MEAN[2]) / STD[2];
  }
  const name = session.inputNames[0] ?? 'x';
  const out = await session.run({ [name]: new TensorType('float32', input, [1, 3, dh, dw]) });
  const prob = out[session.outputNames[0] ?? '']?.data;
  if (!(prob instanceof Float32Array)) throw new Error('the detection model returned no probability map');
  const sx = image.width / dw;
  const sy = image.height / dh;
  return dbPostprocess(prob, dw, dh, options).map((region) => {
    const [a, b, c, e] = rectCorners(region.rect);
    const scaled = (p: Point): Point => ({ x: p.x * sx, y: p.y * sy });
    return { rect: rectFromCorners([scaled(a), scaled(b), scaled(c), scaled(e)]), score: region.score };
  });
}
