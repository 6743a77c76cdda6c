import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleMetisWorkflows } from '@metis/worker';

// Recorded histories of every workflow path (see support/record-histories.ts) must replay
// against today's workflow code: a non-deterministic change fails here, not in production.
const dir = new URL('./histories/', import.meta.url);
let bundle: WorkflowBundleWithSourceMap;

async function histories(): Promise<{ name: string; history: ReturnType<typeof historyFromJSON> }[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(files.map(async (f) => ({ name: f.replace(/\.json$/, ''), history: historyFromJSON(JSON.parse(await readFile(new URL(f, dir), 'utf8'))) })));
}

describe('replay of recorded histories', () => {
  before(async () => {
    try {
      Runtime.install({ logger: new DefaultLogger('ERROR') });
    } catch {
      // Installed already in this process.
    }
    bundle = await bundleMetisWorkflows();
  });

  test('every recorded history replays against the current workflows', async () => {
    const all = await histories();
    assert.ok(all.length >= 6, `expected the recorded histories, found ${all.length}`);
    const types = new Set<string>();
    for (const { name, history } of all) {
      const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
      types.add(started?.workflowType?.name ?? '');
      await Worker.runReplayHistory({ workflowBundle: bundle, replayName: name }, history, name);
    }
    assert.deepEqual([...types].sort(), ['journeyWorkflow', 'loanProcessingWorkflow']);
  });

  describe('a non-deterministic change', () => {
    const probe = fileURLToPath(new URL(`../../workflows/test/replay-probe-${crypto.randomUUID().slice(0, 8)}.ts`, import.meta.url));
    after(() => rm(probe, { force: true }));

    test('fails the replay', async () => {
      // The loan workflow with its first two activities swapped.
      await writeFile(
        probe,
        `import { proxyActivities } from '@temporalio/workflow';
const a = proxyActivities<Record<string, (x: unknown) => Promise<unknown>>>({ startToCloseTimeout: '1m' });
export async function loanProcessingWorkflow(input: { tenantId: string }): Promise<unknown> {
  await a['assessRisk']!(input);
  return a['recordLoanApplication']!(input);
}
`,
      );
      const changed = await bundleWorkflowCode({ workflowsPath: probe, logger: new DefaultLogger('ERROR') });
      const all = await histories();
      const loan = all.find((h) => h.name === 'loan-acme-approved');
      assert.ok(loan);
      await assert.rejects(Worker.runReplayHistory({ workflowBundle: changed }, loan.history), (error: Error) => {
        assert.match(error.name + error.message, /Determinism|nondetermin/i);
        return true;
      });
    });
  });
});
