import type { AnalyticsActivitiesDeps, AnalyticsReport } from '@metis/activities/analytics';
import { MetisError } from '@metis/activities/errors';
import { createMinioObjectStore, createPgDatabase } from '@metis/activities/storage';
import type { ObjectStore } from '@metis/activities/storage';
import { isTenantId } from '@metis/activities/tenancy';
import { createMetis, loadConfigFromEnv } from '@metis/sdk';
import type { AnalyticsSchedule, AnalyticsScheduleOptions } from '@metis/sdk';
import { parseSubcommand } from './parse-arguments.ts';

/** What the command needs from its host: writing lines and files, and reaching the servers. */
export interface AnalyticsCommandIo {
  /** Print one line of output. */
  stdout(line: string): void;
  /** Print one line of diagnostics. */
  stderr(line: string): void;
  /** Write a file (the SVG funnel). */
  writeFile(path: string, text: string): Promise<void>;
  /** Open the database and object store (default: from the environment, as `loadConfigFromEnv` reads it). */
  openResources?(): Promise<{ readonly db: AnalyticsActivitiesDeps['db']; readonly objects: ObjectStore; close(): Promise<void> }>;
  /** Create or update the export schedule (default: through an SDK client configured from the environment). */
  ensureSchedule?(options: AnalyticsScheduleOptions): Promise<AnalyticsSchedule>;
}

const USAGE = `usage: metis analytics <command> [options]

  export --date D [--tenant T]...          export one UTC day to the object store (default: every active tenant)
  report --tenant T --date D [--to D2]     report on a tenant's exported days
         [--json] [--svg FILE]             print the report as JSON; write the funnel chart as SVG
  schedule [--cron EXPR] [--timezone TZ]   create or update the daily export schedule (default 0 2 * * * UTC)
           [--tenant T]...                 the tenants each run exports (default: every active tenant)

exit codes: 0 done, 1 analytics error (unknown tenant, invalid or missing day, corrupt file), 2 usage error`;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

const OPTIONS = {
  help: { type: 'boolean', short: 'h', default: false },
  date: { type: 'string' },
  to: { type: 'string' },
  tenant: { type: 'string', multiple: true },
  json: { type: 'boolean', default: false },
  svg: { type: 'string' },
  cron: { type: 'string' },
  timezone: { type: 'string' },
} as const;

/** The options each subcommand accepts. */
const ACCEPTS: Readonly<Record<string, readonly string[]>> = {
  export: ['date', 'tenant'],
  report: ['tenant', 'date', 'to', 'json', 'svg'],
  schedule: ['cron', 'timezone', 'tenant'],
};

function defaultResources() {
  const config = loadConfigFromEnv();
  const db = createPgDatabase(config.database);
  return Promise.resolve({ db, objects: createMinioObjectStore(config.objectStore), close: () => db.destroy() });
}

async function defaultEnsureSchedule(options: AnalyticsScheduleOptions): Promise<AnalyticsSchedule> {
  const metis = await createMetis({ ...loadConfigFromEnv(), tenants: [] });
  try {
    return await metis.analytics.ensureSchedule(options);
  } finally {
    await metis.close();
  }
}

const percent = (rate: number): string => `${(rate * 100).toFixed(1)}%`;
const duration = (ms: number): string => (ms >= 60_000 ? `${(ms / 60_000).toFixed(1)} min` : `${(ms / 1000).toFixed(1)} s`);

