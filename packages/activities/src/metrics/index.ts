// @metis/activities/metrics: the metrics interface activities report to.
export { createInMemoryMetrics, noopMetrics } from './metrics.ts';
export type { InMemoryMetrics, Labels, Metrics, MetricSeries } from './metrics.ts';
