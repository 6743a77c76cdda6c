// Applicant data for the sample tenants' journeys, and the test implementation of the
// document_verification automated state (the OCR-backed implementation is configured by
// tenant services; this one decides from the applicant id so tests can steer it).
import type { AutomationInput, JsonRecord } from '@metis/activities/journeys';
import { verhoeffCheckDigit } from '@metis/fsm';
import type { JsonObject } from '@metis/fsm';

/** Metadata of a good scan. */
export function scan(overrides: JsonObject = {}): JsonObject {
  return { document_id: `doc-${crypto.randomUUID().slice(0, 8)}`, mime_type: 'image/jpeg', bytes: 350_000, width: 1600, height: 1000, blur_score: 0.1, brightness_score: 0.55, ...overrides };
}

/** A valid Aadhaar number. */
export const AADHAAR = `23456789012${verhoeffCheckDigit('23456789012')}`;

/** When the steps happen, for age rules. */
export const AS_OF = '2026-01-15';

/** Verify documents unless the applicant id says `unverified` (retryable) or `fraud` (not); sleep when asked. */
export async function verifyDocumentsForTests(input: AutomationInput): Promise<JsonRecord> {
  const slow = /slow-(\d+)/.exec(input.applicantId);
  if (slow) await new Promise((resolve) => setTimeout(resolve, Number(slow[1])));
  const fraud = input.applicantId.includes('fraud');
  const verified = !fraud && !input.applicantId.includes('unverified');
  return { verified, retryable: !verified && !fraud, checked_fields: Object.keys(input.data).sort() };
}
