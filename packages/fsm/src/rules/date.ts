import * as z from 'zod';
import { parseIsoDate } from './field-types.ts';
import { defineValidationRule } from './types.ts';
import type { FieldSelector, RuleViolation } from './types.ts';

const BIRTH_DATE: FieldSelector = { names: /(^|_)(dob|date_of_birth|birth_date)$/ };

/** Compute full years between a birth date and an `asOf` date (both ISO 8601; the time part of `asOf` is ignored). */
export function ageOn(birthDate: string, asOf: string): number | null {
  const birth = parseIsoDate(birthDate);
  const today = parseIsoDate(asOf.slice(0, 10));
  if (!birth || !today) return null;
  const hadBirthday = today.month > birth.month || (today.month === birth.month && today.day >= birth.day);
  return today.year - birth.year - (hadBirthday ? 0 : 1);
}

/** Validate a `YYYY-MM-DD` calendar date. */
export const dateFormat = defineValidationRule({
  name: 'date_format',
  description: 'The value is a real calendar date written as YYYY-MM-DD.',
  selector: { types: ['date'], names: /(^|_)(date|dob)$|(^|_)date_of_/ },
  paramsSchema: z.strictObject({}),
  validate(value) {
    return typeof value === 'string' && parseIsoDate(value) !== null
      ? null
      : { code: 'date_format', message: 'Enter a real date as YYYY-MM-DD, e.g. 1990-04-23.' };
  },
});

function age(value: unknown, asOf: string | undefined): number | RuleViolation {
  if (typeof value !== 'string' || parseIsoDate(value) === null) {
    return { code: 'date_format', message: 'Enter the date of birth as YYYY-MM-DD.' };
  }
  if (asOf === undefined) {
    return { code: 'as_of_required', message: 'An age rule needs the event to carry an `asOf` date.' };
  }
  const years = ageOn(value, asOf);
  if (years === null) return { code: 'as_of_required', message: `The event's asOf (${asOf}) is not an ISO 8601 date.` };
  if (years < 0) return { code: 'date_format', message: 'The date of birth lies in the future.' };
  return years;
}

/** Validate that the person is at least `min` years old on the event's `asOf` date. */
export const minAge = defineValidationRule({
  name: 'min_age',
  description: 'The date of birth makes the applicant at least `min` years old (default 18) on the event’s asOf date.',
  selector: BIRTH_DATE,
  paramsSchema: z.strictObject({ min: z.int().min(0).max(150).default(18) }),
  validate(value, { params, asOf }) {
    const years = age(value, asOf);
    if (typeof years !== 'number') return years;
    return years >= params.min
      ? null
      : { code: 'age_below_minimum', message: `The applicant must be at least ${params.min} years old (is ${years}).`, params: { age: years, min: params.min } };
  },
});

/** Validate that the person is at most `max` years old on the event's `asOf` date. */
export const maxAge = defineValidationRule({
  name: 'max_age',
  description: 'The date of birth makes the applicant at most `max` years old on the event’s asOf date.',
  selector: BIRTH_DATE,
  paramsSchema: z.strictObject({ max: z.int().min(0).max(150) }),
  validate(value, { params, asOf }) {
    const years = age(value, asOf);
    if (typeof years !== 'number') return years;
    return years <= params.max
      ? null
      : { code: 'age_above_maximum', message: `The applicant must be at most ${params.max} years old (is ${years}).`, params: { age: years, max: params.max } };
  },
});
