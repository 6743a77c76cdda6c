import { sql } from 'kysely';
import { appendEvent } from '../events/outbox.ts';
import type { OutboxEventType } from '../events/outbox.ts';
import type { NativeModuleName } from '../native-modules.ts';
import { UnreadableDocumentError } from '../ocr/errors.ts';
import { withTenant } from '../storage/db/with-tenant.ts';
import { assertTenantKey } from '../storage/objects/object-keys.ts';
import { ObjectNotFoundError } from '../errors.ts';
import { heartbeatIfActivity } from './intelligence/activity-support.ts';
import { analyzeDocument } from './intelligence/analyze.ts';
import type { DocumentIntelligenceDeps } from './intelligence/document-intelligence-activities.ts';
import { ocrEngineOf, ocrNativeModules } from './intelligence/ocr-source.ts';
import { LowQualityDocumentError } from './intelligence/errors.ts';
import type { DocumentAnalysis, DocumentType } from './intelligence/types.ts';
import { crossCheckAadhaar, crossCheckBankStatement, crossCheckPan, documentTypeCheck } from './verification/index.ts';
import type { TypedApplicant, VerificationCheck } from './verification/index.ts';
import type { DocumentToVerify } from './verification-params.ts';

/** Dependencies of the built-in document verification: those of the document intelligence activities, less the validation rules. */
export type DocumentVerificationDeps = Omit<DocumentIntelligenceDeps, 'validationRegistry'>;

/** Outbox events of a verified document, by type: read and matching, or not. */
const DOCUMENT_EVENTS: Readonly<Record<DocumentType, readonly [OutboxEventType, OutboxEventType]>> = {
  pan: ['PAN_OCR_PROCESSED', 'PAN_VERIFICATION_FAILED'],
  aadhaar: ['AADHAR_OCR_PROCESSED', 'AADHAR_VERIFICATION_FAILED'],
  bank_statement: ['BANK_STATEMENT_PROCESSED', 'BANK_STATEMENT_VERIFICATION_FAILED'],
};

/** Reasons an applicant fixes by submitting another document (the rest need a person). */
export const RESUBMIT_REASONS: ReadonlySet<string> = new Set(['not_read', 'unreadable', 'low_quality', 'wrong_document_type', 'document_missing']);

/** What reading and cross-checking one document found. */
export interface DocumentOutcome {
  readonly field: string;
  /** The type the field was for (the found type when it accepts any). */
  readonly slot: string;
  readonly documentId: string;
  readonly type: string;
  readonly confidence: number;
  readonly checks: readonly VerificationCheck[];
}

function readableCheck(field: string, reason: string, message: string): VerificationCheck {
  return { document: field, check: 'readable', passed: false, reason, message, confidence: 0 };
}

/** What the applicant must have typed for a document of each type to be compared with anything. */
const MUST_TYPE: Readonly<Record<DocumentType, readonly (readonly [keyof TypedApplicant, VerificationCheck['check']])[]>> = {
  pan: [['pan', 'pan_number'], ['name', 'name']],
  aadhaar: [['aadhaarNumber', 'aadhaar_last_four'], ['name', 'name']],
  bank_statement: [['name', 'account_holder']],
};

/** Fail, rather than skip, the checks a document cannot pass because the journey holds nothing typed to compare (a config naming other fields). */
function untyped(field: string, type: DocumentType, typed: TypedApplicant): VerificationCheck[] {
  return MUST_TYPE[type]
    .filter(([key]) => typed[key] === undefined)
    .map(([key, check]) => ({ document: field, check, passed: false, reason: 'not_typed', message: `Nothing the applicant typed to compare the ${field} with (${key}): map it with the automation's fields param.`, confidence: 0 }));
}

function crossCheck(doc: DocumentToVerify, type: DocumentType, typed: TypedApplicant, analysis: DocumentAnalysis, nameThreshold: number): VerificationCheck[] {
  const options = { nameThreshold };
  switch (type) {
    case 'pan':
      return crossCheckPan(doc.field, typed, analysis.fields, options);
    case 'aadhaar':
      return crossCheckAadhaar(doc.field, typed, analysis.fields, options);
    case 'bank_statement':
      return crossCheckBankStatement(doc.field, typed, analysis.fields, options);
  }
}

/** Reads documents and cross-checks them; shared by the journey automation and the loan's document check. */
export interface DocumentVerifier {
  /** Read one document and cross-check it with what the applicant typed (never throws for the applicant's mistakes). */
  verify(tenantId: string, doc: DocumentToVerify, typed: TypedApplicant, nameThreshold: number): Promise<DocumentOutcome>;
  /** Report whether a document is recorded for the tenant with some content. */
  exists(tenantId: string, documentId: string): Promise<boolean>;
  /** Store a document's verification summary and emit its event. */
  record(tenantId: string, outcome: DocumentOutcome): Promise<void>;
  /** Native modules the verifier loads. */
  readonly natives: readonly NativeModuleName[];
}

