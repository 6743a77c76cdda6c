import type { Kysely } from 'kysely';
import { toActivityFailure } from '../documents/intelligence/activity-support.ts';
import { needingNativeModules } from '../native-modules.ts';
import type { MetisDatabase } from '../storage/db/schema.ts';
import type { ObjectStore } from '../storage/objects/object-store.ts';
import { exportAnalyticsDay } from './export-day.ts';
import type { ExportAnalyticsInput, ExportAnalyticsResult } from './export-day.ts';
import { analyticsReport } from './report.ts';
import type { AnalyticsReport, AnalyticsReportInput } from './report.ts';

/** What the analytics activities need. */
export interface AnalyticsActivitiesDeps {
  /** The Metis database (application role). */
  readonly db: Kysely<MetisDatabase>;
  /** The object store. */
  readonly objects: ObjectStore;
  /** The clock (defaults to the system clock). */
  readonly now?: () => Date;
}

/** The analytics activities. */
export interface AnalyticsActivities {
  /** Export one UTC day to Parquet for the given tenants (default: every active tenant). */
  exportAnalyticsDay(input: ExportAnalyticsInput): Promise<ExportAnalyticsResult>;
  /** Report on a tenant's exported days. */
  analyticsReport(input: AnalyticsReportInput): Promise<AnalyticsReport>;
}

/** Create the analytics activities, marked as loading `@duckdb/node-api`. */
export function createAnalyticsActivities(deps: AnalyticsActivitiesDeps): AnalyticsActivities {
  const activities: AnalyticsActivities = {
    async exportAnalyticsDay(input) {
      try {
        return await exportAnalyticsDay(deps, input);
      } catch (error) {
        throw toActivityFailure(error);
      }
    },
    async analyticsReport(input) {
      try {
        return await analyticsReport(deps, input);
      } catch (error) {
        throw toActivityFailure(error);
      }
    },
  };
  return needingNativeModules(activities, ['@duckdb/node-api']);
}
