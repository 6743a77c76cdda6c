// Document verification: pure cross-checks of what OCR read from a KYC document against what the applicant typed.
export { DEFAULT_NAME_THRESHOLD, matchNames } from './name-match.ts';
export type { NameMatch, NameMatchMethod } from './name-match.ts';
export { verhoeffValid } from './verhoeff.ts';
export { lastFour, maskAccount, maskDate, maskName, maskPan } from './mask.ts';
export { crossCheckAadhaar, crossCheckBankStatement, crossCheckPan, documentTypeCheck, summariseChecks } from './cross-check.ts';
export type { CheckName, CrossCheckOptions, ReadFields, TypedApplicant, VerificationCheck, VerificationReport } from './cross-check.ts';
