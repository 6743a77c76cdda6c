import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { detectMachine, formatPoolSizing, PoolSizingError, sizePools } from '../src/size-pools.ts';
import type { MachineProbe, ModelFootprint } from '../src/size-pools.ts';
import { TASK_QUEUE_SEPARATOR, taskQueueName, taskQueuePrefix } from '@metis/workflows';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
// A 7B instruct model at 4 bits: 4.1 GB of weights, 128 KiB of KV cache per token (32 layers, 8 KV heads of 128).
const llm7b: ModelFootprint = { name: 'qwen-7b-q4', kind: 'llm', fileBytes: 4.1 * GiB, kvBytesPerToken: 128 * 1024, trainContextSize: 32768 };
const ocr: ModelFootprint = { name: 'pp-ocrv4', kind: 'onnx', fileBytes: 16 * MiB };

function probe(files: Record<string, string>, cpus = 8, memory = 32 * GiB): MachineProbe {
  return { availableParallelism: () => cpus, totalmem: () => memory, readFile: (path) => files[path] };
}

describe('sizePools', () => {
  test('2 cores: llama.cpp takes both, onnx shares one thread, small batches', () => {
    const s = sizePools({ cpus: 2, memoryBytes: 8 * GiB, models: [{ name: 'gen', kind: 'llm', fileBytes: 290 * MiB, kvBytesPerToken: 64 * 1024 }] });
    assert.deepEqual(s.llm, { threads: 2, batchSize: 128, sequences: 4, contextSize: 2048 });
    assert.deepEqual(s.onnx, { intraOpThreads: 1, interOpThreads: 1, sessions: 1 });
    assert.deepEqual(s.pools.interactive, { maxConcurrentActivities: 8, maxConcurrentWorkflowTasks: 4 });
    assert.deepEqual(s.pools.default, { maxConcurrentActivities: 16, maxConcurrentWorkflowTasks: 4 });
    assert.deepEqual(s.pools.ai, { maxConcurrentActivities: 5, maxConcurrentWorkflowTasks: 2 });
    assert.equal(s.memory.kvBytes, 4 * 2048 * 64 * 1024);
    assert.ok(s.memory.requiredBytes <= s.memory.budgetBytes);
  });

  test('4 cores: every core to llama.cpp, two onnx threads', () => {
    const s = sizePools({ cpus: 4, memoryBytes: 16 * GiB, models: [llm7b, ocr] });
    assert.deepEqual(s.llm, { threads: 4, batchSize: 256, sequences: 8, contextSize: 2048 });
    assert.deepEqual(s.onnx, { intraOpThreads: 2, interOpThreads: 1, sessions: 1 });
    assert.equal(s.pools.ai.maxConcurrentActivities, 9);
    assert.equal(s.pools.interactive.maxConcurrentActivities, 16);
  });

  test('16 cores: three quarters to llama.cpp, the rest to onnxruntime', () => {
    const s = sizePools({ cpus: 16, memoryBytes: 64 * GiB, models: [llm7b, ocr] });
    assert.deepEqual(s.llm, { threads: 12, batchSize: 512, sequences: 16, contextSize: 2048 });
    assert.deepEqual(s.onnx, { intraOpThreads: 4, interOpThreads: 1, sessions: 1 });
    assert.deepEqual(s.pools.ai, { maxConcurrentActivities: 17, maxConcurrentWorkflowTasks: 16 });
    assert.deepEqual(s.pools.default, { maxConcurrentActivities: 128, maxConcurrentWorkflowTasks: 32 });
    assert.equal(s.memory.kvBytes, 16 * 2048 * 128 * 1024);
  });

  test('64 cores: thread counts are capped where they stop paying', () => {
    const s = sizePools({ cpus: 64, memoryBytes: 256 * GiB, models: [llm7b, ocr] });
    assert.equal(s.llm.threads, 32);
    assert.equal(s.llm.sequences, 16);
    assert.deepEqual(s.onnx, { intraOpThreads: 8, interOpThreads: 1, sessions: 4 });
    assert.deepEqual(s.pools.interactive, { maxConcurrentActivities: 256, maxConcurrentWorkflowTasks: 64 });
    assert.deepEqual(s.pools.default, { maxConcurrentActivities: 512, maxConcurrentWorkflowTasks: 64 });
    assert.deepEqual(s.pools.ai, { maxConcurrentActivities: 20, maxConcurrentWorkflowTasks: 16 });
  });

  test('tight memory lowers the sequences until the KV cache fits', () => {
    // 8 GiB minus the 819 MiB reserve leaves ~7.2 GiB: 4.1 GiB model + work, then 256 MiB per sequence.
    const s = sizePools({ cpus: 16, memoryBytes: 8 * GiB, models: [llm7b] });
    assert.ok(s.llm.sequences < 16 && s.llm.sequences >= 1, `sequences ${s.llm.sequences}`);
    assert.ok(s.memory.requiredBytes <= s.memory.budgetBytes);
    assert.ok(s.memory.requiredBytes + 256 * MiB > s.memory.budgetBytes, 'one more sequence would not fit');
    assert.equal(s.pools.ai.maxConcurrentActivities, s.llm.sequences + s.onnx.sessions);
  });

  test('a model that does not fit fails with a typed error before anything loads', () => {
    assert.throws(
      () => sizePools({ cpus: 4, memoryBytes: 4 * GiB, models: [llm7b] }),
      (e: unknown) => e instanceof PoolSizingError && e.code === 'MEMORY_BUDGET_EXCEEDED' && /qwen-7b-q4/.test(e.message) && /3\.\d GiB/.test(e.message),
    );
    // An explicit sequence count is never lowered silently.
    assert.throws(
      () => sizePools({ cpus: 16, memoryBytes: 8 * GiB, models: [llm7b], overrides: { llm: { sequences: 16 } } }),
      (e: unknown) => e instanceof PoolSizingError && e.code === 'MEMORY_BUDGET_EXCEEDED',
    );
  });

  test('every value can be overridden; bad numbers are refused', () => {
    const s = sizePools({
      cpus: 16,
      memoryBytes: 64 * GiB,
      models: [llm7b],
      overrides: { llm: { threads: 8, sequences: 4, contextSize: 4096, batchSize: 64 }, onnx: { intraOpThreads: 2, sessions: 3 }, pools: { default: { maxConcurrentActivities: 40 } }, reserveBytes: GiB },
    });
    assert.deepEqual(s.llm, { threads: 8, batchSize: 64, sequences: 4, contextSize: 4096 });
    assert.deepEqual(s.onnx, { intraOpThreads: 2, interOpThreads: 1, sessions: 3 });
    assert.equal(s.pools.default.maxConcurrentActivities, 40);
    assert.equal(s.pools.default.maxConcurrentWorkflowTasks, 32);
    assert.equal(s.pools.ai.maxConcurrentActivities, 7);
    assert.equal(s.memory.reserveBytes, GiB);
    assert.throws(() => sizePools({ cpus: 0, memoryBytes: GiB }), (e: unknown) => e instanceof PoolSizingError && e.code === 'INVALID_POOL_SIZING');
    assert.throws(() => sizePools({ cpus: 2, memoryBytes: GiB, overrides: { llm: { threads: 1.5 } } }), PoolSizingError);
  });

  test('defaults read the machine, lowered by cgroup v2 and v1 limits', () => {
    assert.deepEqual(detectMachine(probe({})), { cpus: 8, memoryBytes: 32 * GiB, cpuSource: 'os', memorySource: 'os' });
    const v2 = probe({ '/sys/fs/cgroup/cpu.max': '250000 100000\n', '/sys/fs/cgroup/memory.max': `${6 * GiB}\n` });
    assert.deepEqual(detectMachine(v2), { cpus: 2, memoryBytes: 6 * GiB, cpuSource: 'cgroup', memorySource: 'cgroup' });
    const unlimited = probe({ '/sys/fs/cgroup/cpu.max': 'max 100000', '/sys/fs/cgroup/memory.max': 'max' });
    assert.deepEqual(detectMachine(unlimited), { cpus: 8, memoryBytes: 32 * GiB, cpuSource: 'os', memorySource: 'os' });
    const v1 = probe({
      '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '400000',
      '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000',
      '/sys/fs/cgroup/memory/memory.limit_in_bytes': '9223372036854771712',
    });
    assert.deepEqual(detectMachine(v1), { cpus: 4, memoryBytes: 32 * GiB, cpuSource: 'cgroup', memorySource: 'os' });
    assert.equal(detectMachine(probe({ '/sys/fs/cgroup/cpu.max': '50000 100000' })).cpus, 1, 'half a CPU still runs one thread');
    const s = sizePools({ probe: v2, models: [] });
    assert.equal(s.machine.cpus, 2);
    assert.equal(s.llm.threads, 2);
    assert.equal(sizePools({ probe: v2, cpus: 16 }).machine.cpuSource, 'input');
  });

  test('the table names each pool and the plan', () => {
    const text = formatPoolSizing(sizePools({ cpus: 16, memoryBytes: 64 * GiB, models: [llm7b, ocr] }), { taskQueuePrefix: 'acme' });
    const lines = text.split('\n');
    assert.match(lines[0]!, /16 CPUs \(input\), 64\.0 GiB memory/);
    assert.match(text, /^acme-metis-interactive\s+64\s+32$/m);
    assert.match(text, /^acme-metis-default\s+128\s+32$/m);
    assert.match(text, /^acme-metis-ai\s+17\s+16$/m);
    assert.match(text, /llama\.cpp\s+threads 12, batch 512, sequences 16, context 2048/);
    assert.match(text, /onnxruntime\s+intra-op 4, inter-op 1, sessions 1/);
    assert.match(text, /qwen-7b-q4 \(llm, 4\.1 GiB\)/);
    assert.match(text, /KV 4\.0 GiB/);
  });

  test('a task queue prefix is joined with a separator and checked', () => {
    const sizing = sizePools({ cpus: 4, memoryBytes: 16 * GiB, models: [] });
    const pools = (options: { taskQueuePrefix?: string }) => formatPoolSizing(sizing, options).split('\n').slice(2, 5).map((row) => row.split(/\s+/)[0]);
    assert.equal(TASK_QUEUE_SEPARATOR, '-');
    assert.deepEqual(pools({}), ['metis-interactive', 'metis-default', 'metis-ai']);
    assert.deepEqual(pools({ taskQueuePrefix: 'acme' }), ['acme-metis-interactive', 'acme-metis-default', 'acme-metis-ai'], 'not acmemetis-interactive');
    assert.deepEqual(pools({ taskQueuePrefix: 'eu.prod_2' }), ['eu.prod_2-metis-interactive', 'eu.prod_2-metis-default', 'eu.prod_2-metis-ai']);
    for (const prefix of ['', 'acme-', '-acme', 'ac me', 'acme\n', 'acme/x', 'acme:x', 'é', 'a'.repeat(65)]) {
      assert.throws(() => formatPoolSizing(sizing, { taskQueuePrefix: prefix }), { name: 'TypeError', message: /task queue prefix .* is invalid/ }, JSON.stringify(prefix));
    }
    // A workflow finds its family of queues from its own queue, prefixed or not.
    assert.equal(taskQueuePrefix('acme-metis-interactive'), 'acme');
    assert.equal(taskQueuePrefix('record-4804b4ac-metis-ai'), 'record-4804b4ac');
    assert.equal(taskQueuePrefix('metis-default'), undefined);
    assert.equal(taskQueuePrefix('raw'), undefined);
    assert.equal(taskQueuePrefix('acmemetis-interactive'), 'acme', 'a queue named before the separator was added');
    assert.equal(taskQueueName('default', taskQueuePrefix('acme-metis-interactive')), 'acme-metis-default');
  });
});
