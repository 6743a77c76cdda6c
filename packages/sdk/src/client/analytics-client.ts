import { ScheduleAlreadyRunning, WorkflowFailedError } from '@temporalio/client';
import type { Client, ScheduleOptionsAction } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import type { AnalyticsReport } from '@metis/activities/analytics';
import { MetisError } from '@metis/activities/errors';
import { analyticsExportWorkflow, analyticsExportWorkflowId, analyticsReportWorkflow, analyticsReportWorkflowId, metisSearchAttributes, taskQueueName } from '@metis/workflows';
import type { AnalyticsExportResult } from '@metis/workflows';
import type { TenantPriority } from './fairness.ts';

/** Id of the Temporal Schedule that exports each day's analytics. */
export const ANALYTICS_SCHEDULE_ID = 'metis-analytics-export';

/** Default cron expression of the export schedule: 02:00 every day. */
export const DEFAULT_ANALYTICS_CRON = '0 2 * * *';

/** When the daily export runs. */
export interface AnalyticsScheduleOptions {
  /** Cron expression (default `0 2 * * *`). */
  readonly cron?: string;
  /** IANA time zone of the cron expression (default `UTC`). */
  readonly timezone?: string;
  /** Tenants each run exports (default: every active tenant). */
  readonly tenantIds?: readonly string[];
}

/** The export schedule, and whether this call created it. */
export interface AnalyticsSchedule {
  /** Id of the Temporal Schedule. */
  readonly scheduleId: typeof ANALYTICS_SCHEDULE_ID;
  /** True when this call created it; false when it existed (and was updated if its settings differed). */
  readonly created: boolean;
}

/** Platform-wide analytics: the daily export and its schedule. */
export interface MetisAnalytics {
  /** Create the daily export schedule, or update it when it exists with other settings. */
  ensureSchedule(options?: AnalyticsScheduleOptions): Promise<AnalyticsSchedule>;
  /** Start the scheduled export now (it exports the UTC day before). */
  triggerExport(): Promise<void>;
  /** Export one UTC day (`YYYY-MM-DD`) of the given tenants (default: every active tenant) and wait for the result; exporting a day again rewrites it. */
  export(date: string, options?: { readonly tenantIds?: readonly string[] }): Promise<AnalyticsExportResult>;
}

/** A report over a tenant's exported days. */
export interface AnalyticsReportRequest {
  /** First UTC day, `YYYY-MM-DD`. */
  readonly from: string;
  /** Last UTC day, `YYYY-MM-DD` (default `from`). */
  readonly to?: string;
}

/** A tenant's analytics. */
export interface TenantAnalytics {
  /** Compute the tenant's report over exported days (run by the workers, which hold DuckDB). */
  report(request: AnalyticsReportRequest): Promise<AnalyticsReport>;
}

/** Turn a workflow failed by an `ANALYTICS_*` error into a `MetisError` with that code; return other errors unchanged. */
export function explainAnalyticsFailure(error: unknown): unknown {
  if (!(error instanceof WorkflowFailedError)) return error;
  const cause = error.cause instanceof ActivityFailure ? error.cause.cause : error.cause;
  if (cause instanceof ApplicationFailure && cause.type?.startsWith('ANALYTICS_')) return new MetisError(cause.type, cause.message, { cause: error });
  return error;
}

async function explained<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw explainAnalyticsFailure(error);
  }
}

// The schedule's note records the settings it was made with: Temporal returns a cron expression as calendars.
const scheduleNote = (cron: string, timezone: string): string => `metis analytics export: cron ${JSON.stringify(cron)} in ${timezone}`;

/** Create the platform-wide analytics API. */
export function metisAnalytics(client: Client, prefix: string | undefined): MetisAnalytics {
  const taskQueue = taskQueueName('default', prefix);
  const tenants = (ids: readonly string[]) => (ids.length > 0 ? { tenantIds: [...ids] } : {});
  return {
    async ensureSchedule(options = {}) {
      const cron = options.cron ?? DEFAULT_ANALYTICS_CRON;
      const timezone = options.timezone ?? 'UTC';
      const spec = { cronExpressions: [cron], timezone };
      // Run ids get the schedule's timestamp appended; the day itself is chosen by the workflow.
      const action: ScheduleOptionsAction = { type: 'startWorkflow', workflowType: analyticsExportWorkflow, workflowId: 'analytics-export:scheduled', taskQueue, args: [tenants(options.tenantIds ?? [])] };
      const note = scheduleNote(cron, timezone);
      try {
        await client.schedule.create({ scheduleId: ANALYTICS_SCHEDULE_ID, spec, action, policies: { overlap: 'SKIP', catchupWindow: '1 day' }, state: { note } });
        return { scheduleId: ANALYTICS_SCHEDULE_ID, created: true };
      } catch (error) {
        if (!(error instanceof ScheduleAlreadyRunning)) throw error;
      }
      const handle = client.schedule.getHandle(ANALYTICS_SCHEDULE_ID);
      const current = await handle.describe();
      const same = current.state.note === note && current.action.type === 'startWorkflow' && current.action.workflowType === 'analyticsExportWorkflow' && current.action.taskQueue === taskQueue && JSON.stringify(current.action.args) === JSON.stringify(action.args);
      if (!same) await handle.update((previous) => ({ ...previous, spec, action, state: { ...previous.state, note } }));
      return { scheduleId: ANALYTICS_SCHEDULE_ID, created: false };
    },
    async triggerExport() {
      await client.schedule.getHandle(ANALYTICS_SCHEDULE_ID).trigger('SKIP');
    },
    export: (date, options = {}) =>
      explained(
        client.workflow.execute(analyticsExportWorkflow, {
          workflowId: analyticsExportWorkflowId(date),
          taskQueue,
          args: [{ date, ...tenants(options.tenantIds ?? []) }],
          workflowIdReusePolicy: 'ALLOW_DUPLICATE',
          workflowIdConflictPolicy: 'USE_EXISTING',
        }),
      ),
  };
}

/** Create the analytics API of one tenant. */
export function tenantAnalytics(client: Client, tenantId: string, prefix: string | undefined, priority: TenantPriority): TenantAnalytics {
  return {
    report: (request) =>
      explained(
        client.workflow.execute(analyticsReportWorkflow, {
          workflowId: analyticsReportWorkflowId(tenantId, crypto.randomUUID()),
          taskQueue: taskQueueName('default', prefix),
          priority: priority('default'),
          args: [{ tenantId, from: request.from, ...(request.to === undefined ? {} : { to: request.to }) }],
          typedSearchAttributes: metisSearchAttributes(tenantId, 'analytics-report', 'reporting'),
        }),
      ),
  };
}
