import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import CircuitBreaker from 'opossum';
import { appendEvent } from '../events/outbox.ts';
import type { OutboxEventType } from '../events/outbox.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { MetisDatabase } from '../storage/db/schema.ts';
import { withTenant } from '../storage/db/with-tenant.ts';
import { BureauConfigError, BureauProviderError } from './errors.ts';
import type { BureauFailureKind } from './errors.ts';
import type { BureauApplicant, BureauProvider, CreditReport } from './types.ts';

/** How one tenant's breaker for one provider behaves. */
export interface BreakerSettings {
  /** Whether the breaker protects the provider at all (when false, only the provider's own timeout applies). */
  readonly enabled: boolean;
  /** A pull slower than this counts as a failure, in milliseconds (default: the provider's `timeoutMs`). */
  readonly timeoutMs: number;
  /** Failure percentage in the rolling window above which the breaker opens. */
  readonly errorThresholdPercentage: number;
  /** Pulls the rolling window must hold before the breaker may open. */
  readonly volumeThreshold: number;
  /** How long an open breaker fails fast before letting one probe through, in milliseconds. */
  readonly resetTimeoutMs: number;
  /** Length of the rolling statistics window, in milliseconds (keep it at most `resetTimeoutMs`). */
  readonly rollingWindowMs: number;
}

/** Breaker settings used where a tenant sets none (the timeout defaults to the provider's). */
export const BUREAU_BREAKER_DEFAULTS = {
  enabled: true,
  errorThresholdPercentage: 50,
  volumeThreshold: 5,
  resetTimeoutMs: 30_000,
  rollingWindowMs: 10_000,
} as const;

/** State of one breaker: `disabled` when the tenant turned it off. */
export type BreakerState = 'closed' | 'open' | 'half-open' | 'disabled';

/** Numeric value of each state in the `metis_bureau_breaker_state` gauge. */
export const BREAKER_STATE_GAUGE = { closed: 0, 'half-open': 1, open: 2, disabled: -1 } as const;

/** Per-process breakers, one per (tenant, provider), that write health events to the tenant's outbox. */
export interface BureauBreakers {
  /** Pull through the tenant's breaker for `provider`; throw `BureauProviderError` (kind `circuit_open` when failing fast). */
  pull(tenantId: string, provider: BureauProvider, settings: Partial<BreakerSettings> | undefined, applicant: BureauApplicant, signal?: AbortSignal): Promise<CreditReport>;
  /** Return the state of a tenant's breaker for a provider, or undefined before its first pull. */
  state(tenantId: string, providerName: string): BreakerState | undefined;
  /** Wait until every health event raised so far is written (or given up on). */
  flush(): Promise<void>;
  /** Stop every breaker's timers; later pulls fail. */
  shutdown(): void;
}

/** Dependencies of the breakers. */
export interface BureauBreakerDeps {
  /** Database for the health events, connected as the application role. */
  readonly db: Kysely<MetisDatabase>;
  /** Metrics sink. */
  readonly metrics: Metrics;
  /** Names this process in event payloads (default `host:pid`). */
  readonly workerId?: string;
}

type PullAction = (provider: BureauProvider, applicant: BureauApplicant, signal: AbortSignal) => Promise<CreditReport>;

interface Entry {
  readonly breaker: CircuitBreaker<Parameters<PullAction>, CreditReport>;
  readonly fingerprint: string;
  readonly breakerId: string;
  healthy: boolean;
  transitions: number;
  lastFailure: BureauFailureKind | undefined;
  writes: Promise<void>;
}

const action: PullAction = (provider, applicant, signal) => provider.pull(applicant, { signal });

/** Return the event name for a provider's health change, e.g. `PROVIDER_A_UNHEALTHY`. */
export function providerHealthEvent(providerName: string, healthy: boolean): OutboxEventType {
  return `PROVIDER_${providerName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_${healthy ? 'HEALTHY' : 'UNHEALTHY'}`;
}

/** Fill in and check breaker settings. */
export function resolveBreakerSettings(provider: BureauProvider, settings: Partial<BreakerSettings> | undefined): BreakerSettings {
  const s: BreakerSettings = { ...BUREAU_BREAKER_DEFAULTS, timeoutMs: provider.timeoutMs, ...settings };
  const bad = (field: string, rule: string) => new BureauConfigError(`bureau provider ${provider.name}: breaker ${field} must be ${rule}`);
  if (!(s.timeoutMs > 0)) throw bad('timeoutMs', 'positive');
  if (!(s.errorThresholdPercentage >= 0 && s.errorThresholdPercentage <= 100)) throw bad('errorThresholdPercentage', 'in [0, 100]');
  if (!(Number.isInteger(s.volumeThreshold) && s.volumeThreshold >= 0)) throw bad('volumeThreshold', 'a non-negative integer');
  if (!(s.resetTimeoutMs > 0)) throw bad('resetTimeoutMs', 'positive');
  if (!(s.rollingWindowMs >= 10)) throw bad('rollingWindowMs', 'at least 10');
  return s;
}

