import { MetisError } from '../errors.ts';

/** Why a document's bytes could not be read as an image. */
export type UnreadableReason = 'empty' | 'not_an_image' | 'unsupported_format' | 'truncated' | 'corrupt' | 'too_large' | 'too_many_pixels' | 'no_text';

const HINTS: Readonly<Record<UnreadableReason, string>> = {
  empty: 'Upload the file again: it arrived with no bytes',
  not_an_image: 'Upload a photo or scan as JPEG, PNG, WebP or TIFF',
  unsupported_format: 'Upload a photo or scan as JPEG, PNG, WebP or TIFF',
  truncated: 'Upload the file again: it was cut off before its end',
  corrupt: 'Upload the file again or take a new photo',
  too_large: 'Upload a smaller file',
  too_many_pixels: 'Upload a photo of at most 40 megapixels',
  no_text: 'Take a new photo with the whole document in view, in focus and well lit',
};

/** A document whose bytes cannot be decoded, are out of bounds, or show no text. */
export class UnreadableDocumentError extends MetisError {
  /** Why, as a stable word. */
  readonly reason: UnreadableReason;

  constructor(reason: UnreadableReason, detail: string, options?: { cause?: unknown }) {
    super('DOCUMENT_UNREADABLE', `document unreadable (${reason}): ${detail}`, { hint: HINTS[reason], ...(options?.cause === undefined ? {} : { cause: options.cause }) });
    this.reason = reason;
  }
}
