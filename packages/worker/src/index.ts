// @metis/worker: the workers of a tenant service (or of a worker process of its own): the three
// Metis pools, their sizing and the workflow bundle. Native AI libraries load only for the
// activities a worker registers.
export { createWorkers } from './create-workers.ts';
export type { CreateWorkersOptions, MetisWorkers, PoolOptions } from './create-workers.ts';
export { bundleMetisWorkflows } from './workflow-bundle.ts';
export { connectWorker } from './connect-worker.ts';
export { detectMachine, formatBytes, formatPoolSizing, nodeMachineProbe, PoolSizingError, sizePools } from './size-pools.ts';
export type { LlmSizing, MachineProbe, MachineResources, MemoryPlan, ModelFootprint, OnnxSizing, PoolConcurrency, PoolSizing, PoolSizingOverrides, SizePoolsInput } from './size-pools.ts';
export { replayMetisHistory } from './replay-history.ts';
export type { WorkflowHistory } from './replay-history.ts';
export { activityMetricsInterceptor, errorTypeOf, PLATFORM_TENANT, tenantOfWorkflowId } from './observability/activity-metrics.ts';
export { DEFAULT_METRICS_ADDRESS, parseMetricsAddress, serveMetrics } from './observability/metrics-endpoint.ts';
export type { ListenAddress, MetricsEndpoint } from './observability/metrics-endpoint.ts';
