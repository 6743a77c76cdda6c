/** Severity of a linter finding: errors block, warnings inform. */
export type LintSeverity = 'error' | 'warning';

/** One linter finding with its location in the JSON document and a fix hint. */
export interface LintFinding {
  /** Stable code, e.g. `unknown_target_state`. */
  code: string;
  /** `error` findings make the document invalid; `warning` findings do not. */
  severity: LintSeverity;
  /** JSONPath of the offending value, e.g. `$.states[2].valid_next_states[0]`. */
  path: string;
  /** The same location as an RFC 6901 JSON Pointer, e.g. `/states/2/valid_next_states/0`. */
  pointer: string;
  /** What is wrong. */
  message: string;
  /** How to fix it. */
  hint: string;
}

/** A path into a JSON document, as property names and array indices. */
export type PathSegment = string | number;

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Render path segments as JSONPath (`$.states[0].timeout`). */
export function toJsonPath(segments: readonly PathSegment[]): string {
  let out = '$';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (identifier.test(segment)) out += `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Render path segments as an RFC 6901 JSON Pointer (`/states/0/timeout`). */
export function toJsonPointer(segments: readonly PathSegment[]): string {
  return segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** Build a finding from its parts. */
export function finding(
  code: string,
  segments: readonly PathSegment[],
  message: string,
  hint: string,
  severity: LintSeverity = 'error',
): LintFinding {
  return { code, severity, path: toJsonPath(segments), pointer: toJsonPointer(segments), message, hint };
}

/** Report whether any finding is an error. */
export function hasErrors(findings: readonly LintFinding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}
