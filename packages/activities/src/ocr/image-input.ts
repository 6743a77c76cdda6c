import type { Metadata } from 'sharp';
import { loadNativeModule } from '../native-modules.ts';
import { UnreadableDocumentError } from './errors.ts';

/** Bounds an input image must respect before it is decoded. */
export interface ImageLimits {
  /** Largest file accepted, in bytes (default 20 MB). */
  readonly maxBytes?: number;
  /** Largest pixel count accepted, read from the header before decoding (default 40 megapixels). */
  readonly maxPixels?: number;
  /** Longest side the pipeline works at; larger images are downscaled after decoding (default 2048). */
  readonly workingMaxSide?: number;
}

/** Defaults of `ImageLimits`. */
export const DEFAULT_IMAGE_LIMITS = { maxBytes: 20_000_000, maxPixels: 40_000_000, workingMaxSide: 2048 } as const;

/** What an image's header says, read without decoding its pixels. */
export interface ImageHeader {
  /** `jpeg`, `png`, `webp` or `tiff`. */
  readonly format: 'jpeg' | 'png' | 'webp' | 'tiff';
  /** MIME type matching the format. */
  readonly mimeType: string;
  /** Width in pixels after EXIF orientation. */
  readonly width: number;
  /** Height in pixels after EXIF orientation. */
  readonly height: number;
  /** File size in bytes. */
  readonly bytes: number;
}

/** Decoded pixels: 8-bit RGB, interleaved, row-major. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

const MIME: Readonly<Record<ImageHeader['format'], string>> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', tiff: 'image/tiff' };

/** Recognise the container from its magic bytes, before any decoder sees it. */
function sniff(b: Uint8Array): ImageHeader['format'] | 'pdf' | undefined {
  const at = (i: number): number => b[i] ?? -1;
  const ascii = (from: number, text: string): boolean => [...text].every((ch, i) => at(from + i) === ch.charCodeAt(0));
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return 'jpeg';
  if (at(0) === 0x89 && ascii(1, 'PNG')) return 'png';
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'webp';
  if ((ascii(0, 'II') && at(2) === 42 && at(3) === 0) || (ascii(0, 'MM') && at(2) === 0 && at(3) === 42)) return 'tiff';
  if (ascii(0, '%PDF')) return 'pdf';
  return undefined;
}

/** Read and check an image's header: format, size and pixel count, throwing `UnreadableDocumentError` early. */
export async function readImageHeader(bytes: Uint8Array, limits: ImageLimits = {}): Promise<ImageHeader> {
  const maxBytes = limits.maxBytes ?? DEFAULT_IMAGE_LIMITS.maxBytes;
  const maxPixels = limits.maxPixels ?? DEFAULT_IMAGE_LIMITS.maxPixels;
  if (bytes.byteLength === 0) throw new UnreadableDocumentError('empty', 'the file has 0 bytes');
  if (bytes.byteLength > maxBytes) throw new UnreadableDocumentError('too_large', `the file has ${bytes.byteLength} bytes, more than ${maxBytes}`);
  const kind = sniff(bytes);
  if (kind === 'pdf') throw new UnreadableDocumentError('unsupported_format', 'PDF documents are not read by the image pipeline');
  if (kind === undefined) throw new UnreadableDocumentError('not_an_image', 'the bytes are not a JPEG, PNG, WebP or TIFF image');
  const sharp = (await loadNativeModule('sharp')).default;
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new UnreadableDocumentError('corrupt', `the ${kind} header cannot be parsed`, { cause: error });
  }
  const swap = (meta.orientation ?? 1) >= 5;
  const width = swap ? meta.height : meta.width;
  const height = swap ? meta.width : meta.height;
  if (!(width > 0 && height > 0)) throw new UnreadableDocumentError('corrupt', `the ${kind} header gives no dimensions`);
  if (width * height > maxPixels) {
    throw new UnreadableDocumentError('too_many_pixels', `the image is ${width}×${height} pixels, more than ${maxPixels}`);
  }
  return { format: kind, mimeType: MIME[kind], width, height, bytes: bytes.byteLength };
}

function explainDecodeError(error: unknown, format: string): UnreadableDocumentError {
  const message = error instanceof Error ? error.message : String(error);
  if (/premature end|truncat|unexpected end|incomplete|not enough data|short read|read error/i.test(message)) {
    return new UnreadableDocumentError('truncated', `the ${format} data ends before the image is complete`, { cause: error });
  }
  return new UnreadableDocumentError('corrupt', `the ${format} data cannot be decoded`, { cause: error });
}

/** Decode an image to RGB at working resolution (EXIF-oriented, alpha flattened onto white), after checking its header. */
export async function decodeImage(bytes: Uint8Array, limits: ImageLimits = {}): Promise<{ header: ImageHeader; image: RgbImage }> {
  const header = await readImageHeader(bytes, limits);
  const maxSide = limits.workingMaxSide ?? DEFAULT_IMAGE_LIMITS.workingMaxSide;
  const maxPixels = limits.maxPixels ?? DEFAULT_IMAGE_LIMITS.maxPixels;
  const sharp = (await loadNativeModule('sharp')).default;
  try {
    let pipeline = sharp(bytes, { failOn: 'truncated', limitInputPixels: maxPixels }).rotate().flatten({ background: '#ffffff' }).toColourspace('srgb');
    if (Math.max(header.width, header.height) > maxSide) pipeline = pipeline.resize(maxSide, maxSide, { fit: 'inside', withoutEnlargement: true });
    const { data, info } = await pipeline.removeAlpha().raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`expected 3 channels, got ${info.channels}`);
    return { header, image: { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) } };
  } catch (error) {
    throw explainDecodeError(error, header.format);
  }
}

/** Resize RGB pixels to exactly `width`×`height` (Lanczos through sharp). */
export async function resizeRgb(image: RgbImage, width: number, height: number): Promise<RgbImage> {
  if (image.width === width && image.height === height) return image;
  const sharp = (await loadNativeModule('sharp')).default;
  const data = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer();
  return { width, height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}
