import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { builtinJourneys, createJourney, createJourneyMachine, JourneySnapshotError, JourneyStepError } from '@metis/fsm';
import type { PersistedJourney, StepResult } from '@metis/fsm';
import { createActor, fromPromise, transition, waitFor } from 'xstate';
import { aadhaarFrom, goodDocument } from './helpers.ts';

const kyc = createJourney(builtinJourneys.kyc);
const loan = createJourney(builtinJourneys.loan);
const AADHAAR = aadhaarFrom('49876543210');

function ok(result: StepResult): PersistedJourney {
  if (!result.ok) assert.fail(`step rejected: ${JSON.stringify(result.errors)}`);
  return result.snapshot;
}

/** A KYC journey advanced to document_verification. */
function atVerification(): PersistedJourney {
  let s = kyc.initial({ asOf: '2025-03-01' });
  s = ok(kyc.step(s, { type: 'SUBMIT', data: { name: 'Asha Rao', email: 'asha@example.in', phone: '+91 9876543210' } }));
  s = ok(kyc.step(s, { type: 'SUBMIT', data: { pan_number: 'ABCPR1234K', pan_image: goodDocument() } }));
  return ok(kyc.step(s, { type: 'SUBMIT', state: 'provide_aadhar_details', data: { aadhar_number: AADHAAR, aadhar_image: goodDocument() } }));
}

describe('journey.initial and describe', () => {
  it('starts in the first state with a plain-JSON snapshot', () => {
    const s = kyc.initial({ asOf: '2025-03-01', data: { applicant_id: 'A-17' } });
    assert.deepEqual(s, {
      format: 'metis.journey/1',
      journeyType: 'kyc',
      version: '1.0.0',
      state: 'provide_personal_details',
      status: 'active',
      context: { data: { applicant_id: 'A-17' }, results: {}, timeouts: {}, history: [], startedAt: '2025-03-01' },
    });
    assert.deepEqual(JSON.parse(JSON.stringify(s)), s);
  });

  it('refuses malformed start input with a typed error', () => {
    assert.throws(() => kyc.initial({ asOf: 'yesterday' }), (e: unknown) => e instanceof JourneyStepError && e.errors[0]?.field === 'asOf');
    assert.throws(() => kyc.initial({ data: { when: Number.NaN } }), JourneyStepError);
  });

  it('describes what the workflow needs: automation, timeout in ms, missing fields, next states', () => {
    const first = kyc.describe(kyc.initial());
    assert.equal(first.state, 'provide_personal_details');
    assert.equal(first.automated, false);
    assert.equal(first.timeoutMs, null);
    assert.deepEqual(first.missingFields, ['name', 'email', 'phone']);
    assert.deepEqual(first.nextStates, ['provide_pan_details']);
    assert.deepEqual(first.accepts, ['SUBMIT', 'OPERATOR']);
    const verifying = kyc.describe(atVerification());
    assert.equal(verifying.automated, true);
    assert.equal(verifying.timeoutMs, 5 * 60 * 1000);
    assert.equal(verifying.onTimeout, null);
    assert.deepEqual(verifying.nextStates, ['completed', 'provide_additional_docs']);
    assert.deepEqual(verifying.accepts, ['AUTOMATED_RESULT', 'TIMEOUT', 'OPERATOR']);
    assert.equal(verifying.steps, 3);
  });

  it('lists static facts for every state', () => {
    assert.deepEqual(
      loan.states.map((s) => [s.name, s.automated, s.timeoutMs, s.onTimeout, s.final]),
      [
        ['application', false, null, null, false],
        ['documents', false, null, null, false],
        ['bureau_check', true, 120_000, 'manual_review', false],
        ['risk_assessment', true, 60_000, 'manual_review', false],
        ['decision', true, 30_000, 'manual_review', false],
        ['manual_review', false, 172_800_000, null, false],
        ['approved', false, null, null, false],
        ['rejected', false, null, null, true],
        ['disbursed', false, null, null, true],
      ],
    );
    assert.equal(kyc.stateInfo('document_verification').automated, true);
    assert.throws(() => kyc.stateInfo('nowhere'), JourneySnapshotError);
  });
});

