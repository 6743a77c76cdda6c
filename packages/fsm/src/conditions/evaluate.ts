import { isPlainObject } from '../json.ts';
import { isFieldCondition } from './condition-schema.ts';
import type { Condition, ConditionOperator, FieldCondition } from './condition-schema.ts';
import { getPath } from './path.ts';

/** The result of evaluating a condition against facts, with a human-readable explanation. */
export interface ConditionResult {
  matched: boolean;
  explanation: string;
}

const SYMBOL: Readonly<Record<ConditionOperator, string>> = {
  eq: '=',
  ne: '≠',
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
  in: 'in',
  not_in: 'not in',
  between: 'between',
  exists: 'exists',
  matches: 'matches',
};

/** Evaluate a condition against a fact tree; every operator except `exists` is false for a missing field. */
export function evaluateCondition(condition: Condition, facts: unknown): ConditionResult {
  if (isFieldCondition(condition)) return evaluateField(condition, facts);
  if ('all' in condition) {
    const parts = condition.all.map((c) => evaluateCondition(c, facts));
    return { matched: parts.every((p) => p.matched), explanation: `all of (${parts.map((p) => p.explanation).join('; ')})` };
  }
  if ('any' in condition) {
    const parts = condition.any.map((c) => evaluateCondition(c, facts));
    return { matched: parts.some((p) => p.matched), explanation: `any of (${parts.map((p) => p.explanation).join('; ')})` };
  }
  const inner = evaluateCondition(condition.not, facts);
  return { matched: !inner.matched, explanation: `not (${inner.explanation})` };
}

/** Describe a condition without evaluating it (e.g. `loan.amount > 1000000`). */
export function describeCondition(condition: Condition): string {
  if (isFieldCondition(condition)) return describeField(condition);
  if ('all' in condition) return `all of (${condition.all.map(describeCondition).join('; ')})`;
  if ('any' in condition) return `any of (${condition.any.map(describeCondition).join('; ')})`;
  return `not (${describeCondition(condition.not)})`;
}

function describeField(c: FieldCondition): string {
  if (c.operator === 'exists') return c.value === false ? `${c.field} is missing` : `${c.field} exists`;
  if (c.operator === 'between' && Array.isArray(c.value)) return `${c.field} between ${show(c.value[0])} and ${show(c.value[1])}`;
  return `${c.field} ${SYMBOL[c.operator]} ${show(c.value)}`;
}

function evaluateField(c: FieldCondition, facts: unknown): ConditionResult {
  const lookup = getPath(facts, c.field);
  const text = describeField(c);
  if (c.operator === 'exists') {
    const present = lookup.found && lookup.value !== null;
    const matched = c.value === false ? !present : present;
    return { matched, explanation: `${text} (was ${present ? 'present' : 'missing'})` };
  }
  if (!lookup.found) return { matched: false, explanation: `${text} (was missing)` };
  const actual = lookup.value;
  return { matched: compare(c.operator, actual, c.value), explanation: `${text} (was ${show(actual)})` };
}

function compare(operator: ConditionOperator, actual: unknown, expected: unknown): boolean {
  switch (operator) {
    case 'eq':
      return jsonEqual(actual, expected);
    case 'ne':
      return !jsonEqual(actual, expected);
    case 'gt':
      return order(actual, expected) > 0;
    case 'gte':
      return order(actual, expected) >= 0;
    case 'lt':
      return order(actual, expected) < 0;
    case 'lte':
      return order(actual, expected) <= 0;
    case 'in':
      return Array.isArray(expected) && expected.some((e) => jsonEqual(actual, e));
    case 'not_in':
      return Array.isArray(expected) && !expected.some((e) => jsonEqual(actual, e));
    case 'between': {
      if (!Array.isArray(expected) || expected.length !== 2) return false;
      const low = order(actual, expected[0]);
      const high = order(actual, expected[1]);
      return low >= 0 && high <= 0;
    }
    case 'matches':
      return typeof actual === 'string' && typeof expected === 'string' && safeRegExp(expected)?.test(actual) === true;
    case 'exists':
      return actual !== null;
  }
}

/** Compare two numbers or two strings: negative, zero or positive; NaN (never matching) when they are not comparable. */
function order(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a === b ? 0 : a < b ? -1 : 1;
  if (typeof a === 'string' && typeof b === 'string') return a === b ? 0 : a < b ? -1 : 1;
  return Number.NaN;
}

/** Compile a regular expression, returning `null` when it is invalid. */
export function safeRegExp(source: string): RegExp | null {
  try {
    return new RegExp(source, 'u');
  } catch {
    return null;
  }
}

/** Compare two JSON values structurally. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

function show(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}
