// Fault: the only worker process is SIGKILLed mid-flight and a new one started.
import { after, before, describe, test } from 'node:test';
import { startChaos } from './support/harness.ts';
import type { Chaos } from './support/harness.ts';
import { runScenario } from './support/scenario.ts';

describe('fault: a worker process SIGKILLed mid-flight', () => {
  let chaos: Chaos;
  before(async () => {
    chaos = await startChaos('wkill');
  });
  after(async () => {
    await chaos?.close();
  });

  test('restarted, it finishes every loan and journey, each once', { timeout: 600_000 }, async () => {
    await runScenario(chaos, {
      fault: 'worker SIGKILL',
      checks: 'a new worker process takes over',
      setup: async (c) => {
        await c.startWorker('first');
      },
      async inject(c) {
        const first = c.workers[0];
        if (!first) throw new Error('no worker');
        await first.kill();
        const second = await c.startWorker('second');
        return `worker pid ${first.pid} SIGKILLed, pid ${second.pid} started`;
      },
    });
  });
});
