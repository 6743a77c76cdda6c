
/** How to rasterise an SVG document into an image file. */
export interface RenderSvgOptions {
  /** Output format; JPEG by default. */
  readonly format?: 'jpeg' | 'png';
  /** JPEG quality, 1-100 (default 85). */
  readonly quality?: number;
  /** Gaussian blur sigma in pixels applied after rasterising; 0 or absent for none. */
  readonly blurSigma?: number;
}

/** Rasterise an SVG (text in the machine's fonts) into JPEG or PNG bytes, optionally blurred. */
export async function renderSvg(svg: string, options: RenderSvgOptions = {}): Promise<Uint8Array> {
  // Loaded here, not at import: a test that only needs the kit's simulators never loads libvips.
  const { default: sharp } = await import('sharp');
  let pipeline = sharp(Buffer.from(svg, 'utf8'), { density: 72 }).flatten({ background: '#ffffff' });
  const sigma = options.blurSigma ?? 0;
  // sharp rejects sigmas below 0.3; anything smaller is invisible anyway.
  if (sigma >= 0.3) pipeline = pipeline.blur(sigma);
  const out =
    options.format === 'png'
      ? await pipeline.png({ compressionLevel: 6 }).toBuffer()
      : await pipeline.jpeg({ quality: Math.min(100, Math.max(1, Math.round(options.quality ?? 85))), chromaSubsampling: '4:2:0' }).toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
