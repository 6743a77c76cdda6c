import type { JsonValue } from './json.ts';
import type { LintFinding } from './lint/finding.ts';

/** Codes of the field errors produced by the built-in validation rules and the journey machine. */
export type BuiltinFieldErrorCode =
  | 'required'
  | 'type_mismatch'
  | 'email_format'
  | 'phone_format'
  | 'pan_format'
  | 'pan_holder_type'
  | 'aadhar_format'
  | 'aadhar_checksum'
  | 'image_too_large'
  | 'image_too_small'
  | 'image_dimensions_too_small'
  | 'image_type_not_allowed'
  | 'image_blurry'
  | 'image_too_dark'
  | 'image_too_bright'
  | 'image_quality_unscored'
  | 'date_format'
  | 'as_of_required'
  | 'age_below_minimum'
  | 'age_above_maximum'
  | 'number_too_small'
  | 'number_too_large'
  | 'ifsc_format'
  | 'consent_required'
  | 'pattern_mismatch'
  | 'invalid_event'
  | 'wrong_state'
  | 'journey_finished'
  | 'invalid_transition'
  | 'guard_rejected'
  | 'no_route'
  | 'automated_state'
  | 'not_automated'
  | 'no_timeout'
  | 'rule_failed';

/** A stable error code: a built-in code or one chosen by a tenant's own rule. */
export type FieldErrorCode = BuiltinFieldErrorCode | (string & {});

/** A field-level (or, with `field: null`, event-level) problem, plain JSON. */
export interface FieldError {
  /** Stable, machine-readable code, e.g. `pan_format`. */
  code: FieldErrorCode;
  /** The data field concerned, or `null` when the problem concerns the event as a whole. */
  field: string | null;
  /** A human-readable explanation. */
  message: string;
  /** The validation rule that produced the error, when there was one. */
  rule?: string;
  /** Details such as limits or the offending value's shape. */
  params?: { [key: string]: JsonValue };
}

/** Base class of every error this package throws: each carries a stable `code`. */
export class MetisFsmError extends Error {
  /** Stable, machine-readable code. */
  readonly code: string;

  /** Create an error with a stable code. */
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Thrown when a journey config fails the linter: it never becomes a machine. */
export class JourneyConfigError extends MetisFsmError {
  /** Every linter finding of severity `error`. */
  readonly findings: readonly LintFinding[];

  /** Create the error from the linter's findings. */
  constructor(findings: readonly LintFinding[]) {
    super('JOURNEY_CONFIG_INVALID', summarise('Journey config is invalid', findings));
    this.findings = findings;
  }
}

/** Thrown when a decision rule set fails its linter. */
export class RuleSetError extends MetisFsmError {
  /** Every linter finding of severity `error`. */
  readonly findings: readonly LintFinding[];

  /** Create the error from the linter's findings. */
  constructor(findings: readonly LintFinding[]) {
    super('RULE_SET_INVALID', summarise('Decision rule set is invalid', findings));
    this.findings = findings;
  }
}

/** Thrown by `journey.assertStep` (e.g. in an Update validator) to reject a step. */
export class JourneyStepError extends MetisFsmError {
  /** The field-level reasons for the rejection. */
  readonly errors: readonly FieldError[];

  /** Create the error from the step's field errors. */
  constructor(errors: readonly FieldError[]) {
    const first = errors[0];
    super('JOURNEY_STEP_REJECTED', first ? `Step rejected: ${errors.map((e) => e.message).join('; ')}` : 'Step rejected');
    this.errors = errors;
  }

  /** Return the error as plain JSON (code, message and field errors). */
  toJSON(): { code: string; message: string; errors: FieldError[] } {
    return { code: this.code, message: this.message, errors: [...this.errors] };
  }
}

/** Thrown when a persisted snapshot is malformed or belongs to another journey or version. */
export class JourneySnapshotError extends MetisFsmError {
  /** Create the error with a description of the mismatch. */
  constructor(message: string) {
    super('JOURNEY_SNAPSHOT_INVALID', message);
  }
}

/** Thrown when a validation rule or guard cannot be registered (bad or duplicate name). */
export class RegistryError extends MetisFsmError {
  /** Create the error with a description of the conflict. */
  constructor(message: string) {
    super('REGISTRY_CONFLICT', message);
  }
}

function summarise(title: string, findings: readonly LintFinding[]): string {
  const lines = findings.slice(0, 10).map((f) => `  ${f.path}: ${f.message}`);
  const more = findings.length > 10 ? [`  … and ${findings.length - 10} more`] : [];
  return [`${title} (${findings.length} finding${findings.length === 1 ? '' : 's'}):`, ...lines, ...more].join('\n');
}
