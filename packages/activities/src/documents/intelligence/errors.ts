import { MetisError } from '../../errors.ts';
import type { ClassifiedType, DocumentType, FieldViolation } from './types.ts';

/** A document of another type than the step asked for (or of no recognisable type). */
export class WrongDocumentTypeError extends MetisError {
  /** Type the caller expected. */
  readonly expected: DocumentType;
  /** Type the classifier found. */
  readonly detected: ClassifiedType;
  /** Classifier confidence in `detected`. */
  readonly confidence: number;

  constructor(expected: DocumentType, detected: ClassifiedType, confidence: number) {
    super('DOCUMENT_WRONG_TYPE', `expected a ${expected} document but this looks like ${detected === 'unknown' ? 'no known document' : `a ${detected} document`} (confidence ${confidence})`, {
      hint: `Upload the ${expected.replace('_', ' ')} itself`,
    });
    this.expected = expected;
    this.detected = detected;
    this.confidence = confidence;
  }
}

/** An image too small, too blurred, too dark or too bright to read reliably. */
export class LowQualityDocumentError extends MetisError {
  /** The `image_size` / `image_quality` violations. */
  readonly violations: readonly FieldViolation[];

  constructor(violations: readonly FieldViolation[]) {
    super('DOCUMENT_LOW_QUALITY', `document image quality too low: ${violations.map((v) => v.code).join(', ')}`, {
      hint: violations[0]?.message ?? 'Take a new photo',
    });
    this.violations = violations;
  }
}
