import { MetisError } from '../errors.ts';

/** A stable code of an analytics input error. */
export type AnalyticsErrorCode = 'ANALYTICS_TENANT_UNKNOWN' | 'ANALYTICS_DATE_INVALID' | 'ANALYTICS_DAY_MISSING' | 'ANALYTICS_FILE_CORRUPT';

/** Bad analytics input: an unknown tenant, a malformed or future date, a day never exported, an unreadable file. */
export class AnalyticsInputError extends MetisError {
  /** The stable code, narrowed to the analytics codes. */
  declare readonly code: AnalyticsErrorCode;

  constructor(code: AnalyticsErrorCode, message: string, options?: { hint?: string; cause?: unknown }) {
    super(code, message, options);
  }
}
