// Shared test data: fixtures, document metadata and valid identity numbers.
import { readFileSync } from 'node:fs';
import { verhoeffCheckDigit } from '@metis/fsm';
import type { JsonObject } from '@metis/fsm';

/** Read a JSON fixture from test/fixtures. */
export function fixture(path: string): unknown {
  return JSON.parse(readFileSync(new URL(`./fixtures/${path}`, import.meta.url), 'utf8')) as unknown;
}

/** Metadata of a good, well-lit JPEG scan; override any field. */
export function goodDocument(overrides: JsonObject = {}): JsonObject {
  return { document_id: 'doc-1', mime_type: 'image/jpeg', bytes: 350_000, width: 1600, height: 1000, blur_score: 0.1, brightness_score: 0.55, ...overrides };
}

/** Build a valid Aadhaar number from its first 11 digits (the first must be 2–9). */
export function aadhaarFrom(first11: string): string {
  return first11 + verhoeffCheckDigit(first11);
}
