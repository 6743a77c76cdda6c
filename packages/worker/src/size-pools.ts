import { readFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { MetisError } from '@metis/activities/errors';
import { POOLS, taskQueueName } from '@metis/workflows';
import type { Pool } from '@metis/workflows';

/** A model the AI pool loads, as far as sizing is concerned. */
export interface ModelFootprint {
  /** Name shown in the sizing table. */
  readonly name: string;
  /** `llm` (llama.cpp, GGUF) or `onnx` (onnxruntime: OCR, risk). */
  readonly kind: 'llm' | 'onnx';
  /** Model file size in bytes (weights end up resident). */
  readonly fileBytes: number;
  /** LLM only: KV-cache bytes per token of context (`inspectModelFile(...).kvBytesPerToken`). */
  readonly kvBytesPerToken?: number;
  /** LLM only: context length the model was trained for. */
  readonly trainContextSize?: number;
}

/** CPUs and memory a process may use, and where each figure came from. */
export interface MachineResources {
  /** CPUs available (cgroup quota when lower than the OS's count). */
  readonly cpus: number;
  /** Memory in bytes (cgroup limit when lower than the machine's). */
  readonly memoryBytes: number;
  /** Where `cpus` came from. */
  readonly cpuSource: 'input' | 'os' | 'cgroup';
  /** Where `memoryBytes` came from. */
  readonly memorySource: 'input' | 'os' | 'cgroup';
}

/** How the machine is read; replaceable in tests. */
export interface MachineProbe {
  /** CPUs the OS offers this process. */
  availableParallelism(): number;
  /** Physical memory in bytes. */
  totalmem(): number;
  /** A file's text, or undefined when it cannot be read. */
  readFile(path: string): string | undefined;
}

/** Overrides of any computed value. */
export interface PoolSizingOverrides {
  /** Per-pool concurrency. */
  readonly pools?: Partial<Record<Pool, Partial<PoolConcurrency>>>;
  /** llama.cpp settings. */
  readonly llm?: Partial<LlmSizing>;
  /** onnxruntime settings. */
  readonly onnx?: Partial<OnnxSizing>;
  /** Memory kept back for Node, Temporal, connections and the OS, in bytes. */
  readonly reserveBytes?: number;
}

/** Input of `sizePools`: anything left out is read from the machine. */
export interface SizePoolsInput {
  /** CPUs to plan for (default: `os.availableParallelism()`, lowered by a cgroup CPU quota). */
  readonly cpus?: number;
  /** Memory to plan for, in bytes (default: `os.totalmem()`, lowered by a cgroup memory limit). */
  readonly memoryBytes?: number;
  /** Models the AI pool loads. */
  readonly models?: readonly ModelFootprint[];
  /** Values to use instead of the computed ones. */
  readonly overrides?: PoolSizingOverrides;
  /** How to read the machine (default: Node's `os` and `/sys/fs/cgroup`). */
  readonly probe?: MachineProbe;
}

/** Concurrency of one pool's worker (the shape `createWorkers` takes). */
export interface PoolConcurrency {
  /** Activities run at once. */
  readonly maxConcurrentActivities: number;
  /** Workflow tasks run at once. */
  readonly maxConcurrentWorkflowTasks: number;
}

/** llama.cpp settings for the LLM engine. */
export interface LlmSizing {
  /** CPU threads decoding uses. */
  readonly threads: number;
  /** Most tokens per decode pass. */
  readonly batchSize: number;
  /** Requests decoded together (sequences of one context). */
  readonly sequences: number;
  /** Tokens per sequence. */
  readonly contextSize: number;
}

/** onnxruntime settings for OCR and risk models. */
export interface OnnxSizing {
  /** Threads inside one operator. */
  readonly intraOpThreads: number;
  /** Operators run in parallel. */
  readonly interOpThreads: number;
  /** Inference sessions run at once. */
  readonly sessions: number;
}

/** The memory plan of the AI pool, in bytes. */
export interface MemoryPlan {
  /** What the models may use: memory minus the reserve. */
  readonly budgetBytes: number;
  /** Kept back for everything else. */
  readonly reserveBytes: number;
  /** Model files (weights). */
  readonly modelBytes: number;
  /** KV cache: sequences × context × bytes per token, for every LLM. */
  readonly kvBytes: number;
  /** Estimated compute buffers and onnxruntime arenas. */
  readonly workBytes: number;
  /** Sum of models, KV cache and work buffers. */
  readonly requiredBytes: number;
}

/** Worker pools sized for a machine. */
export interface PoolSizing {
  /** What was planned for. */
  readonly machine: MachineResources;
  /** Concurrency of each pool. */
  readonly pools: Readonly<Record<Pool, PoolConcurrency>>;
  /** llama.cpp settings. */
  readonly llm: LlmSizing;
  /** onnxruntime settings. */
  readonly onnx: OnnxSizing;
  /** Memory plan; `requiredBytes` never exceeds `budgetBytes`. */
  readonly memory: MemoryPlan;
  /** Models planned for. */
  readonly models: readonly ModelFootprint[];
}

/** Sizing input that cannot work: bad numbers, or models that do not fit in memory. */
export class PoolSizingError extends MetisError {}

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** The real machine: Node's `os` and the process's cgroup files. */
export const nodeMachineProbe: MachineProbe = {
  availableParallelism,
  totalmem,
  readFile(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
};

function cgroupCpus(probe: MachineProbe): number | undefined {
  // cgroup v2: "max 100000" or "<quota> <period>"; v1: cfs_quota_us (-1 = none) and cfs_period_us.
  const v2 = probe.readFile('/sys/fs/cgroup/cpu.max')?.trim().split(/\s+/);
  if (v2 && v2[0] !== 'max') {
    const quota = Number(v2[0]);
    const period = Number(v2[1] ?? 100000);
    if (quota > 0 && period > 0) return quota / period;
  }
  const quota = Number(probe.readFile('/sys/fs/cgroup/cpu/cpu.cfs_quota_us')?.trim());
  const period = Number(probe.readFile('/sys/fs/cgroup/cpu/cpu.cfs_period_us')?.trim());
  if (quota > 0 && period > 0) return quota / period;
  return undefined;
}

function cgroupMemory(probe: MachineProbe): number | undefined {
  for (const path of ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes']) {
    const text = probe.readFile(path)?.trim();
    if (text === undefined || text === 'max') continue;
    const limit = Number(text);
    if (Number.isFinite(limit) && limit > 0) return limit;
  }
  return undefined;
}

/** Read the CPUs and memory this process may use: the OS's figures, lowered by cgroup limits when present. */
export function detectMachine(probe: MachineProbe = nodeMachineProbe): MachineResources {
  const osCpus = probe.availableParallelism();
  const osMemory = probe.totalmem();
  const quota = cgroupCpus(probe);
  const limit = cgroupMemory(probe);
  const cpuFromCgroup = quota !== undefined && quota < osCpus;
  const memoryFromCgroup = limit !== undefined && limit < osMemory;
  return {
    // A fractional quota (1.5 CPUs) still runs one thread per whole CPU, and never fewer than one.
    cpus: cpuFromCgroup ? Math.max(1, Math.floor(quota)) : osCpus,
    memoryBytes: memoryFromCgroup ? limit : osMemory,
    cpuSource: cpuFromCgroup ? 'cgroup' : 'os',
    memorySource: memoryFromCgroup ? 'cgroup' : 'os',
  };
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new PoolSizingError('INVALID_POOL_SIZING', `${name} must be a positive integer, got ${value}`);
  return value;
}

function resolveMachine(input: SizePoolsInput): MachineResources {
  const needProbe = input.cpus === undefined || input.memoryBytes === undefined;
  const detected = needProbe ? detectMachine(input.probe) : undefined;
  const cpus = input.cpus ?? detected?.cpus ?? 1;
  const memoryBytes = input.memoryBytes ?? detected?.memoryBytes ?? 0;
  positiveInteger('cpus', cpus);
  if (!(Number.isFinite(memoryBytes) && memoryBytes > 0)) throw new PoolSizingError('INVALID_POOL_SIZING', `memoryBytes must be a positive number, got ${memoryBytes}`);
  return {
    cpus,
    memoryBytes,
    cpuSource: input.cpus !== undefined ? 'input' : (detected?.cpuSource ?? 'os'),
    memorySource: input.memoryBytes !== undefined ? 'input' : (detected?.memorySource ?? 'os'),
  };
}

/**
 * Size the worker pools, llama.cpp and onnxruntime for a machine, and check that the models, their
 * KV caches and work buffers fit in memory; throw `PoolSizingError` (`MEMORY_BUDGET_EXCEEDED`)
 * before anything is loaded when they do not.
 *
 * - `metis-interactive`: quick journey steps and validations, mostly waiting on the database:
 *   4 activities per CPU (4–256).
 * - `metis-default`: bureaus, storage, notifications, which wait on the network: 8 per CPU (8–512).
 * - `metis-ai`: CPU-bound. llama.cpp gets every CPU up to 4, then three quarters of them (at most
 *   32: decoding stops scaling with threads once memory bandwidth is the limit); onnxruntime gets
 *   the rest (1–8 intra-op threads). The LLM decodes 2 sequences per thread (2–16) in one batch,
 *   fewer when memory is short; the pool's activity slots are those sequences plus the onnx sessions.
 * - Memory: a reserve (10 %, at least 512 MiB) stays for Node, Temporal and connections; the rest
 *   must hold the model files, the KV cache of every sequence and the work buffers.
 */
export function sizePools(input: SizePoolsInput = {}): PoolSizing {
  const machine = resolveMachine(input);
  const o = input.overrides ?? {};
  const c = machine.cpus;
  const models = input.models ?? [];
  const llms = models.filter((m) => m.kind === 'llm');
  const onnxModels = models.filter((m) => m.kind === 'onnx');

  const threads = positiveInteger('llm.threads', o.llm?.threads ?? (c <= 4 ? c : Math.min(32, Math.ceil(c * 0.75))));
  const spare = Math.max(0, c - threads);
  const intraOpThreads = positiveInteger('onnx.intraOpThreads', o.onnx?.intraOpThreads ?? (c <= 4 ? Math.max(1, Math.floor(c / 2)) : clamp(spare, 1, 8)));
  const interOpThreads = positiveInteger('onnx.interOpThreads', o.onnx?.interOpThreads ?? 1);
  const sessions = positiveInteger('onnx.sessions', o.onnx?.sessions ?? Math.max(1, Math.floor(spare / intraOpThreads)));
  const trainContext = Math.min(...llms.map((m) => m.trainContextSize ?? 2048), 2048);
  const contextSize = positiveInteger('llm.contextSize', o.llm?.contextSize ?? trainContext);

  const reserveBytes = o.reserveBytes ?? Math.max(512 * MiB, Math.round(machine.memoryBytes * 0.1));
  const budgetBytes = machine.memoryBytes - reserveBytes;
  const modelBytes = models.reduce((sum, m) => sum + m.fileBytes, 0);
  // llama.cpp's compute buffers grow with the model and the batch; onnxruntime's arena roughly doubles a model.
  const onnxWork = onnxModels.reduce((sum, m) => sum + m.fileBytes, 0) * sessions;
  const llmWork = llms.reduce((sum, m) => sum + 64 * MiB + Math.round(m.fileBytes * 0.05), 0);
  const kvPerSequence = llms.reduce((sum, m) => sum + (m.kvBytesPerToken ?? 0) * contextSize, 0);
  const fixedBytes = modelBytes + onnxWork + llmWork;

  let sequences = o.llm?.sequences ?? clamp(2 * threads, 2, 16);
  positiveInteger('llm.sequences', sequences);
  const needed = (s: number): number => fixedBytes + s * kvPerSequence;
  if (needed(sequences) > budgetBytes && o.llm?.sequences === undefined && kvPerSequence > 0) {
    sequences = Math.max(1, Math.floor((budgetBytes - fixedBytes) / kvPerSequence));
  }
  const requiredBytes = needed(sequences);
  if (requiredBytes > budgetBytes) {
    const what = llms.length ? `${llms.map((m) => m.name).join(', ')} with ${sequences} sequence(s) of ${contextSize} tokens` : 'the models';
    throw new PoolSizingError(
      'MEMORY_BUDGET_EXCEEDED',
      `${what} need ${formatBytes(requiredBytes)} (models ${formatBytes(modelBytes)}, KV cache ${formatBytes(sequences * kvPerSequence)}, work ${formatBytes(onnxWork + llmWork)}) but only ${formatBytes(budgetBytes)} of ${formatBytes(machine.memoryBytes)} is available after a ${formatBytes(reserveBytes)} reserve`,
      { hint: 'Use a smaller or more quantized model, lower llm.contextSize or llm.sequences, or give the worker more memory' },
    );
  }
  const batchSize = positiveInteger('llm.batchSize', Math.max(o.llm?.batchSize ?? clamp(64 * threads, 128, 512), sequences));

  const base: Record<Pool, PoolConcurrency> = {
    interactive: { maxConcurrentActivities: clamp(4 * c, 4, 256), maxConcurrentWorkflowTasks: clamp(2 * c, 2, 64) },
    default: { maxConcurrentActivities: clamp(8 * c, 8, 512), maxConcurrentWorkflowTasks: clamp(2 * c, 2, 64) },
    ai: { maxConcurrentActivities: sequences + sessions, maxConcurrentWorkflowTasks: clamp(c, 2, 16) },
  };
  const pools = Object.fromEntries(
    POOLS.map((pool) => {
      const merged = { ...base[pool], ...o.pools?.[pool] };
      positiveInteger(`pools.${pool}.maxConcurrentActivities`, merged.maxConcurrentActivities);
      positiveInteger(`pools.${pool}.maxConcurrentWorkflowTasks`, merged.maxConcurrentWorkflowTasks);
      return [pool, merged];
    }),
  ) as Record<Pool, PoolConcurrency>;

  return {
    machine,
    pools,
    llm: { threads, batchSize, sequences, contextSize },
    onnx: { intraOpThreads, interOpThreads, sessions },
    memory: { budgetBytes, reserveBytes, modelBytes, kvBytes: sequences * kvPerSequence, workBytes: onnxWork + llmWork, requiredBytes },
    models,
  };
}

/** Render a byte count for people: `512 MiB`, `3.2 GiB`. */
export function formatBytes(bytes: number): string {
  if (Math.abs(bytes) >= GiB) return `${(bytes / GiB).toFixed(1)} GiB`;
  if (Math.abs(bytes) >= MiB) return `${Math.round(bytes / MiB)} MiB`;
  return `${Math.round(bytes / 1024)} KiB`;
}

/** Render a sizing as the table a worker prints when it starts; the pools are named by their task queues (`acme-metis-default` with prefix `acme`). */
export function formatPoolSizing(sizing: PoolSizing, options: { taskQueuePrefix?: string } = {}): string {
  const { machine, pools, llm, onnx, memory } = sizing;
  const rows: string[][] = [['pool', 'activities', 'workflow tasks']];
  for (const pool of POOLS) {
    rows.push([taskQueueName(pool, options.taskQueuePrefix), String(pools[pool].maxConcurrentActivities), String(pools[pool].maxConcurrentWorkflowTasks)]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const models = sizing.models.length ? sizing.models.map((m) => `${m.name} (${m.kind}, ${formatBytes(m.fileBytes)})`).join(', ') : 'none given';
  return [
    `Metis worker sizing: ${machine.cpus} CPUs (${machine.cpuSource}), ${formatBytes(machine.memoryBytes)} memory (${machine.memorySource})`,
    ...rows.map(line),
    `llama.cpp     threads ${llm.threads}, batch ${llm.batchSize}, sequences ${llm.sequences}, context ${llm.contextSize}`,
    `onnxruntime   intra-op ${onnx.intraOpThreads}, inter-op ${onnx.interOpThreads}, sessions ${onnx.sessions}`,
    `models        ${models}`,
    `memory        ${formatBytes(memory.requiredBytes)} needed (models ${formatBytes(memory.modelBytes)}, KV ${formatBytes(memory.kvBytes)}, work ${formatBytes(memory.workBytes)}) of ${formatBytes(memory.budgetBytes)} budget; ${formatBytes(memory.reserveBytes)} reserved`,
  ].join('\n');
}
