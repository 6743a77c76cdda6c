/** Retry policy of quick, idempotent storage work: a few fast attempts. */
export const STORAGE_RETRY = {
  initialInterval: '200ms',
  backoffCoefficient: 2,
  maximumInterval: '5s',
  maximumAttempts: 5,
} as const;

/** Retry policy of calls to outside providers (bureaus, notifications): 3 attempts, backoff 2, from 10 s. */
export const PROVIDER_RETRY = {
  initialInterval: '10s',
  backoffCoefficient: 2,
  maximumInterval: '2m',
  maximumAttempts: 3,
} as const;

/** Activity options of database and object-store work. */
export const STORAGE_ACTIVITY = {
  startToCloseTimeout: '30s',
  retry: STORAGE_RETRY,
} as const;

/** Activity options of CPU-heavy inference (OCR, risk, LLM), which heartbeats. */
export const AI_ACTIVITY = {
  startToCloseTimeout: '5m',
  heartbeatTimeout: '30s',
  retry: { ...STORAGE_RETRY, maximumAttempts: 3 },
} as const;

/**
 * Activity options of a journey's automated state (tenant code, run by `runJourneyAutomation`).
 * The activity heartbeats on its own while the automation runs, so the heartbeat timeout only
 * notices a lost worker and does not limit how long the work may take. Each attempt may last
 * `startToCloseTimeout`; {@link automationActivity} replaces it by the state's own timeout when the
 * state has one (the workflow cancels the work when that timer fires, so no attempt needs longer).
 * The first retry waits 1 s: an attempt that reaches the state's timeout is cancelled by the
 * workflow's timer before the server would start another one.
 */
export const AUTOMATION_ACTIVITY = {
  startToCloseTimeout: '5m',
  /** 30 s, in ms: the activity beats every 10 s (a third of a shorter timeout). */
  heartbeatTimeout: 30_000,
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 3 },
} as const;

/** Error types of an automated state that no retry fixes. */
export const AUTOMATION_NON_RETRYABLE_ERRORS = ['AutomationNotConfigured'] as const;

/**
 * Options of one automated state's activity: {@link AUTOMATION_ACTIVITY}, each attempt bounded by the
 * state's timeout (in ms) when it has one, else by the preset's `startToCloseTimeout`; the heartbeat
 * timeout is never longer than the attempt.
 */
export function automationActivity(stateTimeoutMs: number | null) {
  return {
    ...AUTOMATION_ACTIVITY,
    ...(stateTimeoutMs === null ? {} : { startToCloseTimeout: stateTimeoutMs, heartbeatTimeout: Math.min(AUTOMATION_ACTIVITY.heartbeatTimeout, stateTimeoutMs) }),
    retry: { ...AUTOMATION_ACTIVITY.retry, nonRetryableErrorTypes: [...AUTOMATION_NON_RETRYABLE_ERRORS] },
  };
}

/** Activity options of calls to outside providers: bounded per attempt, retried with backoff. */
export const PROVIDER_ACTIVITY = {
  startToCloseTimeout: '1m',
  retry: PROVIDER_RETRY,
} as const;

/** Local-activity options of short database writes made while an Update waits (audit, projection). */
export const LOCAL_STORAGE_ACTIVITY = {
  startToCloseTimeout: '10s',
  localRetryThreshold: '5s',
  retry: STORAGE_RETRY,
} as const;

/** Activity options of LLM generation: the engine's 5-minute limit ends inside the attempt; heartbeats carry `{ tokens }`. */
export const LLM_ACTIVITY = {
  startToCloseTimeout: '6m',
  heartbeatTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 3 },
} as const;

/**
 * Activity options of a loan's review brief: LLM generation (the engine's 5-minute limit ends inside
 * each attempt), two attempts at most, and 15 minutes in all, queueing for the AI pool included, so
 * a loan never waits long for a brief nobody writes.
 */
export const REVIEW_BRIEF_ACTIVITY = {
  ...LLM_ACTIVITY,
  scheduleToCloseTimeout: '15m',
  retry: { ...LLM_ACTIVITY.retry, maximumAttempts: 2 },
} as const;

/** Error types of an analytics export or report that no retry fixes. */
export const ANALYTICS_NON_RETRYABLE_ERRORS = ['ANALYTICS_TENANT_UNKNOWN', 'ANALYTICS_DATE_INVALID', 'ANALYTICS_DAY_MISSING', 'ANALYTICS_FILE_CORRUPT'] as const;

/** Activity options of an analytics export or report: 10 minutes per attempt, 3 attempts, no retry of refused input. */
export const ANALYTICS_ACTIVITY = {
  startToCloseTimeout: '10m',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 3, nonRetryableErrorTypes: [...ANALYTICS_NON_RETRYABLE_ERRORS] },
} as const;
