// Fault: PostgreSQL is restarted mid-flight (fast shutdown: every connection dropped).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { faults, startChaos } from './support/harness.ts';
import type { Chaos } from './support/harness.ts';
import { runScenario } from './support/scenario.ts';

describe('fault: PostgreSQL restarted mid-flight', () => {
  let chaos: Chaos;
  before(async () => {
    chaos = await startChaos('pgrst');
  });
  after(async () => {
    // Whatever happened, leave the server running for the next test.
    await faults.ensurePostgres().catch(() => undefined);
    await chaos?.close();
  });

  test('audit writes and decisions retry: none lost, none doubled', { timeout: 600_000 }, async () => {
    await runScenario(chaos, {
      fault: 'PostgreSQL restart',
      checks: 'no dead letter, the worker survives',
      setup: async (c) => {
        await c.startWorker('only');
      },
      async inject() {
        const start = Date.now();
        await faults.restartPostgres();
        return `cluster restarted (fast shutdown), answering again after ${((Date.now() - start) / 1000).toFixed(1)} s`;
      },
      verify(c) {
        const worker = c.workers[0];
        assert.ok(worker && worker.child.exitCode === null && worker.child.signalCode === null, `the worker survived the restart: ${worker?.stderr() ?? ''}`);
        return Promise.resolve('the worker process survived');
      },
    });
  });
});