/** Render a report as lines for people. */
export function formatReport(report: AnalyticsReport): string[] {
  const { decisions } = report;
  const lines = [
    `tenant ${report.tenantId}, ${report.from} to ${report.to} (${report.days.length} day${report.days.length === 1 ? '' : 's'})`,
    `events: ${report.events}`,
    ...Object.entries(report.eventsByType).map(([type, count]) => `  ${type.padEnd(32)} ${String(count).padStart(8)}`),
    `decisions: ${decisions.total} (approve ${decisions.approve} ${percent(decisions.approvalRate)}, reject ${decisions.reject} ${percent(decisions.rejectionRate)}, manual review ${decisions.manualReview} ${percent(decisions.reviewRate)})`,
    `time to decision: ${report.timeToDecisionMs ? `p50 ${duration(report.timeToDecisionMs.p50)}, p95 ${duration(report.timeToDecisionMs.p95)}` : 'no decisions'}`,
  ];
  if (report.funnel.length > 0) {
    lines.push('funnel:', `  ${'journey'.padEnd(12)} ${'state'.padEnd(24)} ${'entries'.padStart(8)} ${'exits'.padStart(8)} ${'drop-off'.padStart(8)}`);
    for (const f of report.funnel) lines.push(`  ${f.journeyType.padEnd(12)} ${f.state.padEnd(24)} ${String(f.entries).padStart(8)} ${String(f.exits).padStart(8)} ${String(f.dropOff).padStart(8)}`);
  }
  for (const p of report.providerHealth) lines.push(`provider ${p.provider}: unhealthy at ${p.unhealthyAt}, ${p.healthyAt === null ? 'not recovered' : `healthy at ${p.healthyAt}`}`);
  return lines;
}

/** Run `metis analytics export|report|schedule`; return the exit code. */
export async function runAnalyticsCommand(args: string[], io: AnalyticsCommandIo): Promise<number> {
  const parsed = parseSubcommand('analytics', args[0] === 'analytics' ? args.slice(1) : args, { options: OPTIONS, accepts: ACCEPTS, usage: USAGE }, io);
  if (!parsed.ok) return parsed.exitCode;
  const { command, values } = parsed;
  const usage = (problem: string): number => {
    io.stderr(`metis analytics ${command}: ${problem}`);
    io.stderr(USAGE);
    return 2;
  };
  const tenantIds = values.tenant ?? [];
  const invalid = tenantIds.find((t) => !isTenantId(t));
  if (invalid !== undefined) return usage(`invalid tenant id ${JSON.stringify(invalid)}`);
  for (const name of ['date', 'to'] as const) {
    const day = values[name];
    if (day !== undefined && !DAY.test(day)) return usage(`--${name} must be a UTC day, YYYY-MM-DD, not ${JSON.stringify(day)}`);
  }
  try {
    if (command === 'schedule') {
      const schedule = await (io.ensureSchedule ?? defaultEnsureSchedule)({ ...(values.cron ? { cron: values.cron } : {}), ...(values.timezone ? { timezone: values.timezone } : {}), tenantIds });
      io.stdout(`schedule ${schedule.scheduleId}: ${schedule.created ? 'created' : 'exists, settings up to date'} (cron ${JSON.stringify(values.cron ?? '0 2 * * *')} in ${values.timezone ?? 'UTC'})`);
      return 0;
    }
    const date = values.date;
    if (date === undefined) return usage('--date is required');
    const [tenantId = ''] = tenantIds;
    if (command === 'report' && tenantIds.length !== 1) return usage('--tenant is required, once');
    const analytics = await import('@metis/activities/analytics');
    const resources = await (io.openResources ?? defaultResources)();
    try {
      if (command === 'export') {
        const exported = await analytics.exportAnalyticsDay({ db: resources.db, objects: resources.objects }, { date, ...(tenantIds.length > 0 ? { tenantIds } : {}) });
        for (const o of exported.objects) io.stdout(`${o.key} ${o.rows} rows`);
        if (exported.objects.length === 0) io.stdout(`${exported.date}: nothing to export`);
        return 0;
      }
      const report = await analytics.analyticsReport({ objects: resources.objects }, { tenantId, from: date, ...(values.to === undefined ? {} : { to: values.to }) });
      if (values.svg !== undefined) await io.writeFile(values.svg, analytics.funnelSvg(report));
      if (values.json) io.stdout(JSON.stringify(report, null, 2));
      else for (const line of formatReport(report)) io.stdout(line);
      return 0;
    } finally {
      await resources.close();
    }
  } catch (error) {
    if (error instanceof MetisError && error.code.startsWith('ANALYTICS_')) {
      io.stderr(`metis analytics ${command}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
