import type { DocumentMetadata } from '@metis/fsm';

/** Kinds of document Metis reads. */
export const DOCUMENT_TYPES = ['pan', 'aadhaar', 'bank_statement'] as const;

/** A kind of document Metis reads. */
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/** A classifier verdict: a known type or `unknown`. */
export type ClassifiedType = DocumentType | 'unknown';

/** Fields extracted for each document type, in the journey's snake_case names. */
export const DOCUMENT_FIELDS = {
  pan: ['pan', 'name', 'father_name', 'date_of_birth'],
  aadhaar: ['name', 'date_of_birth', 'gender', 'aadhaar_number'],
  bank_statement: ['account_holder', 'account_number', 'ifsc', 'period_from', 'period_to', 'closing_balance'],
} as const satisfies Record<DocumentType, readonly string[]>;

/** What the classifier decided and why. */
export interface Classification {
  readonly type: ClassifiedType;
  /** Probability of `type`, in [0, 1]. */
  readonly confidence: number;
  /** Probability of every type. */
  readonly probabilities: Readonly<Record<ClassifiedType, number>>;
  /** Evidence found, e.g. `pan:keyword:INCOME TAX DEPARTMENT`. */
  readonly signals: readonly string[];
}

/** A field as read, before validation. */
export interface RawField {
  readonly value: string;
  /** Recognition confidence of the characters it was read from, lowered for every correction. */
  readonly confidence: number;
}

/** One failed validation rule. */
export interface FieldViolation {
  /** Rule name, e.g. `pan_format`. */
  readonly rule: string;
  /** Stable violation code, e.g. `pan_holder_type`. */
  readonly code: string;
  readonly message: string;
}

/** An extracted, validated field. */
export interface ExtractedField {
  /** Value as the journey expects it (dates `YYYY-MM-DD`; the Aadhaar number masked but its last 4 digits). */
  readonly value: string;
  /** Confidence in [0, 1]. */
  readonly confidence: number;
  /** Whether every validation rule passed. */
  readonly valid: boolean;
  readonly violations: readonly FieldViolation[];
}

/** Everything the document pipeline found in one image. */
export interface DocumentAnalysis {
  readonly classification: Classification;
  /** Extracted fields of the classified type (empty when unknown). */
  readonly fields: Readonly<Record<string, ExtractedField>>;
  /** Fields of the type that could not be found. */
  readonly missingFields: readonly string[];
  /** Whether every field was found and passed its rules. */
  readonly valid: boolean;
  /** Image metadata for the `image_size` / `image_quality` rules. */
  readonly metadata: DocumentMetadata & { readonly laplacian_variance: number };
  /** Violations of `image_size` / `image_quality`. */
  readonly imageViolations: readonly FieldViolation[];
  /** Recognised lines, top to bottom (text only). */
  readonly lines: readonly string[];
  /** Lines of text detected. */
  readonly linesDetected: number;
  /** Lines read: fewer than detected when progressive reading understood a card early. */
  readonly linesRead: number;
  /** Milliseconds per stage. */
  readonly timings: Readonly<Record<'decodeMs' | 'detectMs' | 'directionMs' | 'recognizeMs' | 'totalMs', number>>;
}
