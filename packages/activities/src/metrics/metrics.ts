import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { METIS_METRICS } from './catalogue.ts';
import type { MetricDefinition, MetricType } from './catalogue.ts';

/** Labels that tell series of one metric apart, e.g. `{ tenant: 'acme', provider: 'a' }`. */
export type Labels = Readonly<Record<string, string>>;

/** A sink for counters, gauges and histograms; implementations decide where they go. */
export interface Metrics {
  /** Add to a monotonically increasing counter. */
  count(name: string, value?: number, labels?: Labels): void;
  /** Set a gauge to its current value. */
  gauge(name: string, value: number, labels?: Labels): void;
  /** Record one observation of a distribution (durations in seconds, sizes in bytes). */
  observe(name: string, value: number, labels?: Labels): void;
}

/** One series as the registry holds it. */
export interface MetricSeries {
  /** Metric name. */
  readonly name: string;
  /** Its labels. */
  readonly labels: Labels;
  /** Kind of metric. */
  readonly kind: MetricType;
  /** Counter total or gauge value; the sum of observations for a histogram. */
  readonly value: number;
  /** Observations recorded (histograms), or updates (counters, gauges). */
  readonly count: number;
}

/** Metrics kept in a prom-client registry, readable in tests and served by the workers. */
export interface MetricsRegistry extends Metrics {
  /** The prom-client registry holding the catalogue's metrics. */
  readonly registry: Registry;
  /** Return every series recorded so far. */
  series(): MetricSeries[];
  /** Return one series' value (a histogram's sum), or 0 when it was never recorded. */
  value(name: string, labels?: Labels): number;
  /** Run `hook` before every scrape (to set computed gauges); return a function that removes it. */
  onScrape(hook: () => Promise<void> | void): () => void;
  /** Run the scrape hooks and render every metric in the Prometheus text format. */
  scrape(): Promise<string>;
}

/** Metrics kept in memory, for tests; the same registry-backed implementation the workers serve. */
export type InMemoryMetrics = MetricsRegistry;

/** A sink that drops everything. */
export const noopMetrics: Metrics = { count() {}, gauge() {}, observe() {} };

type PromMetric = Counter | Gauge | Histogram;

function keyOf(name: string, labels: Labels): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return `${name}{${parts.join(',')}}`;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Labels a metric outside the catalogue may carry: bounded values that name no person. Others
 * (an `applicant_id`, a `pan`) would add a series per applicant, with PII in its labels.
 */
export const UNCATALOGUED_LABELS: readonly string[] = ['tenant', 'provider', 'outcome', 'type', 'model', 'operation', 'state', 'pool'];

/** Options of `createMetricsRegistry`. */
export interface MetricsRegistryOptions {
  /** Metrics declared up front (default `METIS_METRICS`). */
  readonly catalogue?: readonly MetricDefinition[];
  /** How long the scrape hooks' results are served before a scrape runs them again (default 5000 ms). */
  readonly collectEveryMs?: number;
  /** How long a scrape waits for the hooks before it renders without their results (default 3000 ms). */
  readonly collectTimeoutMs?: number;
  /** Where a warning goes, once per metric (labels dropped from a name outside the catalogue); default `process.emitWarning`. */
  readonly onWarning?: (message: string) => void;
}

/**
 * Create a prom-client registry with the catalogue's metrics. Reports never throw: labels a
 * metric does not declare are dropped, and a name outside the catalogue is declared on first use
 * with the labels it came with that `UNCATALOGUED_LABELS` allows (others are dropped, with a
 * warning once per metric).
 *
 * A scrape runs the scrape hooks at most once per `collectEveryMs`, shared by the scrapes that
 * arrive meanwhile, and never while a run is still under way; their gauges are swapped in when
 * every hook has settled, so a scrape never renders them half reset. A hook that fails or is
 * slower than `collectTimeoutMs` does not fail or hold the scrape.
 */
