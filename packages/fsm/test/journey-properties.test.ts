import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { builtinJourneys, createJourney, createJourneyMachine, journeyEventSchema, sampleTenants } from '@metis/fsm';
import { transition } from 'xstate';
import type { Journey, JourneyEventInput, JsonObject, JsonValue } from '@metis/fsm';
import { aadhaarFrom, goodDocument } from './helpers.ts';

/** Stands for "the state the journey is in when the event is sent" (or, as a data key, "its fields"), so stale and current events both occur. */
const CURRENT = '<current>';

/** Plausible and implausible values per field, so random runs reach deep states and hit every check. */
const pools: Record<string, JsonValue[]> = {
  name: ['Asha Rao', '', 7],
  email: ['asha@example.in', 'asha@'],
  phone: ['+91 9876543210', '12345'],
  mobile: ['9876543210', '+1 5551234'],
  dob: ['1990-04-23', '2010-01-01', '1990-02-30'],
  date_of_birth: ['1990-04-23', '2015-05-05'],
  pan_number: ['ABCPR1234K', 'ABCXR1234K', 'abc'],
  aadhar_number: [aadhaarFrom('49876543210'), '123412341234'],
  loan_amount: [300_000, 5, 9_000_000],
  tenure_months: [24, 1.5, 200],
  purpose: ['education'],
  monthly_income: [80_000, 'lots'],
  employment_type: ['salaried', 'astronaut'],
  review_outcome: ['approve', 'reject', 'more_documents', 'maybe'],
  reviewer_id: ['u-1'],
  accept_terms: [true, false],
  bank_account_number: ['123456789012', '12'],
  ifsc_code: ['HDFC0001234', 'HDFC1234'],
};
const documentPool: JsonValue[] = [goodDocument(), goodDocument({ mime_type: 'application/pdf' }), goodDocument({ blur_score: 0.95 }), goodDocument({ bytes: 99_000_000 }), 'scan.jpg'];
const results: JsonObject[] = [{ verified: true }, { verified: false, retryable: true }, { status: 'ok' }, { status: 'unavailable' }, { score: 0.2 }, { score: 1.7 }, { outcome: 'approve' }, { outcome: 'reject' }, {}];

function arbitraryEvent(journey: Journey): fc.Arbitrary<JourneyEventInput> {
  const names = [...journey.states.map((s) => s.name), 'nowhere'];
  const target = fc.oneof({ weight: 3, arbitrary: fc.constant(CURRENT) }, { weight: 1, arbitrary: fc.constantFrom(...names) });
  const fields = [...new Set([...journey.states.flatMap((s) => s.requiredFields), 'unexpected_field'])];
  const poolOf = (field: string): JsonValue[] => (journey.config.fields[field]?.type === 'document' ? documentPool : (pools[field] ?? ['x', 1, null]));
  // Each field: usually its first (valid) value, sometimes any value from its pool.
  const goodOf = (field: string): JsonValue[] => (journey.config.fields[field]?.type === 'document' ? documentPool.slice(0, 2) : poolOf(field).slice(0, 1));
  const value = (field: string): fc.Arbitrary<JsonValue> =>
    fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...goodOf(field)) }, { weight: 1, arbitrary: fc.constantFrom(...poolOf(field)) });
  const model: Record<string, fc.Arbitrary<JsonValue>> = Object.fromEntries(fields.map((k) => [k, value(k)]));
  const complete: fc.Arbitrary<JsonObject> = fc.record(model);
  const partial: fc.Arbitrary<JsonObject> = fc.record(model, { requiredKeys: [] }).map((r) => {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(r)) if (v !== undefined) out[k] = v;
    return out;
  });
  const data: fc.Arbitrary<JsonObject> = fc.oneof(complete, partial);
  const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
  const asOf = fc.constantFrom('2025-01-15', '2025-01-15T09:30:00+05:30', undefined);
  return fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({ type: fc.constant('SUBMIT' as const), next: maybe(fc.constantFrom(...names)), data: fc.oneof({ weight: 3, arbitrary: complete.map((d) => ({ [CURRENT]: d })) }, { weight: 1, arbitrary: data }), asOf }, { requiredKeys: ['type', 'data'] }),
    },
    { weight: 3, arbitrary: fc.record({ type: fc.constant('AUTOMATED_RESULT' as const), state: target, next: maybe(fc.constantFrom(...names)), result: fc.constantFrom(...results) }, { requiredKeys: ['type', 'state', 'result'] }) },
    { weight: 1, arbitrary: fc.record({ type: fc.constant('TIMEOUT' as const), state: target }) },
    {
      weight: 1,
      arbitrary: fc.record(
        { type: fc.constant('OPERATOR' as const), action: fc.constantFrom('move' as const, 'amend' as const), operator: fc.constant('ops-1'), reason: fc.constant('checked'), next: maybe(fc.constantFrom(...names)), data: maybe(partial), asOf },
        { requiredKeys: ['type', 'action', 'operator', 'reason'] },
      ),
    },
  );
}

