import type { DocumentCheck, LoanApplication } from '../loans/loan-types.ts';
import { createDocumentVerifier } from './document-verifier.ts';
import type { DocumentVerificationDeps } from './document-verifier.ts';
import type { DocumentType } from './intelligence/types.ts';
import { DEFAULT_NAME_THRESHOLD } from './verification/index.ts';

/** Document types Metis reads, by the storage kind a document was uploaded as. */
const READ_KINDS: Readonly<Record<string, DocumentType>> = { pan: 'pan', aadhar: 'aadhaar', 'bank-statements': 'bank_statement' };

/** Options of the loan's built-in document check. */
export interface LoanDocumentCheckOptions {
  /** Name score a document's holder must reach (default 0.85). */
  readonly nameThreshold?: number;
}

/**
 * Create the loan's built-in document check: every attached PAN card, Aadhaar card and bank
 * statement is read by OCR and cross-checked with the applicant (name, PAN, date of birth); other
 * documents (salary slips, photos) must exist in the tenant's store. A loan without documents is
 * not verified.
 */
export function createLoanDocumentCheck(deps: DocumentVerificationDeps, options: LoanDocumentCheckOptions = {}): (input: { tenantId: string; application: LoanApplication }) => Promise<DocumentCheck> {
  const verifier = createDocumentVerifier(deps);
  const threshold = options.nameThreshold ?? DEFAULT_NAME_THRESHOLD;
  return async ({ tenantId, application }) => {
    const documents = application.documents ?? [];
    if (documents.length === 0) return { verified: false, issues: ['no documents attached'] };
    const { applicant } = application;
    const typed = { name: applicant.name, pan: applicant.pan, dateOfBirth: applicant.dateOfBirth };
    const issues: string[] = [];
    for (const doc of documents) {
      const expectedType = READ_KINDS[doc.kind];
      if (!expectedType) {
        if (!(await verifier.exists(tenantId, doc.documentId))) issues.push(`document ${doc.documentId} (${doc.kind}) is not in the store`);
        continue;
      }
      const outcome = await verifier.verify(tenantId, { field: doc.kind, documentId: doc.documentId, expectedType }, typed, threshold);
      await verifier.record(tenantId, outcome);
      issues.push(...outcome.checks.filter((c) => !c.passed).map((c) => c.message));
    }
    return { verified: issues.length === 0, issues };
  };
}
