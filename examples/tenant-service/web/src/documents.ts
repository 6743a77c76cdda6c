// Document files in the browser: only JPEG and PNG images (told by their first bytes, as the
// service tells them), and the metadata the journey's rules see for a file before it is uploaded.
import type { JsonObject } from '@metis/fsm';

/** The image types the service accepts. */
export type ImageType = 'image/jpeg' | 'image/png';

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Tell a file's image type from its first bytes, or return undefined when it is not a JPEG or PNG. */
export async function sniffImage(file: Blob): Promise<ImageType | undefined> {
  const bytes = new Uint8Array(await file.slice(0, PNG.length).arrayBuffer());
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= PNG.length && PNG.every((b, i) => bytes[i] === b)) return 'image/png';
  return undefined;
}

/** Id the browser's check gives a document that is not uploaded yet. */
export const PENDING_DOCUMENT_ID = 'pending-upload';

/**
 * Return the metadata a document field holds once the service has stored the file: the service
 * fills `document_id`, `bytes` and `mime_type` from the upload, so the browser checks the step
 * with the same keys (a placeholder id, the file's size and its sniffed type).
 */
export function pendingDocumentMetadata(file: Blob, type: ImageType): JsonObject {
  return { document_id: PENDING_DOCUMENT_ID, bytes: file.size, mime_type: type };
}
