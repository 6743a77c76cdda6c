import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { describe, it } from 'node:test';
import { build } from 'esbuild';
import type { BuildOptions, Plugin } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** Bundle for the browser, recording every import of a Node built-in instead of failing on the first. */
async function bundle(options: BuildOptions): Promise<{ code: string; nodeImports: string[] }> {
  const nodeImports: string[] = [];
  const detector: Plugin = {
    name: 'node-builtin-detector',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        const bare = args.path.split('/')[0] ?? args.path;
        if (args.path.startsWith('node:') || builtins.has(args.path) || builtins.has(bare)) {
          nodeImports.push(`${args.path} (imported by ${args.importer})`);
          return { path: args.path, external: true };
        }
        return undefined;
      });
    },
  };
  const result = await build({
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'MetisFsm',
    write: false,
    logLevel: 'silent',
    conditions: ['metis-source'],
    plugins: [detector],
    ...options,
  });
  assert.deepEqual(result.errors, []);
  const file = result.outputFiles?.[0];
  assert.ok(file);
  return { code: file.text, nodeImports };
}

describe('browser bundle', () => {
  it('detects a reachable Node built-in (control case)', async () => {
    const { nodeImports } = await bundle({
      stdin: { contents: "export { readFileSync } from 'node:fs';\nexport * from './src/index.ts';", resolveDir: root, loader: 'ts' },
    });
    assert.deepEqual(nodeImports, ['node:fs (imported by <stdin>)']);
  });

  it('bundles @metis/fsm for platform browser with no Node built-in reachable', async () => {
    const { code, nodeImports } = await bundle({ entryPoints: [entry] });
    assert.deepEqual(nodeImports, []);
    assert.ok(code.length > 10_000);
  });

  it('runs a journey and a decision in a bare JavaScript realm (no process, Buffer, require, timers or eval)', async () => {
    const { code } = await bundle({ entryPoints: [entry] });
    // No eval either (as under a strict Content-Security-Policy): zod must fall back to its interpreter.
    const realm = vm.createContext({}, { codeGeneration: { strings: false, wasm: false } });
    assert.equal(vm.runInContext('typeof process + typeof Buffer + typeof require + typeof setTimeout', realm), 'undefinedundefinedundefinedundefined');
    assert.throws(() => vm.runInContext('new Function("return 1")', realm), /Code generation from strings disallowed/);
    vm.runInContext(code, realm);
    const script = `
      const { createJourney, builtinJourneys, verhoeffCheckDigit, decide, sampleTenants, toMermaid } = MetisFsm;
      const kyc = createJourney(builtinJourneys.kyc);
      const doc = { bytes: 300000, width: 1200, height: 900, blur_score: 0.1, brightness_score: 0.5, mime_type: 'image/png' };
      const aadhaar = '4987654321' + '0' + verhoeffCheckDigit('49876543210');
      let s = kyc.initial();
      const steps = [
        { type: 'SUBMIT', data: { name: 'Asha', email: 'asha@example.in', phone: '9876543210' } },
        { type: 'SUBMIT', data: { pan_number: 'ABCPR1234K', pan_image: doc } },
        { type: 'SUBMIT', data: { aadhar_number: aadhaar, aadhar_image: doc } },
        { type: 'AUTOMATED_RESULT', state: 'document_verification', result: { verified: true } },
      ];
      const path = [s.state];
      for (const e of steps) { const r = kyc.step(s, e); if (!r.ok) throw new Error(JSON.stringify(r.errors)); s = r.snapshot; path.push(s.state); }
      const d = decide(sampleTenants.acme.ruleSet, { kyc: { status: 'done' }, loan: { amount: 2000000 }, bureau: { score: 800 } });
      JSON.stringify({ path, status: s.status, outcome: d.outcome, diagram: toMermaid(builtinJourneys.kyc).split('\\n')[0] });
    `;
    const out = JSON.parse(String(vm.runInContext(script, realm))) as { path: string[]; status: string; outcome: string; diagram: string };
    assert.deepEqual(out, {
      path: ['provide_personal_details', 'provide_pan_details', 'provide_aadhar_details', 'document_verification', 'completed'],
      status: 'done',
      outcome: 'manual_review',
      diagram: 'stateDiagram-v2',
    });
  });
});
