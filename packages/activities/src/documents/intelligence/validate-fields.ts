import { defaultValidationRegistry } from '@metis/fsm';
import type { DocumentMetadata, JsonValue, RuleViolation, ValidationRegistry } from '@metis/fsm';
import { maskAadhaar } from './extract-cards.ts';
import type { DocumentType, ExtractedField, FieldViolation, RawField } from './types.ts';
import { DOCUMENT_FIELDS } from './types.ts';

/** The `@metis/fsm` rules each extracted field goes through. */
export const FIELD_RULES: Readonly<Record<string, readonly string[]>> = {
  pan: ['pan_format'],
  date_of_birth: ['date_format'],
  period_from: ['date_format'],
  period_to: ['date_format'],
  aadhaar_number: ['aadhar_format'],
  ifsc: ['ifsc_format'],
};

/** Parameters for the image rules, as a journey config gives them. */
export interface ImageRuleParams {
  readonly image_size?: Readonly<Record<string, JsonValue>>;
  readonly image_quality?: Readonly<Record<string, JsonValue>>;
}

/** Run one named rule of a registry on a value; return its violations. */
export function runRule(registry: ValidationRegistry, ruleName: string, field: string, value: JsonValue, params: Readonly<Record<string, JsonValue>> = {}): FieldViolation[] {
  const rule = registry.get(ruleName);
  if (!rule) throw new Error(`validation rule ${ruleName} is not registered`);
  const parsed: unknown = rule.paramsSchema ? rule.paramsSchema.parse(params) : params;
  const result = rule.validate(value, { field, fieldType: undefined, params: parsed, data: {}, asOf: undefined });
  const list: readonly RuleViolation[] = result === null ? [] : Array.isArray(result) ? (result as readonly RuleViolation[]) : [result as RuleViolation];
  return list.map((v) => ({ rule: ruleName, code: v.code, message: v.message }));
}

/** Validate extracted fields with the fsm rules; mask the Aadhaar number after checking it. */
export function validateFields(type: DocumentType, raw: Readonly<Record<string, RawField>>, registry: ValidationRegistry = defaultValidationRegistry): {
  fields: Record<string, ExtractedField>;
  missing: string[];
} {
  const fields: Record<string, ExtractedField> = {};
  const missing: string[] = [];
  for (const name of DOCUMENT_FIELDS[type]) {
    const field = raw[name];
    if (!field || field.value === '') {
      missing.push(name);
      continue;
    }
    const violations = (FIELD_RULES[name] ?? []).flatMap((rule) => runRule(registry, rule, name, field.value));
    const value = name === 'aadhaar_number' ? maskAadhaar(field.value) : field.value;
    fields[name] = { value, confidence: Math.round(field.confidence * 1000) / 1000, valid: violations.length === 0, violations };
  }
  return { fields, missing };
}

/** Check image metadata with the `image_size` rule (bytes, dimensions, type: cheap, before any OCR). */
export function validateImageSize(metadata: DocumentMetadata, params: ImageRuleParams = {}, registry: ValidationRegistry = defaultValidationRegistry): FieldViolation[] {
  return runRule(registry, 'image_size', 'document', { ...metadata }, params.image_size);
}

/** Check image metadata, readability scores included (`text_contrast`, `ocr_confidence`), with the `image_quality` rule. */
export function validateImageQuality(metadata: DocumentMetadata, params: ImageRuleParams = {}, registry: ValidationRegistry = defaultValidationRegistry): FieldViolation[] {
  return runRule(registry, 'image_quality', 'document', { ...metadata }, params.image_quality);
}

/** Check image metadata with the `image_size` and `image_quality` rules. */
export function validateImage(metadata: DocumentMetadata, params: ImageRuleParams = {}, registry: ValidationRegistry = defaultValidationRegistry): FieldViolation[] {
  return [...validateImageSize(metadata, params, registry), ...validateImageQuality(metadata, params, registry)];
}
