// Cross-checks of what OCR read from a KYC document against what the applicant typed. Pure: the
// caller fetches and reads the document. Every value shown in a check is masked.
//
// Rules shared by every check:
// - a typed value that is missing (or blank) skips the checks that need it: no check is produced;
// - a field the check needs that OCR did not read (absent or empty) fails with reason `not_read`
//   and confidence 0; the Aadhaar date of birth is the exception (old cards print only a year of
//   birth, some none): it is checked only when both sides are present;
// - `confidence` is the OCR confidence of the field read.

import { maskAadhaar } from '../intelligence/extract-cards.ts';
import type { DocumentType, ExtractedField } from '../intelligence/types.ts';
import { lastFour, maskDate, maskName, maskPan } from './mask.ts';
import { DEFAULT_NAME_THRESHOLD, matchNames } from './name-match.ts';
import { verhoeffValid } from './verhoeff.ts';

/** What a verification check compares. */
export type CheckName =
  | 'document_type'
  | 'pan_number'
  | 'name'
  | 'date_of_birth'
  | 'aadhaar_last_four'
  | 'aadhaar_checksum'
  | 'account_holder'
  | 'ifsc_format'
  | 'readable';

/** The outcome of one check of one document. */
export interface VerificationCheck {
  /** The journey field the document was submitted in, e.g. `pan_image`. */
  readonly document: string;
  readonly check: CheckName;
  readonly passed: boolean;
  /** Stable snake_case code, e.g. `match`, `pan_mismatch`, `name_below_threshold`, `not_read`. */
  readonly reason: string;
  /** One sentence for people, without unmasked personal data. */
  readonly message: string;
  /** The typed value, masked. */
  readonly typed?: string;
  /** The value read, masked. */
  readonly read?: string;
  /** Name match score in [0, 1] (name checks only). */
  readonly score?: number;
  /** OCR confidence of the field read (0 when not read). */
  readonly confidence: number;
}

/** What the applicant typed, in the form the journey keeps it. */
export interface TypedApplicant {
  readonly name?: string;
  /** `YYYY-MM-DD`. */
  readonly dateOfBirth?: string;
  readonly pan?: string;
  /** The full 12-digit number, spaces or hyphens allowed. */
  readonly aadhaarNumber?: string;
}

/** Tuning of the cross-checks. */
export interface CrossCheckOptions {
  /** Name score from which names match, in [0, 1]; `DEFAULT_NAME_THRESHOLD` when absent. */
  readonly nameThreshold?: number;
}

/** Fields read from one document, by journey field name. */
export type ReadFields = Readonly<Record<string, ExtractedField>>;

const DOCUMENT_LABELS: Readonly<Record<string, string>> = {
  pan: 'a PAN card',
  aadhaar: 'an Aadhaar card',
  bank_statement: 'a bank statement',
};
const IFSC = /^[A-Z]{4}0[A-Z0-9]{6}$/;
const YEAR = /^\d{4}$/;

function present(value: string | undefined): value is string {
  return value !== undefined && value.trim().length > 0;
}

/** The field read, or undefined when OCR found nothing. */
function readField(read: ReadFields, name: string): ExtractedField | undefined {
  const field = read[name];
  return field && field.value.trim().length > 0 ? field : undefined;
}

function threshold(options: CrossCheckOptions | undefined): number {
  const t = options?.nameThreshold ?? DEFAULT_NAME_THRESHOLD;
  if (!Number.isFinite(t) || t < 0 || t > 1) throw new RangeError(`nameThreshold must be a number in [0, 1], got ${t}.`);
  return t;
}

function notRead(document: string, check: CheckName, what: string, typed?: string): VerificationCheck {
  return {
    document,
    check,
    passed: false,
    reason: 'not_read',
    message: `The ${what} could not be read from the document.`,
    ...(typed === undefined ? {} : { typed }),
    confidence: 0,
  };
}

