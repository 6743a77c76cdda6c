// A snapshot rebuilt from a journey's view checks the next step as the full snapshot does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createJourney, sampleTenants, snapshotOfView } from '../src/index.ts';
import type { JourneyEventInput, PersistedJourney, StepResult } from '../src/index.ts';

const journey = createJourney(sampleTenants.acme.journeys.kyc);
const personal = { name: 'Rahul Kumar Sharma', email: 'rahul@example.com', phone: '+919876543210', date_of_birth: '1990-04-01' };
const image = { document_id: '00000000-0000-4000-8000-000000000000', kind: 'pan', bytes: 120_000, mime_type: 'image/jpeg' };

function viewOf(snapshot: PersistedJourney) {
  return { ...journey.describe(snapshot), data: snapshot.context.data, results: snapshot.context.results };
}

function outcome(result: StepResult): unknown {
  return result.ok ? { to: result.snapshot.state, data: result.snapshot.context.data } : { errors: result.errors.map((e) => [e.field, e.code]) };
}

test('the next step, accepted or refused, comes out the same from the view as from the snapshot', () => {
  const first = journey.step(journey.initial(), { type: 'SUBMIT', state: 'provide_personal_details', data: personal, asOf: '2026-12-01' });
  assert.ok(first.ok);
  const rebuilt = journey.validateSnapshot(snapshotOfView(viewOf(first.snapshot)));
  assert.equal(rebuilt.state, 'provide_pan_details');
  const events: JourneyEventInput[] = [
    { type: 'SUBMIT' as const, state: 'provide_pan_details', data: { pan_number: 'ABCPS1234K', pan_image: image } },
    { type: 'SUBMIT' as const, state: 'provide_pan_details', data: { pan_number: 'ABCPS1234', pan_image: image } },
    { type: 'SUBMIT' as const, state: 'provide_pan_details', data: { pan_number: 'ABCCS1234K', pan_image: image } },
    { type: 'SUBMIT' as const, state: 'provide_aadhar_details', data: { aadhar_number: '234567890124' } },
  ];
  for (const event of events) {
    const full = journey.step(first.snapshot, event);
    const fromView = journey.step(rebuilt, event);
    assert.deepEqual(outcome(fromView), outcome(full), JSON.stringify(event));
  }
  assert.equal(journey.step(rebuilt, { type: 'SUBMIT', state: 'provide_pan_details', data: { pan_number: 'ABCPS1234', pan_image: image } }).ok, false, 'a malformed PAN is refused from the view too');
});