/** Create a document verifier over the store, the database and the OCR engine. */
export function createDocumentVerifier(deps: DocumentVerificationDeps): DocumentVerifier {
  const getEngine = ocrEngineOf(deps);

  const locate = (tenantId: string, documentId: string) =>
    withTenant(deps.db, tenantId, (trx) => trx.selectFrom('documents').select(['object_key', 'size_bytes']).where('tenant_id', '=', tenantId).where('document_id', '=', documentId).executeTakeFirst());

  const verify = async (tenantId: string, doc: DocumentToVerify, typed: TypedApplicant, nameThreshold: number): Promise<DocumentOutcome> => {
    const base = { field: doc.field, documentId: doc.documentId, slot: doc.expectedType ?? 'any' };
    if (doc.documentId === '') return { ...base, type: 'unknown', confidence: 0, checks: [readableCheck(doc.field, 'document_missing', `Nothing was submitted for ${doc.field}.`)] };
    const row = await locate(tenantId, doc.documentId);
    if (!row) return { ...base, type: 'unknown', confidence: 0, checks: [readableCheck(doc.field, 'document_missing', `No stored document ${doc.documentId} for ${doc.field}: upload it again.`)] };
    assertTenantKey(tenantId, row.object_key);
    heartbeatIfActivity({ stage: 'download', field: doc.field });
    let bytes: Uint8Array;
    try {
      bytes = await deps.objects.get(row.object_key);
    } catch (error) {
      // Recorded but gone from the store: the applicant uploads it again (a store that is down is retried).
      if (error instanceof ObjectNotFoundError) return { ...base, type: 'unknown', confidence: 0, checks: [readableCheck(doc.field, 'document_missing', `The ${doc.field} file is no longer stored: upload it again.`)] };
      throw error;
    }
    let analysis: DocumentAnalysis;
    try {
      analysis = await analyzeDocument(await getEngine(), bytes, { onProgress: (stage) => heartbeatIfActivity({ stage, field: doc.field }) });
    } catch (error) {
      if (error instanceof LowQualityDocumentError) return { ...base, type: 'unknown', confidence: 0, checks: [readableCheck(doc.field, 'low_quality', `The ${doc.field} image cannot be read: ${error.violations.map((v) => v.message).join(' ')}`)] };
      if (error instanceof UnreadableDocumentError) return { ...base, type: 'unknown', confidence: 0, checks: [readableCheck(doc.field, 'unreadable', `The ${doc.field} image cannot be read (${error.reason}).`)] };
      throw error;
    }
    const found = analysis.classification.type;
    const expected = doc.expectedType ?? (found === 'unknown' ? undefined : found);
    if (!expected) return { ...base, type: found, confidence: analysis.classification.confidence, checks: [readableCheck(doc.field, 'wrong_document_type', `The ${doc.field} is not a PAN card, Aadhaar card or bank statement.`)] };
    const typeCheck = documentTypeCheck(doc.field, expected, found, analysis.classification.confidence);
    const checks = typeCheck.passed ? [typeCheck, ...crossCheck(doc, expected, typed, analysis, nameThreshold), ...untyped(doc.field, expected, typed)] : [typeCheck];
    return { ...base, slot: expected, type: found, confidence: analysis.classification.confidence, checks };
  };

  const record = async (tenantId: string, outcome: DocumentOutcome): Promise<void> => {
    if (outcome.documentId === '') return;
    const passed = outcome.checks.every((c) => c.passed);
    // Events follow what the field was for (a PAN field holding an Aadhaar card fails as a PAN), else what was found.
    const slot = (outcome.slot === 'any' ? outcome.type : outcome.slot) as DocumentType | 'unknown';
    const events = slot === 'unknown' ? undefined : DOCUMENT_EVENTS[slot];
    const summary = { field: outcome.field, type: outcome.type, verified: passed, checks: outcome.checks.map((c) => ({ check: c.check, passed: c.passed, reason: c.reason })) };
    await withTenant(deps.db, tenantId, async (trx) => {
      await trx
        .updateTable('documents')
        .set({ status: passed ? 'verified' : 'needs_review', metadata: sql`metadata || ${JSON.stringify({ verification: summary })}::jsonb` })
        .where('tenant_id', '=', tenantId)
        .where('document_id', '=', outcome.documentId)
        .execute();
      if (!events) return;
      const eventType = passed ? events[0] : events[1];
      await appendEvent(trx, tenantId, {
        type: eventType,
        aggregateType: 'document',
        aggregateId: outcome.documentId,
        payload: { documentId: outcome.documentId, ...summary },
        // The same document with the same outcome is one event; a changed outcome (a retried read) is another.
        idempotencyKey: `document:${outcome.documentId}:verification:${eventType.toLowerCase()}:${summary.checks.map((c) => `${c.check}=${c.passed ? 1 : 0}`).join(',')}`,
      });
    });
  };

  const exists = async (tenantId: string, documentId: string): Promise<boolean> => {
    const row = await locate(tenantId, documentId);
    return row !== undefined && Number(row.size_bytes) > 0;
  };
  return { verify, exists, record, natives: ocrNativeModules(deps) };
}
