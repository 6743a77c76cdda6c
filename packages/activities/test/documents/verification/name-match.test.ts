import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_NAME_THRESHOLD, matchNames } from '../../../src/documents/verification/index.ts';
import type { NameMatchMethod } from '../../../src/documents/verification/index.ts';

// [typed, read, method expected]
const SAME_PERSON: readonly (readonly [string, string, NameMatchMethod])[] = [
  ['Rahul Kumar Sharma', 'Rahul Kumar Sharma', 'exact'],
  ['RAHUL  KUMAR', 'Rahul Kumar', 'normalised'],
  ['Mr. Rahul Sharma', 'RAHUL SHARMA', 'normalised'],
  ['Smt Priya Kumari', 'Priya Kumari', 'normalised'],
  ['Shri Anil Verma', 'Dr Anil Verma', 'normalised'],
  ['Ramkumar Yadav', 'Ram Kumar Yadav', 'normalised'],
  ['R.K. Sharma', 'Rahul Kumar Sharma', 'initials'],
  ['R K Sharma', 'Rahul Kumar Sharma', 'initials'],
  ['RK Sharma', 'Rahul Kumar Sharma', 'initials'],
  ['R. Kumar Sharma', 'Rahul Kumar Sharma', 'initials'],
  ['Sharma Rahul Kumar', 'Rahul Kumar Sharma', 'token_set'],
  ['Priya Sharma', 'SHARMA PRIYA', 'token_set'],
  ['Ramachandra Rao', 'Ramchandra Rao', 'transliteration'],
  ['Rama Rao', 'Ram Rao', 'transliteration'],
  ['Mohammed Irfan', 'Muhammad Irfan', 'transliteration'],
  ['Mohammad Irfan', 'Mohd Irfan', 'transliteration'],
  ['Md Salim', 'Mohammed Salim', 'transliteration'],
  ['Laxmi Devi', 'Lakshmi Devi', 'transliteration'],
  ['Srinivas Reddy', 'Shrinivas Reddy', 'transliteration'],
  ['Sreenivas Reddy', 'Srinivasa Reddy', 'transliteration'],
  ['Amit Chaudhary', 'Amit Choudhary', 'transliteration'],
  ['Amit Chowdhury', 'Amit Chaudhary', 'transliteration'],
  ['Sunita Kumari', 'Sunita Kumaari', 'transliteration'],
  ['Vijay Kumar', 'Wijay Kumar', 'transliteration'],
  ['Prashant Joshi', 'Prasanth Joshi', 'transliteration'],
  ['Deepak Patel', 'Dipak Patel', 'transliteration'],
  ['Pooja Mehta', 'Puja Mehta', 'transliteration'],
  ['Phoolan Devi', 'Fulan Devi', 'transliteration'],
  ['Bhavna Khanna', 'Bavna Kanna', 'transliteration'],
  ['Ajay Pandey', 'Ajay Pande', 'transliteration'],
  ['Anil Varma', 'Anil Verma', 'transliteration'],
  ['Rahul Sharma', 'Rahul K Sharma', 'partial'],
  ['Rahul Sharma', 'RAHUI SHARMA', 'fuzzy'],
];

const DIFFERENT: readonly (readonly [string, string])[] = [
  ['Rahul Sharma', 'Priya Sharma'],
  ['Rahul Sharma', 'Rohit Sharma'],
  ['Ramesh Gupta', 'Suresh Gupta'],
  ['Manish Jain', 'Mahesh Jain'],
  ['Neha Gupta', 'Nisha Gupta'],
  ['Sita Ram', 'Gita Ram'],
  ['Sunil Sharma', 'Sushil Sharma'],
  ['Rajesh Kumar', 'Rakesh Kumar'],
  ['Arun Kumar', 'Varun Kumar'],
  ['Anita Desai', 'Amita Desai'],
  ['Rahul Sharma', 'Rahul Verma'],
  ['Rahul Kumar', 'Rahul Kumar Sharma'],
  ['Rahul', 'Rahul Kumar Sharma'],
  ['Rahul Sharma', 'Sharma'],
  ['Kamal Singh', 'Kamla Singh'],
  ['R Sharma', 'P Sharma'],
  ['R K Sharma', 'Rahul Sharma Kumar Verma'],
];

