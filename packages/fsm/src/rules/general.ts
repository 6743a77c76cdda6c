import * as z from 'zod';
import { safeRegExp } from '../conditions/evaluate.ts';
import { isBlank } from './field-types.ts';
import { defineValidationRule } from './types.ts';
import type { RuleViolation } from './types.ts';

/** Require the listed fields (fields in `required_fields` are always required). */
export const required = defineValidationRule({
  name: 'required',
  description: 'The listed `fields` are present and not blank.',
  paramsSchema: z.strictObject({}),
  validate(value) {
    return isBlank(value) ? { code: 'required', message: 'This field is required.' } : null;
  },
});

/** Validate that a number lies within [min, max]. */
export const numberRange = defineValidationRule({
  name: 'number_range',
  description: 'The value is a number no smaller than `min` and no larger than `max` (list the `fields`).',
  paramsSchema: z
    .strictObject({ min: z.number().optional(), max: z.number().optional() })
    .refine((p) => p.min !== undefined || p.max !== undefined, 'Give `min`, `max` or both.')
    .refine((p) => p.min === undefined || p.max === undefined || p.min <= p.max, '`min` must not exceed `max`.'),
  validate(value, { params }): RuleViolation | null {
    if (typeof value !== 'number' || !Number.isFinite(value)) return { code: 'type_mismatch', message: 'Expected a number.' };
    if (params.min !== undefined && value < params.min) {
      return { code: 'number_too_small', message: `The value must be at least ${params.min}.`, params: { value, min: params.min } };
    }
    if (params.max !== undefined && value > params.max) {
      return { code: 'number_too_large', message: `The value must be at most ${params.max}.`, params: { value, max: params.max } };
    }
    return null;
  },
});

/** Validate a string against a regular expression from the config. */
export const pattern = defineValidationRule({
  name: 'pattern',
  description: 'The value is a string matching the regular expression `pattern` (list the `fields`).',
  paramsSchema: z.strictObject({
    pattern: z.string().min(1).refine((p) => safeRegExp(p) !== null, 'Not a valid regular expression.'),
    description: z.string().optional(),
  }),
  validate(value, { params }) {
    const re = safeRegExp(params.pattern);
    return typeof value === 'string' && re !== null && re.test(value)
      ? null
      : { code: 'pattern_mismatch', message: params.description ?? `The value must match ${params.pattern}.`, params: { pattern: params.pattern } };
  },
});

/** Validate that a consent checkbox was ticked (value `true`). */
export const consent = defineValidationRule({
  name: 'consent',
  description: 'The value is `true`: the applicant ticked the consent or acceptance box.',
  selector: { names: /(^|_)(consent|accepted|accept|agreed|agree)(_[a-z]+)*$/ },
  paramsSchema: z.strictObject({}),
  validate(value) {
    return value === true ? null : { code: 'consent_required', message: 'Please give your consent to continue.' };
  },
});
