// @metis-bench needs-stack
// P0: what the client costs a tenant service. The client packages are packed and installed into a
// fresh project as npm installs them (no workspace), then fresh Node processes, alternating,
// import `@metis/sdk` or `@temporalio/client` alone and report time, RSS (after GC) and every
// native library mapped into the process. The same processes then connect: `createMetis` (which
// verifies Temporal, PostgreSQL and the object store) vs a bare Temporal `Client` connection.
//   npm run bench -- P0            (P0_RUNS=7 processes per side)
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { installClientProject } from '@metis/tools/client-project';
import { quantile } from './support/stats.ts';

const RUNS = Number(process.env['P0_RUNS'] ?? 7);
const run = promisify(execFile);

interface Sample {
  importMs: number;
  importRss: number;
  connectedRss: number;
  natives: string[];
}

// Runs inside the tenant project: import, measure, connect, measure.
const probe = (spec: string): string => `
const gc = globalThis.gc;
const rss = () => { gc(); gc(); return process.memoryUsage().rss; };
const t0 = performance.now();
const mod = await import(${JSON.stringify(spec)});
const importMs = performance.now() - t0;
await new Promise((r) => setTimeout(r, 20));
const importRss = rss();
const fs = await import('node:fs');
const natives = [...new Set(fs.readFileSync('/proc/self/maps', 'utf8').split('\\n').map((l) => l.trim().split(/\\s+/)[5]).filter((p) => p && (p.endsWith('.node') || /onnxruntime|vips|sharp|llama|ggml/.test(p))))].map((p) => p.split('/').pop());
let close;
if (mod.createMetis) {
  const metis = await mod.createMetis({ ...mod.loadConfigFromEnv(), tenants: [] });
  close = () => metis.close();
} else {
  const connection = await mod.Connection.connect({ address: process.env.METIS_TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
  new mod.Client({ connection });
  close = () => connection.close();
}
await new Promise((r) => setTimeout(r, 20));
const connectedRss = rss();
await close();
console.log(JSON.stringify({ importMs, importRss, connectedRss, natives }));
`;

const dir = await mkdtemp(join(tmpdir(), 'metis-p0-'));
try {
  const t0 = performance.now();
  const project = await installClientProject(dir);
  const installSeconds = (performance.now() - t0) / 1000;
  const samples: Record<'metis' | 'temporal', Sample[]> = { metis: [], temporal: [] };
  for (let i = 0; i < RUNS; i++) {
    for (const [side, spec] of [['temporal', '@temporalio/client'], ['metis', '@metis/sdk']] as const) {
      const { stdout } = await run(process.execPath, ['--expose-gc', '--input-type=module', '-e', probe(spec)], { cwd: dir, env: process.env });
      samples[side].push(JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Sample);
    }
  }
  const med = (side: 'metis' | 'temporal', key: 'importMs' | 'importRss' | 'connectedRss'): number => quantile(samples[side].map((s) => s[key]), 0.5);
  const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
  const natives = [...new Set(samples.metis.flatMap((s) => s.natives))];
  console.log(`P0: ${RUNS} fresh processes per side, medians; the client installed from packed tarballs in ${installSeconds.toFixed(0)} s`);
  console.log(`  installed client-only project: ${mb(project.installedBytes)} in ${project.installed.length} packages (goal <= 250 MB)`);
  console.log(`  import time   @metis/sdk ${med('metis', 'importMs').toFixed(0)} ms   @temporalio/client ${med('temporal', 'importMs').toFixed(0)} ms   ratio ${(med('metis', 'importMs') / med('temporal', 'importMs')).toFixed(2)}`);
  console.log(`  import RSS    @metis/sdk ${mb(med('metis', 'importRss'))}   @temporalio/client ${mb(med('temporal', 'importRss'))}`);
  console.log(`  connected RSS createMetis ${mb(med('metis', 'connectedRss'))}   Client + Connection ${mb(med('temporal', 'connectedRss'))}   ratio ${(med('metis', 'connectedRss') / med('temporal', 'connectedRss')).toFixed(2)}`);
  console.log(`  native libraries mapped by @metis/sdk: ${natives.length === 0 ? 'none' : natives.join(', ')}`);
  console.log(`P0 ratio=${(med('metis', 'importRss') / med('temporal', 'importRss')).toFixed(2)} target<=1.3`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
