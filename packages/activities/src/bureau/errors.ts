import { MetisError } from '../errors.ts';

/** Why one provider could not serve a report. */
export type BureauFailureKind =
  | 'timeout'
  | 'connection'
  | 'rate_limited'
  | 'server_error'
  | 'auth'
  | 'rejected'
  | 'malformed'
  | 'circuit_open'
  | 'cancelled';

/** One provider failed to serve a report; every kind but `circuit_open` counts toward its breaker. */
export class BureauProviderError extends MetisError {
  /** Provider name. */
  readonly provider: string;
  /** What went wrong. */
  readonly kind: BureauFailureKind;
  /** HTTP status, when the provider answered. */
  readonly status: number | undefined;

  constructor(provider: string, kind: BureauFailureKind, message: string, options?: { status?: number; cause?: unknown; code?: string }) {
    super(options?.code ?? 'BUREAU_PROVIDER_FAILED', `bureau ${provider}: ${message}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.provider = provider;
    this.kind = kind;
    this.status = options?.status;
  }
}

/** A provider answered with a body that is not a complete report; nothing of it is used. */
export class MalformedBureauResponseError extends BureauProviderError {
  /** What was wrong, as `path: problem` lines (never the values, which may be PII). */
  readonly issues: readonly string[];

  constructor(provider: string, issues: readonly string[], options?: { status?: number; cause?: unknown }) {
    const shown = issues.slice(0, 5).join('; ') + (issues.length > 5 ? `; and ${issues.length - 5} more` : '');
    super(provider, 'malformed', `malformed response (${shown})`, { ...options, code: 'BUREAU_MALFORMED_RESPONSE' });
    this.issues = issues;
  }
}

/** One provider's reason for not serving, as `BureauUnavailableError` lists it. */
export interface BureauAttempt {
  /** Provider name. */
  readonly provider: string;
  /** What went wrong. */
  readonly kind: BureauFailureKind;
  /** Human-readable reason (no PII). */
  readonly reason: string;
  /** Time spent on this provider, in milliseconds. */
  readonly elapsedMs: number;
}

/** Every provider in the tenant's waterfall failed or had its breaker open. */
export class BureauUnavailableError extends MetisError {
  /** Each provider's reason, in waterfall order. */
  readonly attempts: readonly BureauAttempt[];

  constructor(attempts: readonly BureauAttempt[]) {
    const list = attempts.map((a) => `${a.provider}: ${a.kind} (${a.reason})`).join('; ');
    super('BUREAU_UNAVAILABLE', `no credit bureau could serve the report: ${list || 'no providers configured'}`, {
      hint: 'Route the application to manual review or try again once a provider is healthy',
    });
    this.attempts = attempts;
  }
}

/** The applicant data cannot be sent to a bureau (bad PAN, name or date of birth). */
export class InvalidApplicantError extends MetisError {
  /** The offending fields and why, e.g. `pan: ...`. */
  readonly issues: readonly string[];

  constructor(issues: readonly string[]) {
    super('INVALID_APPLICANT', `applicant rejected: ${issues.join('; ')}`);
    this.issues = issues;
  }
}

/** A tenant's bureau configuration is unusable (no providers, duplicate names, bad settings). */
export class BureauConfigError extends MetisError {
  constructor(message: string) {
    super('BUREAU_CONFIG_INVALID', message, { hint: "Fix the tenant's bureau provider list" });
  }
}
