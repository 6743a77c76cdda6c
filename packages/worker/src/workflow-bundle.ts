import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';

// When the SDK itself runs from TypeScript source, the bundle must resolve workspace packages
// to their sources too.
const fromSource = import.meta.url.endsWith('.ts');

let bundled: Promise<WorkflowBundleWithSourceMap> | undefined;

/** Bundle the Metis workflows once per process; every worker (and replayer) shares the result. */
export function bundleMetisWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  bundled ??= bundle().catch((error: unknown) => {
    bundled = undefined;
    throw error;
  });
  return bundled;
}

function bundle(): Promise<WorkflowBundleWithSourceMap> {
  const workflowsPath = new URL(import.meta.resolve('@metis/workflows/workflows')).pathname;
  return bundleWorkflowCode({
    workflowsPath,
    // Failure messages and stack traces travel as encoded (so encrypted) payloads.
    failureConverterPath: fileURLToPath(import.meta.resolve('@metis/workflows/failure-converter')),
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
