// Fault: the Temporal server is SIGKILLed mid-flight and started again.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { faults, sleep, startChaos } from './support/harness.ts';
import type { Chaos } from './support/harness.ts';
import { runScenario } from './support/scenario.ts';

describe('fault: the Temporal server SIGKILLed mid-flight', () => {
  let chaos: Chaos;
  before(async () => {
    chaos = await startChaos('tkill');
  });
  after(async () => {
    // Whatever happened, leave the server running for the next test.
    await faults.startTemporal().catch(() => undefined);
    await chaos?.close();
  });

  test('restarted, every journey and loan resumes and finishes once', { timeout: 600_000 }, async () => {
    const server = process.env['METIS_TEMPORAL'] ?? 'dev';
    await runScenario(chaos, {
      fault: 'Temporal server SIGKILL',
      checks: 'the workers and the client reconnect by themselves',
      setup: async (c) => {
        await c.startWorker('only');
      },
      async inject() {
        await faults.killTemporal();
        await sleep(3_000);
        const start = Date.now();
        await faults.startTemporal();
        return `${server} server SIGKILLed, down 3 s, restarted in ${((Date.now() - start) / 1000).toFixed(1)} s`;
      },
      verify(c) {
        const worker = c.workers[0];
        assert.ok(worker && worker.child.exitCode === null && worker.child.signalCode === null, `the worker survived the outage: ${worker?.stderr() ?? ''}`);
        return Promise.resolve('the worker process survived');
      },
    });
  });
});
