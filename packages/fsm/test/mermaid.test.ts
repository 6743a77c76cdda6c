import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { builtinJourneys, JourneyConfigError, sampleTenants, toMermaid } from '@metis/fsm';

/** Every line toMermaid emits must be one of these stateDiagram-v2 statements. */
const grammar = [
  /^stateDiagram-v2$/,
  /^ {2}direction (TB|LR)$/,
  /^ {2}%% .+$/,
  /^ {2}state "[^"]+" as [a-z][a-z0-9_]*$/,
  /^ {2}\[\*\] --> [a-z][a-z0-9_]*$/,
  /^ {2}[a-z][a-z0-9_]* --> ([a-z][a-z0-9_]*|\[\*\])( : [^:;]+)?$/,
  /^ {2}classDef (automated|timed|final) [^;]+$/,
  /^ {2}class [a-z0-9_,]+ (automated|timed|final)$/,
];

function lines(text: string): string[] {
  assert.ok(text.endsWith('\n'));
  return text.trimEnd().split('\n');
}

describe('toMermaid', () => {
  it('renders the KYC journey with its start, transitions, automated, timed and final states', () => {
    const out = lines(toMermaid(builtinJourneys.kyc));
    for (const line of out) assert.ok(grammar.some((g) => g.test(line)), `not valid stateDiagram-v2: ${line}`);
    assert.ok(out.includes('  [*] --> provide_personal_details'));
    assert.ok(out.includes('  provide_aadhar_details --> document_verification'));
    assert.ok(out.includes('  provide_aadhar_details --> completed'));
    assert.ok(out.includes('  state "document_verification (⚙ automated, ⏱ 5m)" as document_verification'));
    assert.ok(out.includes('  document_verification --> completed : if results.document_verification.verified = true'));
    assert.ok(out.includes('  document_verification --> document_verification : timeout 5m (retry)'));
    assert.ok(out.includes('  state "completed (■ final)" as completed'));
    assert.ok(out.includes('  completed --> [*]'));
    assert.ok(out.includes('  class document_verification automated'));
    assert.ok(out.includes('  class completed final'));
  });

  it('labels timeout transitions and marks timed manual states', () => {
    const out = lines(toMermaid(builtinJourneys.loan, { direction: 'LR' }));
    for (const line of out) assert.ok(grammar.some((g) => g.test(line)), `not valid stateDiagram-v2: ${line}`);
    assert.equal(out[1], '  direction LR');
    assert.ok(out.includes('  bureau_check --> manual_review : timeout 2m'));
    assert.ok(out.includes('  decision --> approved : if results.decision.outcome = "approve"'));
    assert.ok(out.includes('  class manual_review timed'));
    assert.ok(out.includes('  class bureau_check,risk_assessment,decision automated'));
    assert.ok(out.includes('  class rejected,disbursed final'));
  });

  it('draws one node per state and one edge per transition', () => {
    const config = sampleTenants.zenith.journeys.kyc;
    const out = lines(toMermaid(config));
    const states = out.filter((l) => l.startsWith('  state "'));
    const edges = out.filter((l) => / --> /.test(l) && !l.includes('[*]'));
    assert.equal(states.length, config.states.length);
    const expectedEdges = config.states.reduce((n, s) => n + (s.valid_next_states?.length ?? 0) + (s.timeout && !s.on_timeout ? 1 : 0), 0);
    assert.equal(edges.length, expectedEdges);
  });

  it('refuses a document that is not a journey config', () => {
    assert.throws(() => toMermaid({ states: 'nope' }), JourneyConfigError);
  });
});