function nameCheck(document: string, check: 'name' | 'account_holder', typedName: string, field: ExtractedField | undefined, t: number): VerificationCheck {
  const what = check === 'name' ? 'name' : 'account holder name';
  if (!field) return notRead(document, check, what, maskName(typedName));
  const { score, method } = matchNames(typedName, field.value);
  const passed = score >= t;
  return {
    document,
    check,
    passed,
    reason: passed ? 'match' : 'name_below_threshold',
    message: passed
      ? `The ${what} on the document matches the name entered (score ${score}, ${method}).`
      : `The ${what} on the document does not match the name entered closely enough (score ${score} below ${t}).`,
    typed: maskName(typedName),
    read: maskName(field.value),
    score,
    confidence: field.confidence,
  };
}

function dateCheck(document: string, typedDate: string, field: ExtractedField): VerificationCheck {
  const typed = typedDate.trim();
  const value = field.value.trim();
  const yearOnly = YEAR.test(value);
  const passed = yearOnly ? typed.slice(0, 4) === value : typed === value;
  const reason = !passed ? 'dob_mismatch' : yearOnly ? 'year_of_birth_match' : 'match';
  const message = !passed
    ? 'The date of birth on the document differs from the one entered.'
    : yearOnly
      ? 'The year of birth on the document matches the date of birth entered (the document shows no full date).'
      : 'The date of birth on the document matches the one entered.';
  return { document, check: 'date_of_birth', passed, reason, message, typed: maskDate(typed), read: yearOnly ? value : maskDate(value), confidence: field.confidence };
}

function differingCharacters(a: string, b: string): number {
  let n = Math.abs(a.length - b.length);
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) n++;
  return n;
}

/** Check a PAN card: the PAN exactly, the name tolerantly, the date of birth exactly. */
export function crossCheckPan(document: string, typed: TypedApplicant, read: ReadFields, options?: CrossCheckOptions): VerificationCheck[] {
  const t = threshold(options);
  const checks: VerificationCheck[] = [];
  if (present(typed.pan)) {
    const typedPan = typed.pan.trim().toUpperCase();
    const field = readField(read, 'pan');
    if (!field) checks.push(notRead(document, 'pan_number', 'PAN', maskPan(typedPan)));
    else {
      const readPan = field.value.trim().toUpperCase();
      const passed = readPan === typedPan;
      const differ = differingCharacters(typedPan, readPan);
      checks.push({
        document,
        check: 'pan_number',
        passed,
        reason: passed ? 'match' : 'pan_mismatch',
        message: passed
          ? 'The PAN on the document matches the PAN entered.'
          : `The PAN on the document differs from the PAN entered in ${differ} character${differ === 1 ? '' : 's'}.`,
        typed: maskPan(typedPan),
        read: maskPan(readPan),
        confidence: field.confidence,
      });
    }
  }
  if (present(typed.name)) checks.push(nameCheck(document, 'name', typed.name, readField(read, 'name'), t));
  if (present(typed.dateOfBirth)) {
    const field = readField(read, 'date_of_birth');
    checks.push(field ? dateCheck(document, typed.dateOfBirth, field) : notRead(document, 'date_of_birth', 'date of birth', maskDate(typed.dateOfBirth)));
  }
  return checks;
}

function aadhaarChecksumCheck(document: string, typedDigits: string | undefined, field: ExtractedField | undefined): VerificationCheck {
  const typed = typedDigits === undefined ? {} : { typed: maskAadhaar(lastFour(typedDigits)) };
  const read = field ? { read: maskAadhaar(lastFour(field.value)) } : {};
  if (typedDigits !== undefined && !(typedDigits.length === 12 && verhoeffValid(typedDigits))) {
    return {
      document,
      check: 'aadhaar_checksum',
      passed: false,
      reason: 'typed_checksum_invalid',
      message: 'The Aadhaar number entered is not a valid 12-digit number: its checksum fails.',
      ...typed,
      ...read,
      confidence: field?.confidence ?? 0,
    };
  }
  if (!field) return notRead(document, 'aadhaar_checksum', 'Aadhaar number', typed.typed);
  return {
    document,
    check: 'aadhaar_checksum',
    passed: field.valid,
    reason: field.valid ? 'checksum_valid' : 'read_checksum_invalid',
    message: field.valid
      ? 'The Aadhaar number read from the document passes its format and checksum rules.'
      : 'The Aadhaar number read from the document fails its format or checksum rule: it may be misread or not genuine.',
    ...typed,
    ...read,
    confidence: field.confidence,
  };
}

