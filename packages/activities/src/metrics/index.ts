// @metis/activities/metrics: the metrics interface activities report to, the catalogue of Metis
// metrics and the prom-client registry the workers serve.
export { createInMemoryMetrics, createMetricsRegistry, isMetricsRegistry, noopMetrics, processMetricsRegistry, teeMetrics } from './metrics.ts';
export type { InMemoryMetrics, Labels, Metrics, MetricSeries, MetricsRegistry, MetricsRegistryOptions } from './metrics.ts';
export { DURATION_BUCKETS, METIS_METRICS } from './catalogue.ts';
export type { MetricDefinition, MetricType } from './catalogue.ts';
export { collectJourneyCounts } from './journey-counts.ts';
