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
