import * as z from 'zod';
import { jsonValueSchema } from '../json.ts';
import type { JsonValue } from '../json.ts';
import { doc } from '../schema-registry.ts';

/** Comparison operators a condition may use. */
export const CONDITION_OPERATORS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'not_in', 'between', 'exists', 'matches'] as const;

/** One comparison operator. */
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

/** A comparison of one field (a dotted path into the facts) with a value. */
export interface FieldCondition {
  field: string;
  operator: ConditionOperator;
  value?: JsonValue | undefined;
}

/** A condition: a field comparison, or an `all` / `any` / `not` group of conditions. */
export type Condition = FieldCondition | { all: Condition[] } | { any: Condition[] } | { not: Condition };

const fieldConditionSchema = z.strictObject({
  field: doc(z.string().min(1), 'Dotted path of the fact to test, e.g. `loan.amount` or `bureau.score`.'),
  operator: doc(z.enum(CONDITION_OPERATORS), 'How to compare the fact with `value`.'),
  value: doc(
    jsonValueSchema.optional(),
    'Operand: a number or string for gt/gte/lt/lte, an array for in/not_in, [min, max] for between, a regular expression for matches, a boolean for exists (default true).',
  ),
});

/** Validate a condition (recursive: groups hold conditions). */
export const conditionSchema: z.ZodType<Condition, Condition> = doc(
  z.union([
    fieldConditionSchema,
    z.strictObject({
      get all() {
        return doc(z.array(conditionSchema).min(1), 'Matches when every condition matches.');
      },
    }),
    z.strictObject({
      get any() {
        return doc(z.array(conditionSchema).min(1), 'Matches when at least one condition matches.');
      },
    }),
    z.strictObject({
      get not() {
        return doc(conditionSchema, 'Matches when the condition does not match.');
      },
    }),
  ]),
  'A field comparison or an all/any/not group of conditions.',
  { id: 'Condition' },
);

/** Report whether a condition is a field comparison (not a group). */
export function isFieldCondition(condition: Condition): condition is FieldCondition {
  return 'field' in condition;
}
