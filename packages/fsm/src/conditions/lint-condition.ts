import { finding } from '../lint/finding.ts';
import type { LintFinding, PathSegment } from '../lint/finding.ts';
import { isFieldCondition } from './condition-schema.ts';
import type { Condition, FieldCondition } from './condition-schema.ts';
import { safeRegExp } from './evaluate.ts';
import { isValidPath } from './path.ts';

/** Check that each comparison's operand suits its operator and that regular expressions compile. */
export function lintCondition(condition: Condition, at: readonly PathSegment[]): LintFinding[] {
  if (isFieldCondition(condition)) return lintField(condition, at);
  if ('all' in condition) return condition.all.flatMap((c, i) => lintCondition(c, [...at, 'all', i]));
  if ('any' in condition) return condition.any.flatMap((c, i) => lintCondition(c, [...at, 'any', i]));
  return lintCondition(condition.not, [...at, 'not']);
}

function lintField(c: FieldCondition, at: readonly PathSegment[]): LintFinding[] {
  const out: LintFinding[] = [];
  if (!isValidPath(c.field)) {
    out.push(
      finding('bad_field_path', [...at, 'field'], `Field path "${c.field}" has an empty segment.`, 'Write the path as dot-separated names, e.g. `loan.amount`.'),
    );
  }
  const v = c.value;
  const operand = [...at, 'value'];
  const bad = (message: string, hint: string): void => {
    out.push(finding('bad_operand', operand, `Operator "${c.operator}" on "${c.field}": ${message}`, hint));
  };
  switch (c.operator) {
    case 'eq':
    case 'ne':
      if (v === undefined) bad('needs a value to compare with.', 'Add a `value`.');
      break;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      if (typeof v !== 'number' && typeof v !== 'string') bad('needs a number or a string (such as an ISO date).', 'Set `value` to a number, e.g. 1000000.');
      break;
    case 'in':
    case 'not_in':
      if (!Array.isArray(v) || v.length === 0) bad('needs a non-empty array of values.', 'Set `value` to an array, e.g. ["salaried", "self_employed"].');
      break;
    case 'between': {
      const pair = Array.isArray(v) && v.length === 2 ? v : null;
      const [low, high] = pair ?? [];
      const sameType = (typeof low === 'number' && typeof high === 'number') || (typeof low === 'string' && typeof high === 'string');
      if (!sameType) bad('needs [min, max]: two numbers or two strings.', 'Set `value` to a pair such as [18, 60].');
      else if (low > high) bad(`min ${JSON.stringify(low)} is greater than max ${JSON.stringify(high)}.`, 'Swap the bounds so that min ≤ max.');
      break;
    }
    case 'exists':
      if (v !== undefined && typeof v !== 'boolean') bad('takes an optional boolean (true: present, false: missing).', 'Set `value` to true or false, or omit it.');
      break;
    case 'matches':
      if (typeof v !== 'string') bad('needs a regular expression string.', 'Set `value` to a pattern such as "^[A-Z]{5}".');
      else if (safeRegExp(v) === null) {
        out.push(finding('bad_regex', operand, `Pattern ${JSON.stringify(v)} on "${c.field}" is not a valid regular expression.`, 'Fix the pattern (JavaScript syntax, Unicode mode).'));
      }
      break;
  }
  return out;
}
