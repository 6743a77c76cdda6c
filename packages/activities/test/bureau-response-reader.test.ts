import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResponseReader } from '@metis/activities/bureau';

test('a bureau date must be a day that exists', () => {
  const reader = new ResponseReader('bureau-a');
  assert.equal(reader.date('2024-02-29', 'opened'), '2024-02-29');
  assert.deepEqual(reader.issues, []);
  reader.date('2026-02-30', 'closed');
  reader.date('2026-04-31', 'reported');
  assert.deepEqual(reader.issues, ['closed: expected a real calendar date', 'reported: expected a real calendar date']);
});