/** Map whatever a breaker rejected with to a `BureauProviderError`. */
function asProviderError(provider: string, error: unknown, settings: BreakerSettings): BureauProviderError {
  if (error instanceof BureauProviderError) return error;
  if (error instanceof Error && CircuitBreaker.isOurError(error)) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ETIMEDOUT') return new BureauProviderError(provider, 'timeout', `no complete answer within ${settings.timeoutMs} ms`, { cause: error });
    return new BureauProviderError(provider, 'circuit_open', 'circuit breaker is open; failing fast without a request', { cause: error });
  }
  return new BureauProviderError(provider, 'connection', `unexpected failure: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Create the process's bureau breakers. */
export function createBureauBreakers(deps: BureauBreakerDeps): BureauBreakers {
  const entries = new Map<string, Entry>();
  const pending = new Set<Promise<void>>();
  const workerId = deps.workerId ?? `${hostname()}:${process.pid}`;
  let shutDown = false;

  async function writeEvent(tenantId: string, provider: string, entry: Entry, healthy: boolean): Promise<void> {
    const labels = { tenant: tenantId, provider };
    const event = {
      type: providerHealthEvent(provider, healthy),
      aggregateType: 'bureau-provider',
      aggregateId: provider,
      payload: {
        provider,
        healthy,
        state: healthy ? 'closed' : 'open',
        transition: entry.transitions,
        breakerId: entry.breakerId,
        worker: workerId,
        lastFailure: entry.lastFailure ?? null,
        window: { fires: entry.breaker.stats.fires, failures: entry.breaker.stats.failures, timeouts: entry.breaker.stats.timeouts },
        at: new Date().toISOString(),
      },
      idempotencyKey: `bureau-breaker:${entry.breakerId}:${entry.transitions}`,
    };
    for (let attempt = 1; ; attempt++) {
      try {
        await withTenant(deps.db, tenantId, (trx) => appendEvent(trx, tenantId, event));
        deps.metrics.count('metis_bureau_health_events_total', 1, { ...labels, healthy: String(healthy) });
        return;
      } catch {
        if (attempt >= 3) {
          deps.metrics.count('metis_bureau_health_event_failures_total', 1, labels);
          return;
        }
        await sleep(100 * 4 ** (attempt - 1));
      }
    }
  }

  function healthChanged(tenantId: string, provider: string, entry: Entry, healthy: boolean): void {
    if (entry.healthy === healthy) return;
    entry.healthy = healthy;
    entry.transitions += 1;
    const write = entry.writes.then(() => writeEvent(tenantId, provider, entry, healthy));
    entry.writes = write;
    pending.add(write);
    void write.finally(() => pending.delete(write));
  }

  function create(tenantId: string, provider: BureauProvider, settings: BreakerSettings, fingerprint: string): Entry {
    const breaker = new CircuitBreaker<Parameters<PullAction>, CreditReport>(action, {
      name: `bureau:${tenantId}:${provider.name}`,
      enabled: settings.enabled,
      timeout: settings.timeoutMs,
      errorThresholdPercentage: settings.errorThresholdPercentage,
      volumeThreshold: settings.volumeThreshold,
      resetTimeout: settings.resetTimeoutMs,
      rollingCountTimeout: settings.rollingWindowMs,
      rollingCountBuckets: 10,
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
    });
    const entry: Entry = { breaker, fingerprint, breakerId: randomUUID(), healthy: true, transitions: 0, lastFailure: undefined, writes: Promise.resolve() };
    const labels = { tenant: tenantId, provider: provider.name };
    const moved = (to: BreakerState) => {
      deps.metrics.gauge('metis_bureau_breaker_state', BREAKER_STATE_GAUGE[to], labels);
      deps.metrics.count('metis_bureau_breaker_transitions_total', 1, { ...labels, to });
    };
    breaker.on('failure', (error: unknown) => {
      entry.lastFailure = error instanceof BureauProviderError ? error.kind : asProviderError(provider.name, error, settings).kind;
    });
    breaker.on('open', () => {
      moved('open');
      healthChanged(tenantId, provider.name, entry, false);
    });
    breaker.on('halfOpen', () => moved('half-open'));
    breaker.on('close', () => {
      moved('closed');
      healthChanged(tenantId, provider.name, entry, true);
    });
    deps.metrics.gauge('metis_bureau_breaker_state', BREAKER_STATE_GAUGE[settings.enabled ? 'closed' : 'disabled'], labels);
    return entry;
  }

  function entryFor(tenantId: string, provider: BureauProvider, overrides: Partial<BreakerSettings> | undefined): { entry: Entry; settings: BreakerSettings } {
    const settings = resolveBreakerSettings(provider, overrides);
    const key = `${tenantId}\u0000${provider.name}`;
    const fingerprint = JSON.stringify(settings);
    let entry = entries.get(key);
    if (!entry || entry.fingerprint !== fingerprint) {
      // A changed configuration starts a fresh breaker; the old one stops its timers.
      entry?.breaker.shutdown();
      entry = create(tenantId, provider, settings, fingerprint);
      entries.set(key, entry);
    }
    return { entry, settings };
  }

  return {
    async pull(tenantId, provider, overrides, applicant, signal) {
      if (shutDown) throw new BureauProviderError(provider.name, 'circuit_open', 'bureau breakers are shut down');
      const { entry, settings } = entryFor(tenantId, provider, overrides);
      // One controller per call, aborted when the breaker gives up on it, so a timed-out request does not linger.
      const controller = new AbortController();
      const callSignal = signal ? AbortSignal.any([controller.signal, signal]) : controller.signal;
      try {
        return await entry.breaker.fire(provider, applicant, callSignal);
      } catch (error) {
        throw asProviderError(provider.name, error, settings);
      } finally {
        controller.abort();
      }
    },
    state(tenantId, providerName) {
      const entry = entries.get(`${tenantId}\u0000${providerName}`);
      if (!entry) return undefined;
      const b = entry.breaker;
      if (!b.enabled) return 'disabled';
      return b.opened ? 'open' : b.halfOpen ? 'half-open' : 'closed';
    },
    async flush() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    shutdown() {
      shutDown = true;
      for (const entry of entries.values()) entry.breaker.shutdown();
      entries.clear();
    },
  };
}
