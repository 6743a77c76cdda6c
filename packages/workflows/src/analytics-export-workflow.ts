import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { AnalyticsActivities } from '@metis/activities/analytics';
import { ANALYTICS_ACTIVITY } from './presets.ts';
import { taskQueuePrefix } from './task-queues.ts';
import { onPool } from './priorities.ts';

/** What one day's export wrote: the day and each object, with its tenant, table and row count. */
export type AnalyticsExportResult = Awaited<ReturnType<AnalyticsActivities['exportAnalyticsDay']>>;

/** A tenant's analytics report, as `analyticsReport` computes it. */
export type AnalyticsReportResult = Awaited<ReturnType<AnalyticsActivities['analyticsReport']>>;

/** Input of a day's export. */
export interface AnalyticsExportWorkflowInput {
  /** The UTC day to export, `YYYY-MM-DD` (default: the UTC day before the workflow started). */
  readonly date?: string;
  /** Export only these tenants (default: every tenant). */
  readonly tenantIds?: readonly string[];
}

/** Input of a tenant's report. */
export interface AnalyticsReportWorkflowInput {
  /** Tenant to report on. */
  readonly tenantId: string;
  /** First UTC day, `YYYY-MM-DD`. */
  readonly from: string;
  /** Last UTC day, `YYYY-MM-DD` (default `from`). */
  readonly to?: string;
}

/** Build the workflow id of a day's export: `analytics-export:{date}` (one export per day at a time). */
export function analyticsExportWorkflowId(date: string): string {
  return `analytics-export:${date}`;
}

/** Build the workflow id of a report: `analytics-report:{tenantId}:{reportId}`. */
export function analyticsReportWorkflowId(tenantId: string, reportId: string): string {
  return `analytics-report:${tenantId}:${reportId}`;
}

/** Return the UTC day before an instant, `YYYY-MM-DD`. */
export function previousUtcDay(at: Date): string {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() - 1)).toISOString().slice(0, 10);
}

function analyticsActivities(): AnalyticsActivities {
  return proxyActivities<AnalyticsActivities>({ ...ANALYTICS_ACTIVITY, retry: { ...ANALYTICS_ACTIVITY.retry, nonRetryableErrorTypes: [...ANALYTICS_ACTIVITY.retry.nonRetryableErrorTypes] }, ...onPool('default', taskQueuePrefix(workflowInfo().taskQueue)) });
}

/** The time a Schedule meant a run for (a run caught up later still exports the day it was meant for). */
const SCHEDULED_START = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

/** Export one UTC day of analytics to the object store on the `default` pool (the day before the scheduled or actual start unless given). */
export async function analyticsExportWorkflow(input: AnalyticsExportWorkflowInput = {}): Promise<AnalyticsExportResult> {
  const info = workflowInfo();
  const date = input.date ?? previousUtcDay(info.typedSearchAttributes.get(SCHEDULED_START) ?? info.runStartTime);
  return analyticsActivities().exportAnalyticsDay({ date, ...(input.tenantIds ? { tenantIds: [...input.tenantIds] } : {}) });
}

/** Compute a tenant's analytics report from the exported days on the `default` pool. */
export async function analyticsReportWorkflow(input: AnalyticsReportWorkflowInput): Promise<AnalyticsReportResult> {
  return analyticsActivities().analyticsReport({ tenantId: input.tenantId, from: input.from, ...(input.to === undefined ? {} : { to: input.to }) });
}
