import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { isTenantId } from '@metis/activities';
import type { Metrics } from '@metis/activities/metrics';

const TENANT = /^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$/;
// Workflow ids that carry their tenant second: `journey:{tenant}:…`, `loan:{tenant}:…`, …
const TENANT_KINDS = new Set(['journey', 'loan', 'document', 'analysis', 'analytics-report']);

/** Label of work that belongs to no single tenant (the analytics export, schedules). */
export const PLATFORM_TENANT = 'platform';

/** Return the tenant of a Metis workflow id (`{kind}:{tenant}:…`), or `platform` for any other id. */
export function tenantOfWorkflowId(workflowId: string | undefined): string {
  if (!workflowId) return PLATFORM_TENANT;
  const [kind, tenant] = workflowId.split(':', 3);
  return kind && tenant && TENANT_KINDS.has(kind) && TENANT.test(tenant) && isTenantId(tenant) ? tenant : PLATFORM_TENANT;
}

/** Label of the tenants past the cap of distinct tenant labels. */
export const OTHER_TENANT = 'other';

/** Distinct tenant label values an interceptor reports by default before it reports `other`. */
export const MAX_TENANT_LABELS = 1_000;

/** Options of `activityMetricsInterceptor`. */
export interface ActivityMetricsOptions {
  /** Distinct tenant label values reported; later tenants are reported as `other` (default 1000). */
  readonly maxTenants?: number;
}

/**
 * Return the tenant label of a workflow id: its tenant while fewer than `max` distinct tenants
 * were seen, `other` after that. Anyone who can start workflows on the task queues picks the ids,
 * so the label values must stay bounded.
 */
export function tenantLabeller(max = MAX_TENANT_LABELS): (workflowId: string | undefined) => string {
  const seen = new Set<string>();
  return (workflowId) => {
    const tenant = tenantOfWorkflowId(workflowId);
    if (tenant === PLATFORM_TENANT || seen.has(tenant)) return tenant;
    if (seen.size >= max) return OTHER_TENANT;
    seen.add(tenant);
    return tenant;
  };
}

/** Return an error's type for `metis_errors_total`: its Metis code, failure type or class name. */
export function errorTypeOf(error: unknown): string {
  if (error && typeof error === 'object') {
    const e = error as { code?: unknown; type?: unknown; name?: unknown };
    if (typeof e.code === 'string' && e.code) return e.code;
    if (typeof e.type === 'string' && e.type) return e.type;
    if (typeof e.name === 'string' && e.name) return e.name;
  }
  return 'unknown';
}

/** Time every activity into `metis_processing_duration_seconds` and count its failures into `metis_errors_total`. */
export function activityMetricsInterceptor(metrics: Metrics, options: ActivityMetricsOptions = {}): ActivityInterceptorsFactory {
  const tenantOf = tenantLabeller(options.maxTenants);
  return (ctx) => ({
    inbound: {
      async execute(input, next) {
        const labels = { operation: ctx.info.activityType, tenant: tenantOf(ctx.info.workflowExecution?.workflowId) };
        const started = performance.now();
        try {
          return await next(input);
        } catch (error) {
          metrics.count('metis_errors_total', 1, { ...labels, type: errorTypeOf(error) });
          throw error;
        } finally {
          metrics.observe('metis_processing_duration_seconds', (performance.now() - started) / 1000, labels);
        }
      },
    },
  });
}
