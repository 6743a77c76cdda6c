import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkBriefFields, maskPersonalData, maxJsonBytes, reviewBriefFacts, reviewBriefPrompt, reviewBriefSchema, validateJson } from '@metis/activities/llm';
import type { ReviewBriefSources } from '@metis/activities/llm';

const sources: ReviewBriefSources = {
  facts: {
    kyc: { status: 'done' },
    loan: { amount: 1_500_000, tenure_months: 60, purpose: 'extension, call +91 9876543210, mail priya@example.com, PAN ABCDE1234F, Aadhaar 1234 5678 9012' },
    applicant: { monthly_income: 400_000, employment_type: 'salaried', emi_to_income: 0.087234, name: 'Priya Sharma', phone: '9876543210' },
    bureau: { score: 790, history_months: 84, max_dpd: 0, enquiries_6m: 1 },
  },
  credit: { provider: 'alpha', reportId: 'r-123', score: 790, activeAccounts: 3, enquiriesLast6Months: 1, maxDaysPastDue: 0, historyMonths: 84 },
  risk: { riskScore: 0.1234567, riskCategory: 'low', modelVersion: 'v1', contributingFactors: { bureauScore: 0.1 } },
  reasons: ['Amount ₹1500000 above the high-value threshold ₹1000000 → manual_review'],
};

describe('review brief', () => {
  test('facts are flat paths without personal data', () => {
    const facts = reviewBriefFacts(sources);
    assert.equal(facts['applicant.emi_to_income'], 0.087);
    assert.equal(facts['risk.score'], 0.123);
    assert.equal(facts['risk.factors.bureau_score'], 0.1);
    assert.equal(facts['credit.active_accounts'], 3);
    assert.equal(facts['rules.reason_1'], sources.reasons[0]);
    assert.equal(facts['credit.score'], undefined, 'the bureau section has it already');
    assert.equal(facts['credit.report_id'], undefined);
    assert.equal(facts['applicant.name'], undefined);
    assert.equal(facts['applicant.phone'], undefined);
    assert.equal(facts['loan.purpose'], 'extension, call [phone], mail [email], PAN [pan], Aadhaar [aadhaar]');
    const { prompt } = reviewBriefPrompt(facts);
    for (const secret of ['9876543210', 'priya@example.com', 'ABCDE1234F', '1234 5678 9012', 'Priya Sharma']) assert.ok(!prompt.includes(secret), secret);
    assert.match(prompt, /^applicant\.emi_to_income: 0\.087$/m);
  });

  test('masking leaves ordinary numbers alone', () => {
    assert.equal(maskPersonalData('₹1500000 over 60 months at 14%'), '₹1500000 over 60 months at 14%');
    assert.equal(maskPersonalData('ref 123456789012345'), 'ref [number]');
  });

  test('the schema is bounded and lets flags cite only the given facts', () => {
    const facts = reviewBriefFacts(sources);
    const schema = reviewBriefSchema(Object.keys(facts));
    assert.ok(maxJsonBytes(schema) !== undefined, 'bounded, so generation always completes');
    const brief = { summary: 's', flags: [{ flag: 'high_loan_amount', fields: ['loan.amount'] }], questions: ['q?'] };
    assert.deepEqual(validateJson(schema, brief), []);
    assert.notDeepEqual(validateJson(schema, { ...brief, flags: [{ flag: 'high_loan_amount', fields: ['applicant.pan'] }] }), []);
    assert.notDeepEqual(validateJson(schema, { ...brief, flags: [{ flag: 'high_loan_amount', fields: [] }] }), [], 'a flag cites at least one fact');
  });

  test('citations of facts not given are dropped, and flags left without one', () => {
    const facts = reviewBriefFacts(sources);
    const { brief, dropped } = checkBriefFields(
      {
        summary: 's',
        flags: [
          { flag: 'high_loan_amount', fields: ['loan.amount', 'loan.amount', 'applicant.pan'] },
          { flag: 'identity_mismatch', fields: ['applicant.name'] },
        ],
        questions: [],
      },
      facts,
    );
    assert.deepEqual(brief.flags, [{ flag: 'high_loan_amount', fields: ['loan.amount'] }]);
    assert.deepEqual(dropped, ['high_loan_amount:applicant.pan', 'identity_mismatch:applicant.name']);
  });
});
