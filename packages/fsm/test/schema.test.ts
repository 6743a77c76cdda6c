import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as z from 'zod';
import { builtinJourneys, DURATION_PATTERN, journeyConfigJsonSchema, sampleTenants } from '@metis/fsm';
import { publishedSchemas } from '../scripts/schemas.ts';
import { fixture } from './helpers.ts';

function committed(file: string): string {
  return readFileSync(new URL(`../schema/${file}`, import.meta.url), 'utf8');
}

describe('published JSON Schemas', () => {
  for (const { file, render } of publishedSchemas) {
    it(`schema/${file} equals the schema generated from the zod definition`, () => {
      assert.equal(committed(file), render(), `regenerate with: node --conditions=metis-source packages/fsm/scripts/write-schemas.ts`);
    });
  }

  it('describes the seed’s journey shape for editors', () => {
    const schema = journeyConfigJsonSchema() as { required: string[]; $defs: Record<string, { properties?: Record<string, { pattern?: string }> }> };
    assert.deepEqual(schema.required, ['journey_type', 'version', 'states']);
    const state = schema.$defs['JourneyState']?.properties ?? {};
    for (const key of ['state_name', 'valid_next_states', 'required_fields', 'validation_rules', 'automated', 'timeout', 'final_state']) assert.ok(key in state, key);
    assert.equal(state['timeout']?.pattern, DURATION_PATTERN.source);
  });

  // z.fromJSONSchema is zod's own (experimental) JSON Schema reader: it checks the committed file as an editor would.
  const journeyValidator = z.fromJSONSchema(JSON.parse(committed('journey-config.schema.json')) as Parameters<typeof z.fromJSONSchema>[0]);
  const ruleSetValidator = z.fromJSONSchema(JSON.parse(committed('rule-set.schema.json')) as Parameters<typeof z.fromJSONSchema>[0]);

  it('accepts every built-in and sample config, and the sample rule sets', () => {
    const configs = [builtinJourneys.kyc, builtinJourneys.loan, ...Object.values(sampleTenants).flatMap((t) => [t.journeys.kyc, t.journeys.loan])];
    for (const c of configs) assert.equal(journeyValidator.safeParse(c).success, true, `${c.journey_type} ${c.version}`);
    for (const t of Object.values(sampleTenants)) assert.equal(ruleSetValidator.safeParse(t.ruleSet).success, true, t.tenantId);
  });

  it('rejects what the linter rejects structurally', () => {
    for (const name of ['schema-invalid', 'unknown-key', 'bad-timeout-format', 'bad-name']) {
      assert.equal(journeyValidator.safeParse(fixture(`journeys/${name}.json`)).success, false, name);
    }
    assert.equal(ruleSetValidator.safeParse({ tenant_id: 't', version: '1', rules: [{ id: 'a', name: 'A', priority: 1, actions: [{ type: 'escalate' }] }] }).success, false);
  });
});
