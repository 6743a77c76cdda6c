import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { inWorkflowContext } from '@temporalio/workflow';
import { POOLS, taskQueueName, taskQueuePrefix } from '@metis/workflows';

/**
 * Run `work` as if in workflow code. `inWorkflowContext()` is true while the SDK's activator is
 * installed on the global object; the worker installs it for each activation. The end-to-end
 * version (real workflows on a real server) is in integration/test/configuration-errors.test.ts.
 */
function asWorkflowCode<T>(work: () => T): T {
  const global = globalThis as { __TEMPORAL_ACTIVATOR__?: unknown };
  global.__TEMPORAL_ACTIVATOR__ = {};
  try {
    assert.equal(inWorkflowContext(), true, 'the stand-in activator puts the SDK in workflow context');
    return work();
  } finally {
    delete global.__TEMPORAL_ACTIVATOR__;
  }
}

describe('task queue names', () => {
  test('a workflow recovers the prefix from its own queue, separated or not', () => {
    for (const pool of POOLS) {
      assert.equal(taskQueuePrefix(`metis-${pool}`), undefined);
      assert.equal(taskQueuePrefix(`acme-metis-${pool}`), 'acme');
      assert.equal(taskQueuePrefix(`eu.prod_2-metis-${pool}`), 'eu.prod_2');
      // Named before the separator was added: prefix `acme` gave `acmemetis-{pool}`.
      assert.equal(taskQueuePrefix(`acmemetis-${pool}`), 'acme');
    }
    assert.equal(taskQueuePrefix('raw'), undefined);
    assert.equal(taskQueuePrefix('metis-other'), undefined);
  });

  test('activities of a workflow on an old queue go to the queues current workers poll', () => {
    for (const pool of POOLS) {
      assert.equal(taskQueueName(pool, taskQueuePrefix('acmemetis-default')), `acme-metis-${pool}`);
      assert.equal(taskQueueName(pool, taskQueuePrefix('acme-metis-interactive')), `acme-metis-${pool}`);
      assert.equal(taskQueueName(pool, taskQueuePrefix('metis-ai')), `metis-${pool}`);
    }
  });

  test('outside workflow code a prefix is checked', () => {
    assert.equal(inWorkflowContext(), false);
    for (const prefix of ['', 'acme-', '-acme', 'ac me', 'acme/x']) {
      assert.throws(() => taskQueueName('default', prefix), { name: 'TypeError', message: /task queue prefix .* is invalid/ }, JSON.stringify(prefix));
    }
  });

  test('in workflow code a recovered prefix is used as it is, never refused', () => {
    // Queues an older deployment may have named; none of their prefixes passes today's check,
    // and a throw here would fail the workflow task on every attempt.
    const queues = { 'acme--metis-default': 'acme-', '-metis-default': '', 'ac me-metis-ai': 'ac me', 'acme/x-metis-interactive': 'acme/x' };
    asWorkflowCode(() => {
      for (const [queue, prefix] of Object.entries(queues)) {
        assert.equal(taskQueuePrefix(queue), prefix);
        for (const pool of POOLS) assert.equal(taskQueueName(pool, taskQueuePrefix(queue)), `${prefix}-metis-${pool}`, queue);
      }
      // The same family of queues as before: a prefix with its separator still finds its own queue.
      assert.equal(taskQueueName('default', taskQueuePrefix('acme--metis-ai')), 'acme--metis-default');
      assert.equal(taskQueueName('default', taskQueuePrefix('acmemetis-ai')), 'acme-metis-default');
    });
  });
});
