// @metis/activities/documents: document intake records, classification, field extraction and checks (OCR loaded on first use).
export { createDocumentActivities } from './document-activities.ts';
export type { DocumentActivities, DocumentActivityDeps, RecordDocumentInput, RecordedDocument } from './document-activities.ts';
export { analyzeDocument, DETECTION_SIZES } from './intelligence/analyze.ts';
export type { AnalyzeOptions } from './intelligence/analyze.ts';
export { classifyDocument } from './intelligence/classify.ts';
export { DOCUMENT_TYPES, DOCUMENT_FIELDS } from './intelligence/types.ts';
export type { Classification, ClassifiedType, DocumentAnalysis, DocumentType, ExtractedField, FieldViolation, RawField } from './intelligence/types.ts';
export { WrongDocumentTypeError, LowQualityDocumentError } from './intelligence/errors.ts';
export { FIELD_RULES, validateFields, validateImage } from './intelligence/validate-fields.ts';
export type { ImageRuleParams } from './intelligence/validate-fields.ts';
export { layoutLines, layoutRows } from './intelligence/text-layout.ts';
export type { LayoutLine, LayoutRow } from './intelligence/text-layout.ts';
export { createDocumentIntelligenceActivities } from './intelligence/document-intelligence-activities.ts';
export type {
  ClassifiedDocument,
  ClassifyDocumentInput,
  DocumentIntelligenceActivities,
  DocumentIntelligenceDeps,
  ProcessDocumentInput,
  ProcessedDocument,
} from './intelligence/document-intelligence-activities.ts';
export { heartbeatIfActivity, isPermanentError, toActivityFailure } from './intelligence/activity-support.ts';
export { extractFieldsFromLines } from './intelligence/external-lines.ts';
export type { ExternalLine } from './intelligence/external-lines.ts';
export { extractFields } from './intelligence/analyze.ts';
export { createDocumentVerificationActivities } from './verify-journey-documents.ts';
export type { DocumentVerificationActivities, VerifyJourneyDocumentsInput } from './verify-journey-documents.ts';
export { createDocumentVerifier, RESUBMIT_REASONS } from './document-verifier.ts';
export type { DocumentOutcome, DocumentVerificationDeps, DocumentVerifier } from './document-verifier.ts';
export { createLoanDocumentCheck } from './loan-document-check.ts';
export type { LoanDocumentCheckOptions } from './loan-document-check.ts';
export * as verification from './verification/index.ts';
export type { CheckName, TypedApplicant, VerificationCheck, VerificationReport } from './verification/index.ts';
export { documentTypeOfField, verificationParams, VerificationParamsError } from './verification-params.ts';
export type { DocumentToVerify, VerificationPlan } from './verification-params.ts';
