import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';

// When the SDK itself runs from TypeScript source, the bundle must resolve workspace packages
// to their sources too.
const fromSource = import.meta.url.endsWith('.ts');

/** Bundle the Metis workflows once; every worker in the process can share the result. */
export async function bundleMetisWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  const workflowsPath = new URL(import.meta.resolve('@metis/workflows/workflows')).pathname;
  return bundleWorkflowCode({
    workflowsPath,
    logger: new DefaultLogger('WARN'),
    ...(fromSource
      ? {
          webpackConfigHook: (config) => ({
            ...config,
            resolve: { ...config.resolve, conditionNames: ['metis-source', '...'] },
          }),
        }
      : {}),
  });
}