const journeys: [string, Journey][] = [
  ['builtin kyc', createJourney(builtinJourneys.kyc)],
  ['builtin loan', createJourney(builtinJourneys.loan)],
  ['zenith kyc', createJourney(sampleTenants.zenith.journeys.kyc)],
  ['acme loan', createJourney(sampleTenants.acme.journeys.loan)],
];

/** Replace the CURRENT placeholders: the current state's name, or the current state's fields picked from generated data. */
function resolve(journey: Journey, template: JourneyEventInput, current: string): JourneyEventInput {
  if (template.type === 'SUBMIT') {
    const data: JsonObject = template.data ?? {};
    const wrapped = data[CURRENT];
    if (wrapped === undefined || wrapped === null || typeof wrapped !== 'object' || Array.isArray(wrapped)) return template;
    const fields = journey.stateInfo(current).requiredFields;
    return { ...template, data: Object.fromEntries(Object.entries(wrapped).filter(([k]) => fields.includes(k))) };
  }
  return 'state' in template && template.state === CURRENT ? { ...template, state: current } : template;
}

/** A state may follow itself only by retrying a timeout or by an operator amendment. */
function allowedMove(journey: Journey, from: string, to: string, event: JourneyEventInput): boolean {
  const info = journey.stateInfo(from);
  if (info.nextStates.includes(to)) return true;
  return to === from && (event.type === 'TIMEOUT' ? info.onTimeout === null : event.type === 'OPERATOR' && event.action === 'amend');
}

describe('journey properties under random event sequences', () => {
  for (const [label, journey] of journeys) {
    it(`${label}: never reaches a state outside valid_next_states; rejected steps change nothing`, () => {
      const visited = new Set<string>();
      fc.assert(
        fc.property(fc.array(arbitraryEvent(journey), { minLength: 10, maxLength: 60 }), (events) => {
          let snapshot = journey.initial({ asOf: '2025-01-15' });
          for (const template of events) {
            const event = resolve(journey, template, snapshot.state);
            const before = structuredClone(snapshot);
            const result = journey.step(snapshot, event);
            assert.deepEqual(snapshot, before, 'step must not mutate the snapshot it was given');
            if (!result.ok) {
              assert.ok(result.errors.length > 0);
              assert.deepEqual(journey.step(snapshot, event), result, 'rejection is deterministic');
              continue;
            }
            assert.equal(result.from, snapshot.state);
            assert.ok(allowedMove(journey, result.from, result.to, event), `${result.from} → ${result.to} on ${event.type}`);
            assert.equal(result.snapshot.state, result.to);
            assert.deepEqual(JSON.parse(JSON.stringify(result.snapshot)), result.snapshot, 'snapshots are plain JSON');
            assert.equal(result.snapshot.context.history.length, snapshot.context.history.length + 1);
            snapshot = result.snapshot;
            visited.add(snapshot.state);
          }
        }),
        { numRuns: 400 },
      );
      const finals = journey.states.filter((s) => s.final).map((s) => s.name);
      assert.ok(visited.size >= journey.states.length - 2, `random runs should explore the journey (visited ${[...visited].join(', ')})`);
      assert.ok(finals.some((f) => visited.has(f)), 'random runs should finish some journeys');
    });
  }
});

describe('the machine alone decides each step', () => {
  for (const [label, journey] of journeys) {
    it(`${label}: transition() without journey.step reaches the state and context step returns, and takes no transition where step rejects`, () => {
      const machine = createJourneyMachine(journey.config);
      fc.assert(
        fc.property(fc.array(arbitraryEvent(journey), { minLength: 10, maxLength: 40 }), (events) => {
          let snapshot = journey.initial({ asOf: '2025-01-15' });
          for (const template of events) {
            const event = resolve(journey, template, snapshot.state);
            const result = journey.step(snapshot, event);
            const parsed = journeyEventSchema.safeParse(event);
            if (!parsed.success) {
              assert.deepEqual(!result.ok && [...new Set(result.errors.map((e) => e.code))], ['invalid_event']);
              continue;
            }
            const restored = machine.resolveState({ value: snapshot.state, context: snapshot.context });
            const [next] = transition(machine, restored, parsed.data);
            if (!result.ok) {
              assert.equal(next, restored, `${snapshot.state} on ${event.type}: step rejected it (${result.errors[0]?.code ?? ''}), so no transition is enabled`);
              continue;
            }
            assert.equal(next.value, result.to);
            assert.equal(next.status, result.snapshot.status);
            assert.deepEqual(next.context, result.snapshot.context);
            snapshot = result.snapshot;
          }
        }),
        { numRuns: 150 },
      );
    });
  }
});
