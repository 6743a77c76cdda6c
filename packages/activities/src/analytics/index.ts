export { createAnalyticsActivities } from './analytics-activities.ts';
export type { AnalyticsActivities, AnalyticsActivitiesDeps } from './analytics-activities.ts';
export {
  ANALYTICS_TABLES,
  analyticsKey,
  analyticsManifestKey,
  analyticsDayPrefix,
  analyticsPrefix,
  assertAnalyticsDate,
  assertPastOrToday,
  addDays,
  daysBetween,
} from './analytics-keys.ts';
export type { AnalyticsManifest, AnalyticsTable } from './analytics-keys.ts';
export { AnalyticsInputError } from './errors.ts';
export type { AnalyticsErrorCode } from './errors.ts';
export { exportAnalyticsDay, writeParquet, ANALYTICS_COLUMNS } from './export-day.ts';
export type { ExportAnalyticsDeps, ExportAnalyticsInput, ExportAnalyticsResult, ExportedAnalyticsObject } from './export-day.ts';
export { analyticsReport, MAX_REPORT_DAYS } from './report.ts';
export type { AnalyticsReport, AnalyticsReportDeps, AnalyticsReportInput, FunnelStep, DecisionStats, ProviderHealthPeriod } from './report.ts';
export { ANALYTICS_REPORT_SQL, EVENTS_BY_TYPE_SQL, FUNNEL_SQL, DECISIONS_SQL, PROVIDER_HEALTH_SQL } from './report-sql.ts';
export { funnelSvg } from './funnel-svg.ts';
export { withDuckDb } from './duckdb.ts';
export type { DuckConnection, DuckDbModule, DuckParam, DuckResult } from './duckdb.ts';
