import type * as z from 'zod';
import type { JsonObject, JsonValue } from '../json.ts';

/** Declared type of a journey data field. */
export type FieldType = 'string' | 'number' | 'integer' | 'boolean' | 'date' | 'email' | 'phone' | 'document' | 'object' | 'array';

/** One rule failure, before the engine adds the field and rule name. */
export interface RuleViolation {
  /** Stable code, e.g. `pan_format`. */
  code: string;
  /** A human-readable explanation. */
  message: string;
  /** Details such as limits. */
  params?: JsonObject;
}

/** What a rule sees when it checks one field. */
export interface RuleCheckContext<P> {
  /** Name of the field being checked. */
  field: string;
  /** The field's declared type, when the journey declares one. */
  fieldType: FieldType | undefined;
  /** The rule's parameters from the journey config, with defaults applied. */
  params: P;
  /** All data known for the journey so far, including this submission. */
  data: Readonly<JsonObject>;
  /** The event's `asOf` date (ISO 8601), for rules that depend on time such as age limits. */
  asOf: string | undefined;
}

/** Which fields a rule checks when the journey config does not name them. */
export interface FieldSelector {
  /** Fields of these declared types. */
  types?: readonly FieldType[];
  /** Fields whose names match this pattern. */
  names?: RegExp;
}

/** A named validation rule that journey configs refer to by `name`. */
export interface ValidationRule<P = unknown> {
  /** Name used in `validation_rules`, snake_case. */
  readonly name: string;
  /** One sentence describing what the rule checks. */
  readonly description: string;
  /** Fields the rule checks by default; when absent the config must list `fields`. */
  readonly selector?: FieldSelector;
  /** Schema of the rule's `params` (defaults included); absent means the rule takes none. */
  readonly paramsSchema?: z.ZodType<P>;
  /** Check one present value: return `null` when it passes. Must be pure and synchronous. */
  validate(value: JsonValue, context: RuleCheckContext<P>): RuleViolation | readonly RuleViolation[] | null;
}

/** Metadata the OCR activity supplies for an uploaded document image. */
export interface DocumentMetadata {
  document_id?: string;
  mime_type?: string;
  /** Size of the file in bytes. */
  bytes: number;
  /** Width in pixels (images only). */
  width?: number;
  /** Height in pixels (images only). */
  height?: number;
  /** Blur estimate in [0, 1]: 0 is sharp, 1 fully blurred. */
  blur_score?: number;
  /** Mean brightness in [0, 1]: 0 is black, 1 white. */
  brightness_score?: number;
}

/** Define a validation rule with its parameter type inferred from `paramsSchema`. */
export function defineValidationRule<P>(rule: ValidationRule<P>): ValidationRule<P> {
  return rule;
}

/** Report whether a rule's selector picks a field by its name or declared type. */
export function selects(rule: ValidationRule<unknown>, field: string, type: FieldType | undefined): boolean {
  const selector = rule.selector;
  if (!selector) return false;
  if (type !== undefined && selector.types?.includes(type) === true) return true;
  return selector.names?.test(field) === true;
}