describe('matchNames', () => {
  it('exports the default threshold', () => {
    assert.equal(DEFAULT_NAME_THRESHOLD, 0.85);
  });

  it('matches spellings of the same name at or above the threshold, both ways round', () => {
    for (const [typed, read, method] of SAME_PERSON) {
      const forward = matchNames(typed, read);
      assert.ok(forward.score >= DEFAULT_NAME_THRESHOLD, `${typed} / ${read}: ${forward.score}`);
      assert.equal(forward.method, method, `${typed} / ${read}`);
      assert.equal(matchNames(read, typed).score, forward.score, `${read} / ${typed} symmetric`);
    }
  });

  it('scores different people below the threshold', () => {
    for (const [typed, read] of DIFFERENT) {
      const { score } = matchNames(typed, read);
      assert.ok(score < DEFAULT_NAME_THRESHOLD, `${typed} / ${read}: ${score}`);
    }
  });

  it('scores exact hand-worked values', () => {
    // Score = Σ over paired tokens (both weights × pair score) / all token weights, a token weighing
    // its length but at least 3; unpaired tokens add 0.
    // Rahul/Priya do not pair: sharma+sharma = 12 of 5+6+5+6 = 22.
    assert.deepEqual(matchNames('Rahul Sharma', 'Priya Sharma'), { score: 0.545, method: 'partial' });
    // A missing middle name: 22 of 27 — fairly high but below the default threshold, by design.
    assert.deepEqual(matchNames('Rahul Sharma', 'Rahul Kumar Sharma'), { score: 0.815, method: 'partial' });
    // A missing initial: 22 of 25.
    assert.deepEqual(matchNames('Rahul Sharma', 'Rahul K Sharma'), { score: 0.88, method: 'partial' });
    // Two initials at 0.9 each: (8 × 0.9 + 8 × 0.9 + 12) / 28 = 0.9428...
    assert.deepEqual(matchNames('R K Sharma', 'Rahul Kumar Sharma'), { score: 0.943, method: 'initials' });
    // Different initials do not pair: 12 of 18.
    assert.deepEqual(matchNames('R Sharma', 'P Sharma'), { score: 0.667, method: 'partial' });
    // Reordered tokens cost 2%.
    assert.deepEqual(matchNames('Sharma Rahul Kumar', 'Rahul Kumar Sharma'), { score: 0.98, method: 'token_set' });
    // Same key kumar / kumaar at 0.95: (11 × 0.95) / 11.
    assert.deepEqual(matchNames('Kumar', 'Kumaar'), { score: 0.95, method: 'transliteration' });
  });

  it('finds nothing to match in empty or letterless names', () => {
    assert.deepEqual(matchNames('', 'Rahul'), { score: 0, method: 'none' });
    assert.deepEqual(matchNames('Rahul', '  '), { score: 0, method: 'none' });
    assert.deepEqual(matchNames('...', '...'), { score: 0, method: 'none' });
    assert.deepEqual(matchNames('Mr', 'Mr'), { score: 1, method: 'exact' });
  });
});

describe('matchNames properties', () => {
  const word = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'), minLength: 1, maxLength: 9 });
  const name = fc.array(word, { minLength: 1, maxLength: 5 }).map((words) => words.join(' '));
  const anyText = fc.string({ maxLength: 40 });

  it('scores in [0, 1] with 3 decimals', () => {
    fc.assert(
      fc.property(anyText, anyText, (a, b) => {
        const { score } = matchNames(a, b);
        return score >= 0 && score <= 1 && Math.round(score * 1000) / 1000 === score;
      }),
      { numRuns: 500 },
    );
  });

  it('is symmetric', () => {
    fc.assert(fc.property(name, name, (a, b) => matchNames(a, b).score === matchNames(b, a).score), { numRuns: 500 });
  });

  it('ignores case, spacing and punctuation', () => {
    fc.assert(
      fc.property(name, name, (a, b) => {
        const shouted = `  ${a.toUpperCase().split(' ').join('.  ')} `;
        return matchNames(shouted, b).score === matchNames(a, b).score;
      }),
      { numRuns: 300 },
    );
  });

  it('scores a name against itself 1', () => {
    fc.assert(fc.property(name, (a) => matchNames(a, a).score === 1 && matchNames(a.toUpperCase(), a).score === 1), { numRuns: 300 });
  });
});