describe('journey.step', () => {
  it('rejects bad data with field errors and accumulates good data', () => {
    const s0 = kyc.initial();
    const bad = kyc.step(s0, { type: 'SUBMIT', data: { name: 'Asha', email: 'asha@', phone: 12345 } });
    assert.deepEqual(bad, {
      ok: false,
      errors: [
        { code: 'type_mismatch', field: 'phone', message: 'phone: expected a string.', params: { expected: 'phone' } },
        { code: 'email_format', field: 'email', message: 'Enter an e-mail address such as name@example.com.', rule: 'email_format' },
      ],
    });
    const missing = kyc.step(s0, { type: 'SUBMIT', data: { name: ' ' } });
    assert.deepEqual(!missing.ok && missing.errors.map((e) => `${e.code}:${e.field}`), ['required:name', 'required:email', 'required:phone']);
    const s1 = ok(kyc.step(s0, { type: 'SUBMIT', data: { name: 'Asha', email: 'asha@example.in', phone: '9876543210' } }));
    const s2 = ok(kyc.step(s1, { type: 'SUBMIT', data: { pan_number: 'ABCPR1234K', pan_image: goodDocument() } }));
    assert.deepEqual(Object.keys(s2.context.data), ['name', 'email', 'phone', 'pan_number', 'pan_image']);
    assert.deepEqual(s2.context.history.map((h) => [h.seq, h.event, h.from, h.to]), [
      [1, 'SUBMIT', 'provide_personal_details', 'provide_pan_details'],
      [2, 'SUBMIT', 'provide_pan_details', 'provide_aadhar_details'],
    ]);
  });

  it('returns frozen snapshots that cannot drift, and still checks snapshots it did not make', () => {
    const s1 = ok(kyc.step(kyc.initial(), { type: 'SUBMIT', data: { name: 'Asha', email: 'asha@example.in', phone: '9876543210' } }));
    assert.ok(Object.isFrozen(s1) && Object.isFrozen(s1.context) && Object.isFrozen(s1.context.data) && Object.isFrozen(s1.context.history[0]));
    assert.throws(() => {
      (s1.context.data as Record<string, unknown>)['email'] = 'not-an-email';
    }, TypeError);
    // A copy (as read back from storage or sent by a browser) is checked in full again.
    const copy = JSON.parse(JSON.stringify(s1)) as PersistedJourney;
    assert.ok(ok(kyc.step(copy, { type: 'SUBMIT', data: { pan_number: 'ABCPR1234K', pan_image: goodDocument() } })));
    const tampered = { ...copy, state: 'no_such_state' };
    assert.throws(() => kyc.step(tampered, { type: 'SUBMIT', data: {} }), JourneySnapshotError);
    assert.throws(() => kyc.describe({ ...copy, status: 'done' }), JourneySnapshotError);
  });

  it('reports a malformed event as invalid_event', () => {
    const r = kyc.step(kyc.initial(), { type: 'SUBMIT', data: 'name=Asha' } as never);
    assert.equal(r.ok, false);
    assert.deepEqual(!r.ok && r.errors.map((e) => [e.code, e.field]), [['invalid_event', 'data']]);
  });

  it('rejects events meant for another state', () => {
    const r = kyc.step(kyc.initial(), { type: 'SUBMIT', state: 'provide_pan_details', data: {} });
    assert.deepEqual(!r.ok && r.errors.map((e) => e.code), ['wrong_state']);
    const stale = kyc.step(atVerification(), { type: 'TIMEOUT', state: 'provide_pan_details' });
    assert.deepEqual(!stale.ok && stale.errors.map((e) => e.code), ['wrong_state']);
  });

  it('lets the submitter choose among valid next states, and only those', () => {
    let s = kyc.initial();
    s = ok(kyc.step(s, { type: 'SUBMIT', data: { name: 'A', email: 'a@example.in', phone: '9876543210' } }));
    s = ok(kyc.step(s, { type: 'SUBMIT', data: { pan_number: 'ABCPR1234K', pan_image: goodDocument() } }));
    const data = { aadhar_number: AADHAAR, aadhar_image: goodDocument() };
    const skip = kyc.step(s, { type: 'SUBMIT', next: 'completed', data });
    assert.equal(skip.ok && skip.to, 'completed');
    const invalid = kyc.step(s, { type: 'SUBMIT', next: 'provide_personal_details', data });
    assert.deepEqual(!invalid.ok && invalid.errors.map((e) => [e.code, e.field]), [['invalid_transition', 'next']]);
  });

  it('routes automated results by the config guards', () => {
    const s = atVerification();
    assert.deepEqual(kyc.step(s, { type: 'SUBMIT', data: {} }).ok, false);
    const passed = kyc.step(s, { type: 'AUTOMATED_RESULT', state: 'document_verification', result: { verified: true, face_match: 0.93 } });
    assert.equal(passed.ok && passed.to, 'completed');
    assert.equal(passed.ok && passed.final, true);
    assert.deepEqual(passed.ok && passed.snapshot.context.results, { document_verification: { verified: true, face_match: 0.93 } });
    const failed = kyc.step(s, { type: 'AUTOMATED_RESULT', state: 'document_verification', result: { verified: false } });
    assert.equal(failed.ok && failed.to, 'provide_additional_docs');
    const forced = kyc.step(s, { type: 'AUTOMATED_RESULT', state: 'document_verification', next: 'completed', result: { verified: false } });
    assert.deepEqual(!forced.ok && forced.errors.map((e) => e.code), ['guard_rejected']);
    assert.match(!forced.ok ? (forced.errors[0]?.message ?? '') : '', /results\.document_verification\.verified = true/);
    const notAutomated = kyc.step(kyc.initial(), { type: 'AUTOMATED_RESULT', state: 'provide_personal_details' });
    assert.deepEqual(!notAutomated.ok && notAutomated.errors.map((e) => e.code), ['not_automated']);
  });

  it('retries a timed-out state without on_timeout and follows on_timeout when set', () => {
    const s = atVerification();
    const retried = ok(kyc.step(s, { type: 'TIMEOUT', state: 'document_verification', asOf: '2025-03-01T10:05:00Z' }));
    assert.equal(retried.state, 'document_verification');
    assert.equal(kyc.describe(retried).timeoutCount, 1);
    assert.deepEqual(retried.context.history.at(-1), { seq: 4, event: 'TIMEOUT', from: 'document_verification', to: 'document_verification', asOf: '2025-03-01T10:05:00Z' });
    const none = kyc.step(kyc.initial(), { type: 'TIMEOUT', state: 'provide_personal_details' });
    assert.deepEqual(!none.ok && none.errors.map((e) => e.code), ['no_timeout']);

    let l = loan.initial();
    l = ok(loan.step(l, { type: 'SUBMIT', data: { loan_amount: 300_000, tenure_months: 24, purpose: 'education', monthly_income: 90_000, employment_type: 'salaried' } }));
    l = ok(loan.step(l, { type: 'SUBMIT', data: { bank_statement: goodDocument({ mime_type: 'application/pdf' }), salary_slip: goodDocument() } }));
    const timedOut = loan.step(l, { type: 'TIMEOUT', state: 'bureau_check' });
    assert.equal(timedOut.ok && timedOut.to, 'manual_review');
  });

  it('lets operators move along valid transitions (with a reason) and amend data', () => {
    const s = kyc.initial();
    const moved = ok(kyc.step(s, { type: 'OPERATOR', action: 'move', operator: 'ops-7', reason: 'Documents verified in branch', next: 'provide_pan_details' }));
    assert.equal(moved.state, 'provide_pan_details');
    assert.deepEqual(moved.context.history[0], { seq: 1, event: 'OPERATOR', from: 'provide_personal_details', to: 'provide_pan_details', operator: 'ops-7', reason: 'Documents verified in branch' });
    const nowhere = kyc.step(s, { type: 'OPERATOR', action: 'move', operator: 'ops-7', reason: 'x', next: 'completed' });
    assert.deepEqual(!nowhere.ok && nowhere.errors.map((e) => e.code), ['invalid_transition']);
    const badFix = kyc.step(moved, { type: 'OPERATOR', action: 'amend', operator: 'ops-7', reason: 'typo', data: { pan_number: 'ABC' } });
    assert.deepEqual(!badFix.ok && badFix.errors.map((e) => e.code), ['pan_format']);
    const fixed = ok(kyc.step(moved, { type: 'OPERATOR', action: 'amend', operator: 'ops-7', reason: 'typo', data: { email: 'asha@example.in' } }));
    assert.equal(fixed.state, 'provide_pan_details');
    assert.equal(fixed.context.data['email'], 'asha@example.in');
    const empty = kyc.step(moved, { type: 'OPERATOR', action: 'amend', operator: 'ops-7', reason: 'typo' });
    assert.deepEqual(!empty.ok && empty.errors.map((e) => e.code), ['invalid_event']);
  });

  it('refuses every event once the journey is finished', () => {
    const done = ok(kyc.step(atVerification(), { type: 'AUTOMATED_RESULT', state: 'document_verification', result: { verified: true } }));
    assert.equal(done.status, 'done');
    for (const event of [{ type: 'SUBMIT', data: {} }, { type: 'TIMEOUT', state: 'completed' }, { type: 'OPERATOR', action: 'move', operator: 'o', reason: 'r', next: 'x' }] as const) {
      const r = kyc.step(done, event);
      assert.deepEqual(!r.ok && r.errors.map((e) => e.code), ['journey_finished']);
    }
  });

  it('assertStep throws a typed error for Update validators', () => {
    assert.throws(
      () => kyc.assertStep(kyc.initial(), { type: 'SUBMIT', data: { name: 'A', email: 'nope', phone: '9876543210' } }),
      (e: unknown) => {
        assert.ok(e instanceof JourneyStepError);
        assert.equal(e.code, 'JOURNEY_STEP_REJECTED');
        assert.deepEqual(e.errors.map((x) => x.field), ['email']);
        assert.deepEqual(e.toJSON().errors, e.errors);
        return true;
      },
    );
    assert.equal(kyc.assertStep(kyc.initial(), { type: 'SUBMIT', data: { name: 'A', email: 'a@b.in', phone: '9876543210' } }).to, 'provide_pan_details');
  });

  it('refuses snapshots that are malformed or pinned to another version', () => {
    const s = kyc.initial();
    assert.throws(() => kyc.step({ ...s, version: '2.0.0' }, { type: 'SUBMIT', data: {} }), (e: unknown) => e instanceof JourneySnapshotError && /kyc@2\.0\.0/.test(e.message));
    assert.throws(() => loan.describe(s), JourneySnapshotError);
    assert.throws(() => kyc.describe({ ...s, state: 'limbo' }), JourneySnapshotError);
    assert.throws(() => kyc.describe({ ...s, status: 'done' }), /contradicts/);
    assert.throws(() => kyc.validateSnapshot({ ...s, context: { data: {} } }), /Malformed/);
  });

  it('is deterministic and never mutates its inputs', () => {
    const s = atVerification();
    const before = structuredClone(s);
    const event = { type: 'AUTOMATED_RESULT', state: 'document_verification', result: { verified: true } } as const;
    const a = kyc.step(s, event);
    const b = kyc.step(s, event);
    assert.deepEqual(a, b);
    assert.deepEqual(s, before);
    assert.deepEqual(atVerification(), atVerification());
  });
});

