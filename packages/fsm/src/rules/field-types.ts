import * as z from 'zod';
import type { JsonValue } from '../json.ts';
import { isPlainObject } from '../json.ts';
import { doc } from '../schema-registry.ts';
import type { DocumentMetadata, FieldType } from './types.ts';

/** Every declarable field type. */
export const FIELD_TYPES = ['string', 'number', 'integer', 'boolean', 'date', 'email', 'phone', 'document', 'object', 'array'] as const satisfies readonly FieldType[];

const unit = (what: string): z.ZodNumber => doc(z.number().min(0).max(1), what);

/** Validate document metadata (extra keys from the OCR activity are kept). */
export const documentMetadataSchema: z.ZodType<DocumentMetadata> = doc(
  z.looseObject({
    document_id: z.string().optional(),
    mime_type: z.string().optional(),
    bytes: z.int().min(0),
    width: z.int().positive().optional(),
    height: z.int().positive().optional(),
    blur_score: unit('0 is sharp, 1 fully blurred.').optional(),
    brightness_score: unit('0 is black, 1 white.').optional(),
  }),
  'Metadata of an uploaded document: size in bytes, pixel dimensions and the OCR quality scores.',
  { id: 'DocumentMetadata' },
);

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parse a `YYYY-MM-DD` calendar date into numbers, or `null` when it is not a real date. */
export function parseIsoDate(text: string): { year: number; month: number; day: number } | null {
  const m = ISO_DATE.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return null;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  return day <= days ? { year, month, day } : null;
}

/** Describe why a value does not have the declared type, or return `null` when it does. */
export function typeProblem(value: JsonValue, type: FieldType): string | null {
  switch (type) {
    case 'string':
    case 'email':
    case 'phone':
      return typeof value === 'string' ? null : 'expected a string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'expected a number';
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value) ? null : 'expected a whole number';
    case 'boolean':
      return typeof value === 'boolean' ? null : 'expected true or false';
    case 'date':
      return typeof value === 'string' && parseIsoDate(value) !== null ? null : 'expected a calendar date as YYYY-MM-DD';
    case 'document':
      return documentMetadataSchema.safeParse(value).success ? null : 'expected document metadata with a whole number of `bytes`';
    case 'object':
      return isPlainObject(value) ? null : 'expected an object';
    case 'array':
      return Array.isArray(value) ? null : 'expected an array';
  }
}

/** Report whether a value counts as absent for a required field (missing, null, blank string or empty array). */
export function isBlank(value: JsonValue | undefined): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '') || (Array.isArray(value) && value.length === 0);
}