export function createMetricsRegistry(options: MetricsRegistryOptions = {}): MetricsRegistry {
  const registry = new Registry();
  const metrics = new Map<string, { def: MetricDefinition; metric: PromMetric }>();
  const mirror = new Map<string, { name: string; labels: Labels; kind: MetricType; value: number; count: number }>();
  const hooks = new Set<() => Promise<void> | void>();
  const collectEveryMs = options.collectEveryMs ?? 5_000;
  const collectTimeoutMs = options.collectTimeoutMs ?? 3_000;
  const warn = options.onWarning ?? ((message: string) => process.emitWarning(message, { code: 'METIS_METRIC_LABELS_DROPPED' }));
  const warned = new Set<string>();
  // Values of collected gauges reported while the hooks run, swapped in when they all settle.
  let staged: Map<string, { name: string; labels: Labels; value: number }> | undefined;
  let collection: { readonly started: number; readonly done: Promise<void>; settled: boolean } | undefined;
  let rendering: Promise<string> | undefined;

  const declare = (def: MetricDefinition): { def: MetricDefinition; metric: PromMetric } => {
    const config = { name: def.name, help: def.help, labelNames: [...def.labelNames], registers: [registry] };
    const metric =
      def.type === 'counter' ? new Counter(config) : def.type === 'gauge' ? new Gauge(config) : new Histogram({ ...config, buckets: [...(def.buckets ?? [])] });
    const entry = { def, metric };
    metrics.set(def.name, entry);
    return entry;
  };
  const catalogue = options.catalogue ?? METIS_METRICS;
  const catalogued = new Set(catalogue.map((d) => d.name));
  for (const def of catalogue) declare(def);

  const report = (kind: MetricType, name: string, value: number, labels: Labels): void => {
    if (!Number.isFinite(value)) return;
    try {
      let entry = metrics.get(name);
      if (!entry) {
        if (!NAME.test(name)) return;
        entry = declare({ name, help: `${name} (reported outside the Metis catalogue)`, type: kind, labelNames: Object.keys(labels).filter((l) => LABEL.test(l) && UNCATALOGUED_LABELS.includes(l)) });
      }
      const kept: Record<string, string> = {};
      for (const l of entry.def.labelNames) if (labels[l] !== undefined) kept[l] = String(labels[l]);
      if (!catalogued.has(name) && !warned.has(name)) {
        const dropped = Object.keys(labels).filter((l) => !entry.def.labelNames.includes(l));
        if (dropped.length > 0) {
          warned.add(name);
          warn(`metric ${name} is outside the Metis catalogue: labels ${dropped.join(', ')} dropped (kept: ${UNCATALOGUED_LABELS.join(', ')})`);
        }
      }
      if (entry.def.collected && staged) {
        staged.set(keyOf(name, kept), { name, labels: kept, value });
        return;
      }
      const { metric } = entry;
      if (metric instanceof Counter) {
        if (value < 0) return;
        metric.inc(kept, value);
      } else if (metric instanceof Gauge) metric.set(kept, value);
      else metric.observe(kept, value);
      const key = keyOf(name, kept);
      const series = mirror.get(key) ?? { name, labels: kept, kind: entry.def.type, value: 0, count: 0 };
      series.value = entry.def.type === 'gauge' ? value : series.value + value;
      series.count += 1;
      mirror.set(key, series);
    } catch {
      // A metric must never fail the work it measures.
    }
  };

  return {
    registry,
    count: (name, value = 1, labels = {}) => report('counter', name, value, labels),
    gauge: (name, value, labels = {}) => report('gauge', name, value, labels),
    observe: (name, value, labels = {}) => report('histogram', name, value, labels),
    series: () => [...mirror.values()].map((s) => ({ ...s })),
    value: (name, labels = {}) => mirror.get(keyOf(name, labels))?.value ?? 0,
    onScrape(hook) {
      hooks.add(hook);
      return () => void hooks.delete(hook);
    },
    scrape() {
      if (rendering) return rendering;
      const now = Date.now();
      if (!collection || (collection.settled && now - collection.started >= collectEveryMs)) collection = collect();
      const current = collection;
      rendering = (async () => {
        try {
          if (!current.settled) await settledWithin(current.done, current.started + collectTimeoutMs - Date.now());
          return await registry.metrics();
        } finally {
          rendering = undefined;
        }
      })();
      return rendering;
    },
  };

  function collect(): { readonly started: number; readonly done: Promise<void>; settled: boolean } {
    staged = new Map();
    const run = { started: Date.now(), done: Promise.resolve(), settled: false };
    run.done = Promise.allSettled([...hooks].map(async (hook) => hook())).then(() => {
      const values = staged ?? new Map<string, { name: string; labels: Labels; value: number }>();
      staged = undefined;
      // Swapped in at once: a render sees the previous run's values or this run's, never none.
      for (const { def, metric } of metrics.values()) {
        if (!def.collected) continue;
        metric.reset();
        for (const key of [...mirror.keys()]) if (mirror.get(key)?.name === def.name) mirror.delete(key);
      }
      for (const v of values.values()) report('gauge', v.name, v.value, v.labels);
      run.settled = true;
    });
    return run;
  }
}

async function settledWithin(promise: Promise<void>, ms: number): Promise<void> {
  if (ms <= 0) return;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Create metrics kept in memory (a registry of their own), for tests. */
export function createInMemoryMetrics(): InMemoryMetrics {
  return createMetricsRegistry();
}

let processRegistry: MetricsRegistry | undefined;

/** Return the process's shared registry (with Node's `process_*` and `nodejs_*` series), which workers serve unless given their own. */
export function processMetricsRegistry(): MetricsRegistry {
  if (!processRegistry) {
    processRegistry = createMetricsRegistry();
    collectDefaultMetrics({ register: processRegistry.registry });
  }
  return processRegistry;
}

/** Tell whether a sink is a registry (which workers can serve) rather than a plain `Metrics`. */
export function isMetricsRegistry(metrics: Metrics): metrics is MetricsRegistry {
  const candidate = metrics as Partial<MetricsRegistry>;
  return candidate.registry instanceof Registry && typeof candidate.scrape === 'function';
}

/** Return a sink that reports to every given sink. */
export function teeMetrics(...sinks: readonly Metrics[]): Metrics {
  const distinct = [...new Set(sinks)];
  if (distinct.length === 1 && distinct[0]) return distinct[0];
  return {
    count: (name, value, labels) => distinct.forEach((s) => s.count(name, value, labels)),
    gauge: (name, value, labels) => distinct.forEach((s) => s.gauge(name, value, labels)),
    observe: (name, value, labels) => distinct.forEach((s) => s.observe(name, value, labels)),
  };
}
