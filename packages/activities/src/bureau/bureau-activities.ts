import { asyncLocalStorage } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import { checkPan } from '@metis/fsm';
import type { MetisError } from '../errors.ts';
import { noopMetrics } from '../metrics/metrics.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { MetisDatabase } from '../storage/db/schema.ts';
import { isTenantId } from '../tenancy/tenant-id.ts';
import { createBureauBreakers } from './breakers.ts';
import type { BureauBreakers } from './breakers.ts';
import { BureauConfigError, BureauUnavailableError, InvalidApplicantError } from './errors.ts';
import type { BureauAttempt } from './errors.ts';
import type { BureauApplicant, CreditReport } from './types.ts';
import { pullWithWaterfall } from './waterfall.ts';
import type { BureauConfigResolver } from './waterfall.ts';
import { isCalendarDate } from '../util/calendar-date.ts';

/** Temporal failure types the bureau activity throws, all non-retryable. */
export const BUREAU_FAILURE_TYPES = {
  unavailable: 'BureauUnavailable',
  invalidApplicant: 'InvalidApplicant',
  invalidConfig: 'BureauConfigInvalid',
} as const;

/**
 * Activity options a workflow should use for `pullCreditReport`: the start-to-close timeout must
 * cover the whole waterfall (the sum of the providers' timeouts); retries cover crashes and
 * infrastructure errors only, since "every provider is down" is non-retryable.
 */
export const BUREAU_PULL_ACTIVITY_OPTIONS = {
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 3,
    nonRetryableErrorTypes: ['BureauUnavailable', 'InvalidApplicant', 'BureauConfigInvalid'],
  },
} as const;

/** Input of `pullCreditReport`. */
export interface PullCreditReportInput {
  /** Tenant whose providers are used. */
  readonly tenantId: string;
  /** Application the report is for (labels logs and metrics, never sent to the bureau). */
  readonly applicationId: string;
  /** Who the report is about. */
  readonly applicant: BureauApplicant;
}

/** Output of `pullCreditReport`. */
export interface PullCreditReportResult {
  /** The report. */
  readonly report: CreditReport;
  /** Providers passed over before one served, with their reasons. */
  readonly skipped: readonly BureauAttempt[];
}

/** Dependencies of the bureau activities. */
export interface BureauActivityDeps {
  /** Database for health events, connected as the application role. */
  readonly db: Kysely<MetisDatabase>;
  /** Metrics sink (default: dropped). */
  readonly metrics?: Metrics;
  /** Return a tenant's ordered provider list. */
  readonly resolveBureauConfig: BureauConfigResolver;
  /** The process's breakers; by default each factory call creates its own, so call it once per process. */
  readonly breakers?: BureauBreakers;
}

/** Bureau activities, as workflows see them. */
export interface BureauActivities {
  /** Pull a credit report through the tenant's provider waterfall; all providers down is a non-retryable `BureauUnavailable` failure. */
  pullCreditReport(input: PullCreditReportInput): Promise<PullCreditReportResult>;
}


/** Check the applicant fields a bureau needs; return the problems (empty when fine). */
export function applicantIssues(applicant: unknown): string[] {
  if (typeof applicant !== 'object' || applicant === null) return ['applicant: expected an object'];
  const a = applicant as Record<string, unknown>;
  const issues: string[] = [];
  if (typeof a['pan'] !== 'string') issues.push('pan: expected a string');
  else {
    const violation = checkPan(a['pan']);
    if (violation) issues.push(`pan: ${violation.message}`);
  }
  if (typeof a['name'] !== 'string' || a['name'].trim().length < 1 || a['name'].length > 200) issues.push('name: expected 1-200 characters');
  const dob = typeof a['dateOfBirth'] === 'string' && isCalendarDate(a['dateOfBirth']) ? a['dateOfBirth'] : null;
  if (dob === null || Date.parse(`${dob}T00:00:00Z`) > Date.now() || Number(dob.slice(0, 4)) < 1900) issues.push('dateOfBirth: expected a real past date YYYY-MM-DD');
  for (const field of ['phone', 'postalCode'] as const) {
    if (a[field] !== undefined && (typeof a[field] !== 'string' || a[field].length > 32)) issues.push(`${field}: expected a short string`);
  }
  return issues;
}

function fail(error: MetisError, type: string, details: Record<string, unknown>): ApplicationFailure {
  return ApplicationFailure.create({ message: error.message, type, nonRetryable: true, details: [{ code: error.code, ...details }] });
}

/** Create the bureau activities. */
export function createBureauActivities(deps: BureauActivityDeps): BureauActivities {
  const metrics = deps.metrics ?? noopMetrics;
  const breakers = deps.breakers ?? createBureauBreakers({ db: deps.db, metrics });
  return {
    async pullCreditReport(input) {
      if (!isTenantId(input.tenantId) || typeof input.applicationId !== 'string' || input.applicationId.length === 0) {
        const error = new InvalidApplicantError(['tenantId/applicationId: expected a valid tenant id and a non-empty application id']);
        throw fail(error, BUREAU_FAILURE_TYPES.invalidApplicant, { issues: error.issues });
      }
      const issues = applicantIssues(input.applicant);
      if (issues.length > 0) throw fail(new InvalidApplicantError(issues), BUREAU_FAILURE_TYPES.invalidApplicant, { issues });
      const context = asyncLocalStorage.getStore();
      try {
        const config = await deps.resolveBureauConfig(input.tenantId);
        return await pullWithWaterfall({
          tenantId: input.tenantId,
          config,
          applicant: input.applicant,
          breakers,
          metrics,
          ...(context ? { signal: context.cancellationSignal, onAttempt: (provider: string) => context.heartbeat({ provider }) } : {}),
        });
      } catch (error) {
        if (error instanceof BureauUnavailableError) {
          throw fail(error, BUREAU_FAILURE_TYPES.unavailable, { applicationId: input.applicationId, attempts: error.attempts });
        }
        if (error instanceof BureauConfigError) throw fail(error, BUREAU_FAILURE_TYPES.invalidConfig, {});
        throw error;
      }
    },
  };
}
