import type * as z from 'zod';
import { isPlainObject } from '../json.ts';
import { finding, toJsonPath } from './finding.ts';
import type { LintFinding, PathSegment } from './finding.ts';

/** A specialised code and hint for a schema issue at a well-known location. */
export interface IssueOverride {
  code: string;
  hint: string;
}

/** Choose a specialised code for an issue, by the key it concerns; `undefined` keeps `schema_invalid`. */
export type IssueClassifier = (key: string | undefined, issue: z.core.$ZodIssue) => IssueOverride | undefined;

/** Convert zod issues into linter findings with JSON paths, messages and hints. */
export function issuesToFindings(
  issues: readonly z.core.$ZodIssue[],
  classify: IssueClassifier,
  base: readonly PathSegment[] = [],
): LintFinding[] {
  const out: LintFinding[] = [];
  for (const issue of issues) {
    const segments = [...base, ...issue.path.map(toSegment)];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      out.push(...issuesToFindings(closestBranch(issue.errors), classify, segments));
      continue;
    }
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push(
          finding(
            'unknown_key',
            [...segments, key],
            `Unknown key "${key}" in ${segments.length === 0 ? 'the top-level object' : toJsonPath(segments)}.`,
            'Remove the key or check its spelling against the JSON Schema.',
          ),
        );
      }
      continue;
    }
    const key = lastKey(segments);
    const override = classify(key, issue);
    out.push(
      finding(override?.code ?? 'schema_invalid', segments, messageFor(issue, segments), override?.hint ?? hintFor(issue)),
    );
  }
  return out;
}

/** Pick the union branch that came closest to matching: fewest issues, then deepest path. */
function closestBranch(branches: readonly (readonly z.core.$ZodIssue[])[]): readonly z.core.$ZodIssue[] {
  let best = branches[0] ?? [];
  for (const branch of branches.slice(1)) {
    if (branch.length < best.length || (branch.length === best.length && depth(branch) > depth(best))) best = branch;
  }
  return best;
}

function depth(branch: readonly z.core.$ZodIssue[]): number {
  return Math.max(0, ...branch.map((i) => i.path.length));
}

function toSegment(key: PropertyKey): PathSegment {
  return typeof key === 'number' ? key : String(key);
}

function lastKey(segments: readonly PathSegment[]): string | undefined {
  for (let i = segments.length - 1; i >= 0; i--) {
    const s = segments[i];
    if (typeof s === 'string') return s;
  }
  return undefined;
}

function describeLocation(segments: readonly PathSegment[]): string {
  const key = lastKey(segments);
  return key === undefined ? 'the top level' : `"${key}"`;
}

function article(noun: string): string {
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

function typeOf(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return article(typeof value);
}

function messageFor(issue: z.core.$ZodIssue, segments: readonly PathSegment[]): string {
  const where = describeLocation(segments);
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? `Missing required ${where} (expected ${issue.expected}).`
        : `${where} must be ${article(issue.expected)}, found ${typeOf(issue.input)}.`;
    case 'invalid_value':
      return `${where} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}; found ${JSON.stringify(issue.input)}.`;
    case 'invalid_format':
      return `${where} has an invalid format: ${JSON.stringify(issue.input)}${issue.pattern ? ` does not match ${issue.pattern}` : ''}.`;
    case 'too_small':
      return `${where} is too small (minimum ${String(issue.minimum)}${issue.origin === 'array' ? ' items' : issue.origin === 'string' ? ' characters' : ''}).`;
    case 'too_big':
      return `${where} is too big (maximum ${String(issue.maximum)}${issue.origin === 'array' ? ' items' : issue.origin === 'string' ? ' characters' : ''}).`;
    case 'invalid_union': {
      const options = discriminatorOptions(issue);
      if (options) {
        const found = isPlainObject(issue.input) && typeof issue.discriminator === 'string' ? issue.input[issue.discriminator] : undefined;
        return `${where} must be one of ${options.map((o) => JSON.stringify(o)).join(', ')}; found ${JSON.stringify(found)}.`;
      }
      return `${where} matches none of the allowed shapes.`;
    }
    default:
      return `${where}: ${issue.message}`;
  }
}

function discriminatorOptions(issue: z.core.$ZodIssue & { options?: unknown }): unknown[] | undefined {
  return Array.isArray(issue.options) ? issue.options : undefined;
}

function hintFor(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'Add the missing key.' : `Change the value to ${article(issue.expected)}.`;
    case 'invalid_value':
      return `Use one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}.`;
    case 'invalid_format':
      return 'Correct the value so that it matches the documented format.';
    case 'too_small':
    case 'too_big':
      return 'Bring the value within the allowed range.';
    case 'invalid_union': {
      const options = discriminatorOptions(issue);
      return options ? `Use one of: ${options.map((o) => JSON.stringify(o)).join(', ')}.` : 'Correct the value; the published JSON Schema describes the expected shape.';
    }
    default:
      return 'Correct the value; the published JSON Schema describes the expected shape.';
  }
}
