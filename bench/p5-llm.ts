// P5: LLM throughput on CPU. Four concurrent requests through the Metis engine (one context, four
// sequences decoded together) against the seed's design (one request at a time, concurrency 1),
// and one request through the engine against a bare node-llama-cpp completion loop. Same model,
// threads, prompts and token counts, in the same run, alternating so all see the same conditions.
// The model is the generated ~270 M-parameter one in 4-bit Q4_0 like the seed's (written to
// .metis/models on first use); its text is meaningless, which does not matter for tokens per second.
//   P5_TOKENS (96) tokens per request, P5_ROUNDS (3), P5_THREADS (sizePools: the CPUs),
//   P5_TYPE (q4_0 | q8_0 | f16)
import { loadavg } from 'node:os';
import { getLlama, LlamaCompletion, LlamaLogLevel } from 'node-llama-cpp';
import { loadLlmEngine } from '@metis/activities/llm';
import { ensureGeneratedModel } from '@metis/testing';
import type { GeneratedWeightType } from '@metis/testing';
import type { LlmEngine } from '@metis/activities/llm';
import { sizePools } from '@metis/worker';
import { quantile } from './support/stats.ts';

const TOKENS = Number(process.env['P5_TOKENS'] ?? 96);
const ROUNDS = Number(process.env['P5_ROUNDS'] ?? 3);
const TYPE = (process.env['P5_TYPE'] ?? 'q4_0') as GeneratedWeightType;
const CONCURRENT = 4;
const sizing = sizePools({ overrides: { llm: { sequences: CONCURRENT } } });
const THREADS = Number(process.env['P5_THREADS'] ?? sizing.llm.threads);
const CONTEXT = 512;

const prompts = [
  'Loan application: applicant salaried, monthly income 85000, loan amount 600000, tenure 36 months. Underwriting note:',
  'Loan application: applicant self-employed, monthly income 42000, loan amount 250000, two existing loans. Underwriting note:',
  'Loan application: applicant new to credit, monthly income 31000, loan amount 150000, tenure 24 months. Underwriting note:',
  'Loan application: applicant salaried, monthly income 120000, loan amount 1500000, one missed payment last year. Underwriting note:',
];

const modelPath = await ensureGeneratedModel({ preset: 'bench', weightType: TYPE });
const pool = await loadLlmEngine({ modelPath, sequences: CONCURRENT, threads: THREADS, contextSize: CONTEXT, batchSize: sizing.llm.batchSize });
const serial = await loadLlmEngine({ modelPath, sequences: 1, threads: THREADS, contextSize: CONTEXT, batchSize: sizing.llm.batchSize });
const llama = await getLlama({ gpu: false, build: 'never', maxThreads: THREADS, logLevel: LlamaLogLevel.error });
const model = await llama.loadModel({ modelPath });
const bareContext = await model.createContext({ sequences: 1, contextSize: CONTEXT, threads: THREADS, batchSize: sizing.llm.batchSize });
const bare = new LlamaCompletion({ contextSequence: bareContext.getSequence() });

// Multi-threaded llama.cpp spins at barriers; on CPUs shared with other work that dominates, so the load is shown.
const load = (): string => loadavg()[0]!.toFixed(2);
console.log(`P5 model ${modelPath.split('/').pop()} (${(pool.info.fileBytes / 1e6).toFixed(0)} MB), threads ${THREADS}, ${CONCURRENT} prompts × ${TOKENS} tokens, ${ROUNDS} rounds; load average ${load()}`);

interface Tally {
  tokens: number;
  ms: number;
}
const tally = (): Tally => ({ tokens: 0, ms: 0 });
const results = { serial: tally(), pool: tally(), poolSingle: tally(), bare: tally() };

async function timed(into: Tally, run: () => Promise<number>): Promise<void> {
  const started = performance.now();
  const tokens = await run();
  into.ms += performance.now() - started;
  into.tokens += tokens;
}

const one = (engine: LlmEngine, prompt: string): Promise<number> => engine.complete({ prompt, maxTokens: TOKENS }).then((r) => r.generatedTokens);

