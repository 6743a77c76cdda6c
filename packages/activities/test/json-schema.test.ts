import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RECOMMENDATIONS, RISK_FLAGS, underwritingNoteSchema, validateJson } from '@metis/activities/llm';
import type { JsonSchema } from '@metis/activities/llm';

const note = underwritingNoteSchema({ summaryMaxLength: 48, maxFlags: 3 });
const valid = { risk_flags: [RISK_FLAGS[0]], summary: 'Stable salaried income.', recommendation: 'approve' };

describe('validateJson', () => {
  it('accepts a conforming document', () => {
    assert.deepEqual(validateJson(note, valid), []);
    assert.deepEqual(validateJson(note, { ...valid, risk_flags: [] }), []);
  });

  it('names every problem with its path', () => {
    assert.deepEqual(validateJson(note, []), ['$ must be an object']);
    assert.deepEqual(validateJson(note, { summary: 'x', recommendation: 'maybe', extra: 1 }).sort(), [
      '$.extra is not allowed',
      `$.recommendation must be one of ${JSON.stringify(RECOMMENDATIONS)}`,
      '$.risk_flags is required',
    ]);
    assert.deepEqual(validateJson(note, { ...valid, risk_flags: [RISK_FLAGS[0], 'made_up', RISK_FLAGS[1], RISK_FLAGS[2]] }).sort(), [
      '$.risk_flags allows at most 3 items',
      `$.risk_flags[1] must be one of ${JSON.stringify(RISK_FLAGS)}`,
    ]);
    assert.deepEqual(validateJson(note, { ...valid, summary: 'x'.repeat(49) }), ['$.summary allows at most 48 characters']);
    assert.deepEqual(validateJson(note, { ...valid, summary: 7 }), ['$.summary must be a string']);
    assert.deepEqual(validateJson(note, valid, '$.note'), []);
    assert.deepEqual(validateJson(note, { ...valid, summary: null }, '$.note'), ['$.note.summary must be a string']);
  });

  it('counts string length in characters, not UTF-16 units', () => {
    assert.deepEqual(validateJson(note, { ...valid, summary: '😀'.repeat(48) }), []);
    assert.deepEqual(validateJson(note, { ...valid, summary: '😀'.repeat(49) }), ['$.summary allows at most 48 characters']);
  });

  it('covers the rest of the subset: optional properties, nesting, minimums, const and the scalar types', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: {
        items: { type: 'array', minItems: 1, items: { type: 'object', properties: { name: { type: 'string', minLength: 2 }, count: { type: 'integer' } }, required: ['name'] } },
        score: { type: 'number' },
        ok: { type: 'boolean' },
        nothing: { type: 'null' },
        kind: { const: 'note' },
        'a/b~c': { type: 'string' },
      },
      required: ['items'],
    };
    assert.deepEqual(validateJson(schema, { items: [{ name: 'ab' }] }), []);
    assert.deepEqual(validateJson(schema, { items: [] }), ['$.items needs at least 1 items']);
    assert.deepEqual(validateJson(schema, { items: [{ count: 1.5 }, { name: 'x', count: 2 }] }).sort(), ['$.items[0].count must be an integer', '$.items[0].name is required', '$.items[1].name needs at least 2 characters']);
    assert.deepEqual(validateJson(schema, { items: [{ name: 'ab' }], score: '1', ok: 1, nothing: 0, kind: 'other', 'a/b~c': 2 }).sort(), [
      '$.a/b~c must be a string',
      '$.kind must be "note"',
      '$.nothing must be null',
      '$.ok must be a boolean',
      '$.score must be a number',
    ]);
  });

  it('reuses the validator compiled for a schema object', () => {
    const schema: JsonSchema = { type: 'object', properties: { a: { type: 'string' } } };
    for (let i = 0; i < 1000; i++) assert.deepEqual(validateJson(schema, { a: String(i) }), []);
    // A fresh schema object of the same shape is compiled on its own and validates the same way.
    assert.deepEqual(validateJson({ type: 'object', properties: { a: { type: 'string' } } }, { a: 1 }), ['$.a must be a string']);
  });
});
