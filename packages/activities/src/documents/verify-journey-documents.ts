import type { AutomationInput, JsonRecord } from '../journeys/journey-activities.ts';
import { noopMetrics } from '../metrics/metrics.ts';
import { needingNativeModules } from '../native-modules.ts';
import { toActivityFailure } from './intelligence/activity-support.ts';
import { createDocumentVerifier, RESUBMIT_REASONS } from './document-verifier.ts';
import type { DocumentOutcome, DocumentVerificationDeps } from './document-verifier.ts';
import { DEFAULT_NAME_THRESHOLD, summariseChecks } from './verification/index.ts';
import { verificationParams } from './verification-params.ts';

/** What `metis.verify_documents` receives: the automated state's input and its params from the config. */
export interface VerifyJourneyDocumentsInput extends AutomationInput {
  /** The state's `automation.params`: `documents`, `fields`, `name_threshold` (see `verificationParams`). */
  readonly params: JsonRecord;
}

/** The built-in document verification, as workflows see it (run it on the `ai` pool). */
export interface DocumentVerificationActivities {
  /** Read each submitted document, cross-check it with what the applicant typed and return the verification report. */
  verifyJourneyDocuments(input: VerifyJourneyDocumentsInput): Promise<JsonRecord>;
}

/** Create the built-in `metis.verify_documents` automation. */
export function createDocumentVerificationActivities(deps: DocumentVerificationDeps): DocumentVerificationActivities {
  const metrics = deps.metrics ?? noopMetrics;
  const verifier = createDocumentVerifier(deps);
  return needingNativeModules(
    {
      async verifyJourneyDocuments(input) {
        const t0 = performance.now();
        try {
          const params = verificationParams(input.params, input.data);
          const nameThreshold = params.nameThreshold ?? DEFAULT_NAME_THRESHOLD;
          const outcomes: DocumentOutcome[] = [];
          // One document at a time: the OCR engine is shared by the pool's slots already.
          for (const doc of params.documents) {
            const outcome = await verifier.verify(input.tenantId, doc, params.typed, nameThreshold);
            await verifier.record(input.tenantId, outcome);
            outcomes.push(outcome);
          }
          // A document that verifies supersedes failed ones submitted for the same type (an
          // additional document replacing an unreadable card).
          // Only image problems are superseded: a data mismatch (PAN, name, date of birth, Aadhaar
          // digits) stays in the report whatever else was submitted, and goes to a person.
          const verifiedSlots = new Set(outcomes.filter((o) => o.checks.every((c) => c.passed)).map((o) => o.slot));
          const superseded = outcomes.filter((o) => verifiedSlots.has(o.slot) && o.checks.some((c) => !c.passed) && o.checks.every((c) => c.passed || RESUBMIT_REASONS.has(c.reason)));
          const checks = outcomes.filter((o) => !superseded.includes(o)).flatMap((o) => o.checks);
          const noDocuments = params.documents.length === 0;
          const report = summariseChecks(checks);
          const verified = !noDocuments && report.verified;
          const failed = checks.filter((c) => !c.passed);
          metrics.count('metis_document_verifications_total', 1, { tenant: input.tenantId, outcome: verified ? 'verified' : 'failed' });
          metrics.observe('metis_document_verification_seconds', (performance.now() - t0) / 1000, { tenant: input.tenantId });
          return {
            verified,
            // Resubmitting helps when every failure is about the image, not about the applicant's data.
            retryable: noDocuments || (failed.length > 0 && failed.every((c) => RESUBMIT_REASONS.has(c.reason))),
            issues: noDocuments ? ['no document was submitted'] : failed.map((c) => c.message),
            failed: [...report.failed],
            documents: outcomes.map((o) => ({ field: o.field, document_id: o.documentId, type: o.type, confidence: o.confidence, verified: o.checks.every((c) => c.passed), superseded: superseded.includes(o) })),
            checks: checks.map((c) => ({ ...c })),
            name_threshold: nameThreshold,
          };
        } catch (error) {
          throw toActivityFailure(error);
        }
      },
    },
    [...verifier.natives],
  );
}
