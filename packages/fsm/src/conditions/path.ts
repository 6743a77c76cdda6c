import { hasOwn, isPlainObject } from '../json.ts';

/** The outcome of looking up a dotted path in a fact tree. */
export type PathLookup = { found: true; value: unknown } | { found: false };

/** Look up a dotted path (`loan.amount`, `documents.0.bytes`) in nested objects and arrays. */
export function getPath(root: unknown, path: string): PathLookup {
  let current: unknown = root;
  for (const segment of path.split('.')) {
    if (Array.isArray(current) && /^\d+$/.test(segment)) {
      const index = Number(segment);
      if (index >= current.length) return { found: false };
      current = current[index];
    } else if (isPlainObject(current) && hasOwn(current, segment)) {
      current = current[segment];
    } else {
      return { found: false };
    }
  }
  return current === undefined ? { found: false } : { found: true, value: current };
}

/** Report whether a string is a well-formed dotted path (non-empty segments). */
export function isValidPath(path: string): boolean {
  return path.length > 0 && path.split('.').every((segment) => segment.length > 0);
}