/** Check an Aadhaar card: the last four digits, the checksums, the name tolerantly, the date of birth when both sides have one. */
export function crossCheckAadhaar(document: string, typed: TypedApplicant, read: ReadFields, options?: CrossCheckOptions): VerificationCheck[] {
  const t = threshold(options);
  const checks: VerificationCheck[] = [];
  const typedDigits = present(typed.aadhaarNumber) ? typed.aadhaarNumber.replace(/[\s-]/g, '') : undefined;
  const numberField = readField(read, 'aadhaar_number');
  if (typedDigits !== undefined) {
    const typedFour = lastFour(typedDigits);
    const readFour = numberField ? lastFour(numberField.value) : '';
    if (!numberField || readFour.length !== 4) checks.push(notRead(document, 'aadhaar_last_four', 'Aadhaar number', maskAadhaar(typedFour)));
    else {
      const passed = typedFour === readFour;
      checks.push({
        document,
        check: 'aadhaar_last_four',
        passed,
        reason: passed ? 'match' : 'aadhaar_last_four_mismatch',
        message: passed
          ? 'The last four digits of the Aadhaar number on the document match the number entered.'
          : 'The last four digits of the Aadhaar number on the document differ from the number entered.',
        typed: maskAadhaar(typedFour),
        read: maskAadhaar(readFour),
        confidence: numberField.confidence,
      });
    }
  }
  checks.push(aadhaarChecksumCheck(document, typedDigits, numberField));
  if (present(typed.name)) checks.push(nameCheck(document, 'name', typed.name, readField(read, 'name'), t));
  const dobField = readField(read, 'date_of_birth');
  if (present(typed.dateOfBirth) && dobField) checks.push(dateCheck(document, typed.dateOfBirth, dobField));
  return checks;
}

/** Check a bank statement: the account holder against the typed name tolerantly, and the IFSC's format. */
export function crossCheckBankStatement(document: string, typed: TypedApplicant, read: ReadFields, options?: CrossCheckOptions): VerificationCheck[] {
  const t = threshold(options);
  const checks: VerificationCheck[] = [];
  if (present(typed.name)) checks.push(nameCheck(document, 'account_holder', typed.name, readField(read, 'account_holder'), t));
  const ifsc = readField(read, 'ifsc');
  if (!ifsc) checks.push(notRead(document, 'ifsc_format', 'IFSC'));
  else {
    const code = ifsc.value.trim().toUpperCase();
    const passed = IFSC.test(code);
    checks.push({
      document,
      check: 'ifsc_format',
      passed,
      reason: passed ? 'match' : 'ifsc_invalid',
      message: passed
        ? 'The IFSC on the statement has the bank-branch format (4 letters, 0, 6 letters or digits).'
        : 'The IFSC on the statement is not 4 letters, a 0 and 6 letters or digits.',
      read: code,
      confidence: ifsc.confidence,
    });
  }
  return checks;
}

/** Check that a document is of the type its journey field expects (`read` is the type found, `unknown` included). */
export function documentTypeCheck(document: string, expected: DocumentType, found: string, confidence: number): VerificationCheck {
  const passed = found === expected;
  const expectedLabel = DOCUMENT_LABELS[expected] ?? expected;
  const foundLabel = DOCUMENT_LABELS[found];
  return {
    document,
    check: 'document_type',
    passed,
    reason: passed ? 'match' : 'wrong_document_type',
    message: passed
      ? `The document is ${expectedLabel}, as expected.`
      : foundLabel
        ? `Expected ${expectedLabel} but the document is ${foundLabel}.`
        : `Expected ${expectedLabel} but the document could not be recognised.`,
    read: found,
    confidence,
  };
}

/** Whether every check passed, with the names of those that failed. */
export interface VerificationReport {
  /** True when there is at least one check and every check passed. */
  readonly verified: boolean;
  readonly checks: readonly VerificationCheck[];
  /** Names of the failed checks, each once, in order of first failure. */
  readonly failed: readonly CheckName[];
}

/** Summarise checks into a report: verified when there are checks and all passed. */
export function summariseChecks(checks: readonly VerificationCheck[]): VerificationReport {
  const failed = [...new Set(checks.filter((c) => !c.passed).map((c) => c.check))];
  return { verified: checks.length > 0 && failed.length === 0, checks: [...checks], failed };
}
