// Multipart bodies: every part read within the size limits, every file sniffed, and anything that
// is not a JPEG or PNG image refused before a byte is stored.
import type { FastifyRequest } from 'fastify';
import { Problem } from './problems.ts';

/** A file read from a multipart body, its type taken from its bytes. */
export interface ReceivedFile {
  /** The part's field name. */
  readonly field: string;
  readonly body: Uint8Array;
  readonly contentType: 'image/jpeg' | 'image/png';
}

/** A multipart body: its text fields and its files. */
export interface MultipartBody {
  readonly fields: Readonly<Record<string, string>>;
  readonly files: readonly ReceivedFile[];
}

/** Tell an image's type from its first bytes, or return undefined for anything else. */
export function sniffImage(bytes: Uint8Array): ReceivedFile['contentType'] | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= png.length && png.every((b, i) => bytes[i] === b)) return 'image/png';
  return undefined;
}

/** Read a whole multipart body; refuse a non-image file (415) or a repeated field (400). */
export async function readMultipart(request: FastifyRequest): Promise<MultipartBody> {
  if (!request.isMultipart()) throw new Problem(415, 'UNSUPPORTED_MEDIA_TYPE', 'send multipart/form-data');
  const fields: Record<string, string> = {};
  const files: ReceivedFile[] = [];
  try {
    await readParts(request, fields, files);
  } catch (error) {
    if (error instanceof Problem) throw error;
    const status = (error as { statusCode?: unknown }).statusCode;
    if (status === 413) throw error;
    throw new Problem(400, 'VALIDATION_FAILED', 'the multipart body is malformed');
  }
  return { fields, files };
}

async function readParts(request: FastifyRequest, fields: Record<string, string>, files: ReceivedFile[]): Promise<void> {
  const seen = new Set<string>();
  for await (const part of request.parts()) {
    if (seen.has(part.fieldname)) throw new Problem(400, 'VALIDATION_FAILED', `the part ${JSON.stringify(part.fieldname)} is sent twice`);
    seen.add(part.fieldname);
    if (part.type === 'field') {
      if (typeof part.value !== 'string') throw new Problem(400, 'VALIDATION_FAILED', `the field ${JSON.stringify(part.fieldname)} is not text`);
      if (part.valueTruncated) throw new Problem(413, 'PAYLOAD_TOO_LARGE', `the field ${JSON.stringify(part.fieldname)} is longer than allowed`);
      fields[part.fieldname] = part.value;
      continue;
    }
    const body = new Uint8Array(await part.toBuffer());
    const contentType = sniffImage(body);
    if (!contentType) {
      throw new Problem(415, 'UNSUPPORTED_MEDIA_TYPE', `the file ${JSON.stringify(part.fieldname)} is not a JPEG or PNG image`, {
        fieldErrors: [{ field: part.fieldname, code: 'NOT_AN_IMAGE', message: 'only JPEG and PNG images are accepted' }],
      });
    }
    files.push({ field: part.fieldname, body, contentType });
  }
}