describe('the XState machine', () => {
  it('is an XState v5 machine whose states carry automation and timeout meta', () => {
    const machine = createJourneyMachine(builtinJourneys.kyc);
    assert.equal(machine.id, 'kyc');
    assert.equal(machine.version, '1.0.0');
    assert.deepEqual(Object.keys(machine.states), kyc.states.map((s) => s.name));
    const verification = machine.states['document_verification'];
    assert.deepEqual(verification?.meta, { automated: true, final: false, timeoutMs: 300_000, requiredFields: [] });
    assert.deepEqual(verification?.tags, ['automated', 'timed']);
    assert.equal(machine.states['completed']?.type, 'final');
  });

  it('runs as a live actor, with automation supplied through machine.provide', async () => {
    const machine = createJourneyMachine(builtinJourneys.kyc).provide({
      actors: { automation: fromPromise(({ input }) => Promise.resolve({ result: { verified: input.data['aadhar_number'] === AADHAAR } })) },
    });
    const actor = createActor(machine, { input: { asOf: '2025-03-01' } }).start();
    actor.send({ type: 'SUBMIT', data: { name: 'Asha', email: 'asha@example.in', phone: '9876543210' } });
    actor.send({ type: 'SUBMIT', data: { pan_number: 'ABCPR1234K', pan_image: goodDocument() } });
    actor.send({ type: 'SUBMIT', data: { aadhar_number: AADHAAR, aadhar_image: goodDocument() } });
    const done = await waitFor(actor, (s) => s.status === 'done', { timeout: 2000 });
    assert.equal(done.value, 'completed');
    assert.deepEqual(done.context.results, { document_verification: { verified: true } });
    actor.stop();
  });

  it('ignores invalid events as a live actor, exactly like journey.step rejects them', () => {
    const actor = createActor(createJourneyMachine(builtinJourneys.kyc), { input: {} }).start();
    actor.send({ type: 'SUBMIT', data: { name: 'Asha', email: 'bad', phone: '9876543210' } });
    assert.equal(actor.getSnapshot().value, 'provide_personal_details');
    assert.deepEqual(actor.getSnapshot().context.data, {});
    actor.stop();
  });

  it('decides a step itself: guards named for its checks pass or refuse it, named actions build the next context', () => {
    const machine = createJourneyMachine(builtinJourneys.kyc);
    assert.deepEqual(Object.keys(machine.implementations.guards).sort(), ['amendmentGiven', 'eventForThisState', 'fieldsValid', 'nextStateRequested', 'routeAllowed']);
    assert.deepEqual(Object.keys(machine.implementations.actions).sort(), ['countTimeout', 'mergeData', 'recordHistory', 'storeResult']);
    const start = machine.resolveState({ value: 'provide_personal_details', context: kyc.initial().context });
    const [refused] = transition(machine, start, { type: 'SUBMIT', data: { name: 'Asha', email: 'bad', phone: '9876543210' } });
    assert.equal(refused, start, 'no transition is enabled, so the snapshot is the one given');
    const [moved] = transition(machine, start, { type: 'SUBMIT', data: { name: 'Asha', email: 'asha@example.in', phone: '9876543210' }, asOf: '2025-03-01' });
    assert.equal(moved.value, 'provide_pan_details');
    assert.deepEqual(moved.context, {
      data: { name: 'Asha', email: 'asha@example.in', phone: '9876543210' },
      results: {},
      timeouts: {},
      history: [{ seq: 1, event: 'SUBMIT', from: 'provide_personal_details', to: 'provide_pan_details', asOf: '2025-03-01' }],
      startedAt: null,
    });
  });

  it('is the engine, not a shadow: a guard provided in place of one of its checks changes what it decides', () => {
    const verifying = atVerification();
    const forced = { type: 'AUTOMATED_RESULT', state: 'document_verification', next: 'completed', result: { verified: false } } as const;
    const machine = createJourneyMachine(builtinJourneys.kyc);
    const at = (m: typeof machine) => m.resolveState({ value: verifying.state, context: verifying.context });
    const [kept] = transition(machine, at(machine), forced);
    assert.equal(kept.value, 'document_verification');
    const lenient = machine.provide({ guards: { routeAllowed: () => true } });
    const [completed] = transition(lenient, at(lenient), forced);
    assert.equal(completed.value, 'completed');
    assert.deepEqual(completed.context.results, { document_verification: { verified: false } });
    const strict = machine.provide({ guards: { fieldsValid: () => false } });
    const s0 = strict.resolveState({ value: 'provide_personal_details', context: kyc.initial().context });
    const [same] = transition(strict, s0, { type: 'SUBMIT', data: { name: 'Asha', email: 'asha@example.in', phone: '9876543210' } });
    assert.equal(same, s0);
  });
});
