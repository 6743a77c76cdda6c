import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { Logger, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createMetisLogger } from '@metis/activities/logging';

// When the SDK itself runs from TypeScript source, the bundle must resolve workspace packages
// to their sources too.
const fromSource = import.meta.url.endsWith('.ts');

let bundled: Promise<WorkflowBundleWithSourceMap> | undefined;

/** Bundle the Metis workflows once per process, the bundler's warnings to `logger`; every worker (and replayer) shares the result. */
export function bundleMetisWorkflows(logger?: Logger): Promise<WorkflowBundleWithSourceMap> {
  bundled ??= bundle(logger ?? createMetisLogger({ level: 'warn' })).catch((error: unknown) => {
    bundled = undefined;
    throw error;
  });
  return bundled;
}

function bundle(logger: Logger): Promise<WorkflowBundleWithSourceMap> {
  const workflowsPath = new URL(import.meta.resolve('@metis/workflows/workflows')).pathname;
  return bundleWorkflowCode({
    workflowsPath,
    // Failure messages and stack traces travel as encoded (so encrypted) payloads.
    failureConverterPath: fileURLToPath(import.meta.resolve('@metis/workflows/failure-converter')),
    logger,
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