async function bareOne(prompt: string): Promise<number> {
  let tokens = 0;
  await bare.generateCompletion(prompt, { maxTokens: TOKENS, onToken: (t) => (tokens += t.length) });
  return tokens;
}

const runs: Record<keyof typeof results, () => Promise<number>> = {
  // The seed's design: a worker with concurrency 1 takes the requests one after another.
  serial: async () => {
    let tokens = 0;
    for (const p of prompts) tokens += await one(serial, p);
    return tokens;
  },
  pool: async () => (await Promise.all(prompts.map((p) => one(pool, p)))).reduce((a, b) => a + b, 0),
  poolSingle: async () => {
    let tokens = 0;
    for (const p of prompts) tokens += await one(pool, p);
    return tokens;
  },
  bare: async () => {
    let tokens = 0;
    for (const p of prompts) tokens += await bareOne(p);
    return tokens;
  },
};

// Warm up every path once (first decodes fault the weights in).
await runs.serial();
await runs.pool();
await runs.bare();

const order = Object.keys(runs) as (keyof typeof results)[];
for (let round = 0; round < ROUNDS; round++) {
  for (let i = 0; i < order.length; i++) {
    const name = order[(round + i) % order.length]!;
    await timed(results[name], runs[name]);
  }
}

const rate = (t: Tally): number => (t.tokens * 1000) / t.ms;
console.log(`serial, one request at a time (seed design): ${rate(results.serial).toFixed(1)} tokens/s aggregate`);
console.log(`pool, ${CONCURRENT} concurrent requests on ${CONCURRENT} sequences: ${rate(results.pool).toFixed(1)} tokens/s aggregate`);
console.log(`single request: pool ${rate(results.poolSingle).toFixed(1)} tokens/s, bare node-llama-cpp loop ${rate(results.bare).toFixed(1)} tokens/s; load average ${load()}`);

// The machine's own ceiling, from llama.cpp alone: how much a pass over 4 sequences costs against
// a pass over 1. Decoding 4 requests together can be at most 4 × (1-sequence pass) / (4-sequence pass)
// times faster than one at a time; prompt prefill is batched within a prompt already and gains nothing.
await bareContext.dispose();
const ceilingContext = await model.createContext({ sequences: CONCURRENT, contextSize: CONTEXT, threads: THREADS, batchSize: sizing.llm.batchSize });
const ceilingSequences = Array.from({ length: CONCURRENT }, () => ceilingContext.getSequence());
const primer = model.tokenize(prompts[0]!);
for (const sequence of ceilingSequences) await sequence.evaluateWithoutGeneratingNewTokens(primer);
const passMs = { one: [] as number[], all: [] as number[] };
for (let i = 0; i < 24; i++) {
  const token = primer[i % primer.length]!;
  let t = performance.now();
  await ceilingSequences[0]!.evaluateWithoutGeneratingNewTokens([token]);
  passMs.one.push(performance.now() - t);
  t = performance.now();
  await Promise.all(ceilingSequences.map((sequence) => sequence.evaluateWithoutGeneratingNewTokens([token])));
  passMs.all.push(performance.now() - t);
}
const median = (xs: number[]): number => quantile(xs, 0.5);
const ceiling = (CONCURRENT * median(passMs.one)) / median(passMs.all);
console.log(
  `llama.cpp alone: a pass over 1 sequence ${median(passMs.one).toFixed(1)} ms, over ${CONCURRENT} sequences ${median(passMs.all).toFixed(1)} ms: ` +
    `decoding ${CONCURRENT} requests together is at most ${ceiling.toFixed(2)}× one at a time on this machine (pool reached ${(rate(results.pool) / rate(results.serial) / ceiling * 100).toFixed(0)}% of that, prefill included)`,
);
await ceilingContext.dispose();

await pool.close();
await serial.close();
await model.dispose();
await llama.dispose();

console.log(`P5 ratio=${(rate(results.poolSingle) / rate(results.bare)).toFixed(2)} target>=0.9`);
console.log(`P5 ratio=${(rate(results.pool) / rate(results.serial)).toFixed(2)} target>=2.5`);
