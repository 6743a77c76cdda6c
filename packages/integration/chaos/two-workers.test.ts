// Fault: two worker processes poll the same queues; one is SIGKILLed and not restarted.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startChaos } from './support/harness.ts';
import type { Chaos } from './support/harness.ts';
import { runScenario } from './support/scenario.ts';

describe('fault: one of two worker processes SIGKILLed', () => {
  let chaos: Chaos;
  before(async () => {
    chaos = await startChaos('twow');
  });
  after(async () => {
    await chaos?.close();
  });

  test('the other finishes everything, each once', { timeout: 600_000 }, async () => {
    await runScenario(chaos, {
      fault: 'one of two workers SIGKILL',
      checks: 'the surviving worker alone finishes',
      setup: async (c) => {
        await Promise.all([c.startWorker('a'), c.startWorker('b')]);
      },
      async inject(c) {
        const [a, b] = c.workers;
        if (!a || !b) throw new Error('two workers expected');
        await a.kill();
        return `worker pid ${a.pid} of 2 SIGKILLed, not restarted`;
      },
      verify(c) {
        const survivor = c.workers[1];
        assert.ok(survivor && survivor.child.exitCode === null && survivor.child.signalCode === null, `the surviving worker is still running: ${survivor?.stderr() ?? ''}`);
        return Promise.resolve(`worker pid ${survivor.pid} still running`);
      },
    });
  });
});
