import type { Metrics } from '../metrics/metrics.ts';
import { resolveBreakerSettings } from './breakers.ts';
import type { BreakerSettings, BureauBreakers } from './breakers.ts';
import { BureauConfigError, BureauProviderError, BureauUnavailableError } from './errors.ts';
import type { BureauAttempt } from './errors.ts';
import { assertProviderName } from './http-provider.ts';
import type { BureauApplicant, BureauProvider, CreditReport } from './types.ts';

/** One provider in a tenant's waterfall, with its breaker settings. */
export interface BureauProviderEntry {
  /** The provider. */
  readonly provider: BureauProvider;
  /** Breaker settings for this tenant and provider; unset fields take `BUREAU_BREAKER_DEFAULTS`. */
  readonly breaker?: Partial<BreakerSettings>;
}

/** A tenant's bureau setup: providers in the order they are tried. */
export interface TenantBureauConfig {
  /** Providers, first choice first. */
  readonly providers: readonly BureauProviderEntry[];
}

/** Return a tenant's bureau setup (called on every pull, so cache inside if loading is costly). */
export type BureauConfigResolver = (tenantId: string) => TenantBureauConfig | Promise<TenantBureauConfig>;

/** A report and the providers that were passed over before one served it. */
export interface WaterfallResult {
  /** The report. */
  readonly report: CreditReport;
  /** Providers tried first that failed or had an open breaker, in order. */
  readonly skipped: readonly BureauAttempt[];
}

/** What one waterfall pull needs. */
export interface WaterfallRequest {
  /** Tenant whose providers and breakers are used. */
  readonly tenantId: string;
  /** The tenant's providers. */
  readonly config: TenantBureauConfig;
  /** Who the report is about. */
  readonly applicant: BureauApplicant;
  /** The process's breakers. */
  readonly breakers: BureauBreakers;
  /** Metrics sink. */
  readonly metrics: Metrics;
  /** Aborts the whole pull (activity cancellation); its reason is thrown. */
  readonly signal?: AbortSignal;
  /** Called before each provider is tried (e.g. to heartbeat). */
  readonly onAttempt?: (provider: string) => void;
}

/** Throw `BureauConfigError` unless the provider list is usable. */
export function assertBureauConfig(config: TenantBureauConfig): void {
  const list: unknown = config.providers;
  if (!Array.isArray(list) || list.length === 0) throw new BureauConfigError('the tenant has no bureau providers');
  const seen = new Set<string>();
  for (const { provider, breaker } of config.providers) {
    if (typeof provider?.pull !== 'function' || typeof provider.name !== 'string') throw new BureauConfigError('a bureau provider entry has no provider');
    assertProviderName(provider.name);
    if (seen.has(provider.name)) throw new BureauConfigError(`bureau provider ${provider.name} is listed twice`);
    seen.add(provider.name);
    resolveBreakerSettings(provider, breaker);
  }
}

/**
 * Try the tenant's providers in order through their breakers: an open breaker or a failure moves
 * on to the next; the first complete report wins. Throw `BureauUnavailableError` when none serves.
 */
export async function pullWithWaterfall(request: WaterfallRequest): Promise<WaterfallResult> {
  const { tenantId, config, applicant, breakers, metrics, signal } = request;
  assertBureauConfig(config);
  const started = performance.now();
  const skipped: BureauAttempt[] = [];
  for (const { provider, breaker } of config.providers) {
    if (signal?.aborted) throw signal.reason;
    request.onAttempt?.(provider.name);
    const labels = { tenant: tenantId, provider: provider.name };
    const t0 = performance.now();
    try {
      const report = await breakers.pull(tenantId, provider, breaker, applicant, signal);
      metrics.count('metis_bureau_attempts_total', 1, { ...labels, outcome: 'served' });
      metrics.observe('metis_bureau_attempt_seconds', (performance.now() - t0) / 1000, labels);
      metrics.count('metis_bureau_pulls_total', 1, { tenant: tenantId, outcome: 'served', provider: provider.name });
      metrics.observe('metis_bureau_pull_seconds', (performance.now() - started) / 1000, { tenant: tenantId });
      return { report, skipped };
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (error instanceof BureauConfigError) throw error;
      const failure =
        error instanceof BureauProviderError
          ? error
          : new BureauProviderError(provider.name, 'connection', error instanceof Error ? error.message : String(error), { cause: error });
      const elapsedMs = performance.now() - t0;
      metrics.count('metis_bureau_attempts_total', 1, { ...labels, outcome: failure.kind });
      if (failure.kind !== 'circuit_open') metrics.observe('metis_bureau_attempt_seconds', elapsedMs / 1000, labels);
      skipped.push({ provider: provider.name, kind: failure.kind, reason: failure.message, elapsedMs: Math.round(elapsedMs) });
    }
  }
  metrics.count('metis_bureau_pulls_total', 1, { tenant: tenantId, outcome: 'unavailable', provider: '' });
  metrics.observe('metis_bureau_pull_seconds', (performance.now() - started) / 1000, { tenant: tenantId });
  throw new BureauUnavailableError(skipped);
}
