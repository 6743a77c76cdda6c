import { expose, warpPerspective } from './camera.ts';
import type { RawRgb } from './camera.ts';
import type { NoiseSettings } from './scene.ts';

/** How to rasterise an SVG document into an image file. */
export interface RenderSvgOptions {
  /** Output format; JPEG by default. */
  readonly format?: 'jpeg' | 'png';
  /** JPEG quality, 1-100 (default 85). */
  readonly quality?: number;
  /** Gaussian blur sigma in pixels applied after rasterising; 0 or absent for none. */
  readonly blurSigma?: number;
  /** Camera tilt applied to the rasterised scene. */
  readonly perspective?: NoiseSettings['perspective'];
  /** Exposure and sensor noise applied after the blur. */
  readonly exposure?: NoiseSettings['exposure'];
}

/** Rasterise an SVG (text in the machine's fonts) into JPEG or PNG bytes, optionally blurred, tilted and exposed. */
export async function renderSvg(svg: string, options: RenderSvgOptions = {}): Promise<Uint8Array> {
  // Loaded here, not at import: a test that only needs the kit's simulators never loads libvips.
  const { default: sharp } = await import('sharp');
  let pipeline = sharp(Buffer.from(svg, 'utf8'), { density: 72 }).flatten({ background: '#ffffff' });
  const sigma = options.blurSigma ?? 0;
  // sharp rejects sigmas below 0.3; anything smaller is invisible anyway.
  if (sigma >= 0.3) pipeline = pipeline.blur(sigma);
  if (options.perspective || options.exposure) {
    const { data, info } = await pipeline.removeAlpha().raw().toBuffer({ resolveWithObject: true });
    let raw: RawRgb = { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
    if (options.perspective) raw = warpPerspective(raw, options.perspective);
    if (options.exposure) raw = expose(raw, options.exposure);
    pipeline = sharp(Buffer.from(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength), { raw: { width: raw.width, height: raw.height, channels: 3 } });
  }
  const out =
    options.format === 'png'
      ? await pipeline.png({ compressionLevel: 6 }).toBuffer()
      : await pipeline.jpeg({ quality: Math.min(100, Math.max(1, Math.round(options.quality ?? 85))), chromaSubsampling: '4:2:0' }).toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
