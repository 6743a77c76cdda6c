import type { FieldError } from '../errors.ts';
import type { JsonObject } from '../json.ts';
import { hasOwn } from '../json.ts';
import { isBlank, typeProblem } from '../rules/field-types.ts';
import { selects } from '../rules/types.ts';
import type { RuleViolation } from '../rules/types.ts';
import type { CompiledJourney, CompiledState } from './model.ts';

/** What to check in a submission. */
export interface DataCheck {
  /** All data after merging the submission. */
  merged: JsonObject;
  /** The fields this submission provides. */
  submitted: JsonObject;
  /** The event's asOf date. */
  asOf: string | undefined;
  /** Whether the state's required fields must all be present (false for operator amendments). */
  requireFields: boolean;
}

/** Check a submission against a state's required fields, the declared field types and its validation rules. */
export function validateData(model: CompiledJourney, state: CompiledState, check: DataCheck): FieldError[] {
  const { merged, submitted } = check;
  const errors: FieldError[] = [];
  const candidates = unique([...(check.requireFields ? state.requiredFields : []), ...Object.keys(submitted)]);
  const broken = new Set<string>();
  if (check.requireFields) {
    for (const field of state.requiredFields) {
      if (isBlank(merged[field])) {
        errors.push({ code: 'required', field, message: `${field} is required.` });
        broken.add(field);
      }
    }
  }
  for (const field of candidates) {
    const type = model.fieldTypes[field];
    const value = merged[field];
    if (type === undefined || broken.has(field) || value === undefined || value === null) continue;
    const problem = typeProblem(value, type);
    if (problem !== null) {
      errors.push({ code: 'type_mismatch', field, message: `${field}: ${problem}.`, params: { expected: type } });
      broken.add(field);
    }
  }
  for (const ref of state.rules) {
    const chosen = ref.fields ?? candidates.filter((f) => selects(ref.rule, f, model.fieldTypes[f]));
    const targets = check.requireFields ? chosen : chosen.filter((f) => hasOwn(submitted, f));
    for (const field of targets) {
      if (broken.has(field)) continue;
      if (!hasOwn(merged, field)) {
        if (ref.name === 'required') errors.push({ code: 'required', field, message: `${field} is required.`, rule: ref.name });
        continue;
      }
      const value = merged[field];
      if (value === undefined || (value === null && ref.name !== 'required')) continue;
      const outcome = ref.rule.validate(value, { field, fieldType: model.fieldTypes[field], params: ref.params, data: merged, asOf: check.asOf });
      for (const v of toList(outcome)) errors.push(toFieldError(v, field, ref.name));
    }
  }
  return errors;
}

/** Return the fields of a state that the journey data does not yet provide. */
export function missingFields(state: CompiledState, data: JsonObject): string[] {
  return state.requiredFields.filter((f) => isBlank(data[f]));
}

function toList(outcome: RuleViolation | readonly RuleViolation[] | null): readonly RuleViolation[] {
  if (outcome === null) return [];
  return isViolationList(outcome) ? outcome : [outcome];
}

function isViolationList(outcome: RuleViolation | readonly RuleViolation[]): outcome is readonly RuleViolation[] {
  return Array.isArray(outcome);
}

function toFieldError(v: RuleViolation, field: string, rule: string): FieldError {
  const error: FieldError = { code: v.code, field, message: v.message, rule };
  if (v.params !== undefined) error.params = v.params;
  return error;
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}
