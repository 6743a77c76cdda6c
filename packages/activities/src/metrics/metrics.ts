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

/** One series as the in-memory sink holds it. */
export interface MetricSeries {
  /** Metric name. */
  readonly name: string;
  /** Its labels. */
  readonly labels: Labels;
  /** Kind of metric. */
  readonly kind: 'counter' | 'gauge' | 'histogram';
  /** Counter total or gauge value; the sum of observations for a histogram. */
  readonly value: number;
  /** Observations recorded (histograms), or updates (counters, gauges). */
  readonly count: number;
}

/** A metrics sink that keeps everything in memory and renders Prometheus text. */
export interface InMemoryMetrics extends Metrics {
  /** Return every series recorded so far. */
  series(): MetricSeries[];
  /** Return one series' value, or 0 when it was never recorded. */
  value(name: string, labels?: Labels): number;
  /** Render every series in the Prometheus text exposition format. */
  toPrometheus(): string;
}

/** A sink that drops everything. */
export const noopMetrics: Metrics = { count() {}, gauge() {}, observe() {} };

function keyOf(name: string, labels: Labels): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${String(labels[k]).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return parts.length ? `${name}{${parts.join(',')}}` : name;
}

/** Create an in-memory metrics sink. */
export function createInMemoryMetrics(): InMemoryMetrics {
  const all = new Map<string, { name: string; labels: Labels; kind: MetricSeries['kind']; value: number; count: number }>();
  const touch = (kind: MetricSeries['kind'], name: string, labels: Labels) => {
    const key = keyOf(name, labels);
    let s = all.get(key);
    if (!s) {
      s = { name, labels: { ...labels }, kind, value: 0, count: 0 };
      all.set(key, s);
    }
    return s;
  };
  return {
    count(name, value = 1, labels = {}) {
      const s = touch('counter', name, labels);
      s.value += value;
      s.count += 1;
    },
    gauge(name, value, labels = {}) {
      const s = touch('gauge', name, labels);
      s.value = value;
      s.count += 1;
    },
    observe(name, value, labels = {}) {
      const s = touch('histogram', name, labels);
      s.value += value;
      s.count += 1;
    },
    series: () => [...all.values()].map((s) => ({ ...s })),
    value: (name, labels = {}) => all.get(keyOf(name, labels))?.value ?? 0,
    toPrometheus() {
      const lines: string[] = [];
      const typed = new Set<string>();
      for (const [key, s] of all) {
        const type = s.kind === 'histogram' ? 'summary' : s.kind;
        if (!typed.has(s.name)) {
          lines.push(`# TYPE ${s.name} ${type}`);
          typed.add(s.name);
        }
        if (s.kind === 'histogram') {
          lines.push(`${keyOf(`${s.name}_sum`, s.labels)} ${s.value}`, `${keyOf(`${s.name}_count`, s.labels)} ${s.count}`);
        } else {
          lines.push(`${key} ${s.value}`);
        }
      }
      return `${lines.join('\n')}\n`;
    },
  };
}
