import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { builtinJourneys, lintJourneyConfig, sampleTenants, toMermaid } from '@metis/fsm';
import { runJourneyCommand } from '../src/journey-command.ts';

const fixtures = new URL('../../fsm/test/fixtures/journeys/', import.meta.url);

/** Run the command against in-memory files (falling back to the fsm fixtures on disk) and capture its output. */
async function run(args: string[], files: Record<string, string> = {}): Promise<{ code: number; stdout: string[]; stderr: string[] }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runJourneyCommand(args, {
    readFile: async (path) => files[path] ?? readFile(new URL(path, fixtures), 'utf8'),
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
  });
  return { code, stdout, stderr };
}

const json = (value: unknown): string => JSON.stringify(value, null, 2);

describe('metis journey lint', () => {
  it('exits 0 on a clean config and says what it checked', async () => {
    const r = await run(['lint', 'kyc.json'], { 'kyc.json': json(builtinJourneys.kyc) });
    assert.equal(r.code, 0);
    assert.deepEqual(r.stdout, ['kyc.json: valid kyc journey 1.0.0, 6 states']);
    assert.deepEqual(r.stderr, []);
  });

  it('exits 1 and prints every finding with its JSON path and fix', async () => {
    const broken = {
      journey_type: 'kyc',
      version: '2',
      states: [
        { state_name: 'start', valid_next_states: ['verify', 'nowhere'], required_fields: ['email'], validation_rules: ['email_format', 'emal_format'] },
        { state_name: 'verify', automated: true, timeout: '0s' },
        { state_name: 'orphan', valid_next_states: ['start'] },
      ],
    };
    const expected = lintJourneyConfig(broken).findings;
    assert.ok(expected.length >= 5, 'the sample has several problems');
    const r = await run(['lint', 'broken.json'], { 'broken.json': json(broken) });
    assert.equal(r.code, 1);
    for (const f of expected) {
      assert.ok(r.stdout.includes(`broken.json: ${f.severity} ${f.path} [${f.code}] ${f.message}`), `missing ${f.code} at ${f.path}`);
      assert.ok(r.stdout.includes(`    fix: ${f.hint}`));
    }
    assert.ok(r.stdout.some((l) => l.includes('$.states[0].valid_next_states[1] [unknown_target_state]')));
    assert.ok(r.stdout.some((l) => l.includes('$.states[1].timeout [bad_timeout]')));
    assert.equal(r.stdout.at(-1), `broken.json: invalid journey config (${expected.length} errors, 0 warnings)`);
  });

  it('reports the fixture of every linter finding with exit code 1 (errors) or 0 (warnings only)', async () => {
    for (const name of ['unknown-target-state', 'unreachable-state', 'no-final-state', 'dead-end', 'final-state-has-exits', 'duplicate-state', 'unknown-validation-rule', 'bad-timeout-format', 'automated-without-outcome']) {
      const r = await run(['lint', `${name}.json`]);
      assert.equal(r.code, 1, name);
      const code = name.replace(/-format$/, '').replace(/-/g, '_');
      assert.ok(r.stdout.some((l) => l.includes(`[${code}]`)), `${name}: ${r.stdout.join('\n')}`);
    }
    const warned = await run(['lint', 'undeclared-field.json']);
    assert.equal(warned.code, 0);
    assert.match(warned.stdout.at(-1) ?? '', /valid kyc journey 1, 2 states \(0 errors, 1 warning\)/);
  });

  it('prints JSON with --json', async () => {
    const r = await run(['lint', 'unknown-target-state.json', '--json']);
    assert.equal(r.code, 1);
    const report = JSON.parse(r.stdout.join('\n')) as { kind: string; valid: boolean; findings: { code: string; path: string }[] };
    assert.equal(report.kind, 'journey');
    assert.equal(report.valid, false);
    assert.deepEqual(report.findings.map((f) => [f.code, f.path]), [['unknown_target_state', '$.states[0].valid_next_states[1]']]);
  });

  it('accepts rule and guard names the tenant registers in code', async () => {
    const config = { ...builtinJourneys.kyc, states: builtinJourneys.kyc.states.map((s) => (s.state_name === 'provide_pan_details' ? { ...s, validation_rules: ['pan_format', 'pan_name_match'] } : s)) };
    const files = { 'custom.json': json(config) };
    assert.equal((await run(['lint', 'custom.json'], files)).code, 1);
    assert.equal((await run(['lint', 'custom.json', '--rule', 'pan_name_match'], files)).code, 0);
  });

  it('lints decision rule sets too', async () => {
    const ok = await run(['lint', 'rules.json'], { 'rules.json': json(sampleTenants.zenith.ruleSet) });
    assert.equal(ok.code, 0);
    assert.deepEqual(ok.stdout, ['rules.json: valid rule set zenith-microfinance 3, 6 rules']);
    const bad = await run(['lint', 'bad-rules.json'], { 'bad-rules.json': json({ tenant_id: 't', version: '1', rules: [{ id: 'a', name: 'A', priority: 1, conditions: [{ field: 'x', operator: 'approx', value: 1 }], actions: [{ type: 'approve' }] }] }) });
    assert.equal(bad.code, 1);
    assert.ok(bad.stdout[0]?.startsWith('bad-rules.json: error $.rules[0].conditions[0].operator [unknown_operator]'), bad.stdout[0]);
  });

  it('reports invalid JSON as a finding and an unreadable file as a usage error', async () => {
    const r = await run(['lint', 'bad.json'], { 'bad.json': '{ "states": [' });
    assert.equal(r.code, 1);
    assert.match(r.stdout[0] ?? '', /^bad\.json: error \$ \[invalid_json\]/);
    const missing = await run(['lint', 'does-not-exist.json']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr[0] ?? '', /cannot read does-not-exist\.json/);
  });
});

describe('metis journey draw', () => {
  it('prints the Mermaid diagram on stdout', async () => {
    const r = await run(['journey', 'draw', 'loan.json', '--direction', 'LR'], { 'loan.json': json(builtinJourneys.loan) });
    assert.equal(r.code, 0);
    assert.deepEqual(r.stdout, toMermaid(builtinJourneys.loan, { direction: 'LR' }).trimEnd().split('\n'));
    assert.deepEqual(r.stderr, []);
  });

  it('refuses an invalid config unless forced, and never draws a non-journey', async () => {
    const refused = await run(['draw', 'unknown-target-state.json']);
    assert.equal(refused.code, 1);
    assert.deepEqual(refused.stdout, []);
    assert.ok(refused.stderr.some((l) => l.includes('[unknown_target_state]')));
    const forced = await run(['draw', 'unknown-target-state.json', '--force']);
    assert.equal(forced.code, 1);
    assert.ok(forced.stdout.includes('  start --> review'));
    const notJourney = await run(['draw', 'schema-invalid.json', '--force']);
    assert.equal(notJourney.code, 1);
    assert.deepEqual(notJourney.stdout, []);
  });
});

describe('metis journey usage', () => {
  it('explains itself and exits 2 on usage errors', async () => {
    for (const args of [[], ['help'], ['frobnicate', 'x.json'], ['lint'], ['lint', 'a.json', 'b.json'], ['draw', 'a.json', '--direction', 'up'], ['lint', 'a.json', '--rule']]) {
      const r = await run(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.ok(r.stderr.join('\n').includes('usage: metis journey'), args.join(' '));
      assert.deepEqual(r.stdout, []);
    }
  });
});
