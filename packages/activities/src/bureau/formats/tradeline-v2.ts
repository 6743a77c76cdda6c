import type { ResponseReader } from '../response-reader.ts';
import type { CreditAccount, CreditAccountStatus, CreditEnquiry, MonthlyDaysPastDue } from '../types.ts';
import { checkSubject, MAX_AMOUNT } from './format.ts';
import type { BureauFormat } from './format.ts';

/** Product codes of the tradeline format and the names Metis uses for them. */
export const TRADELINE_PRODUCT_CODES: Readonly<Record<string, string>> = {
  '01': 'auto_loan',
  '02': 'home_loan',
  '05': 'personal_loan',
  '06': 'consumer_loan',
  '07': 'gold_loan',
  '10': 'credit_card',
  '13': 'two_wheeler_loan',
  '40': 'microfinance_loan',
};

const STATUS: Readonly<Record<string, CreditAccountStatus>> = { OPEN: 'active', CLOSED: 'closed', WRITTEN_OFF: 'written_off', SETTLED: 'settled' };
const DDMMYYYY = /^(\d{2})(\d{2})(\d{4})$/;

/** Turn `DDMMYYYY` into `YYYY-MM-DD`. */
function compactDate(r: ResponseReader, value: unknown, path: string): string {
  const text = r.string(value, path, DDMMYYYY, 'a date DDMMYYYY');
  const m = DDMMYYYY.exec(text);
  return m ? r.date(`${m[3]}-${m[2]}-${m[1]}`, path) : '';
}

/** Step a `YYYY-MM` month back by `n` months. */
function monthsBack(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) - n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Read a payment-history string: three digits of days past due per month, most recent first. */
function history(r: ResponseReader, value: unknown, start: string, path: string): MonthlyDaysPastDue[] {
  const text = r.string(value, path, /^(\d{3}){1,120}$/, 'groups of three digits');
  if (!text || !start) return [];
  const months: MonthlyDaysPastDue[] = [];
  for (let i = 0; i < text.length / 3; i++) months.push({ month: monthsBack(start, i), days: Number(text.slice(i * 3, i * 3 + 3)) });
  return months;
}

function product(code: string): string {
  return TRADELINE_PRODUCT_CODES[code] ?? 'other';
}

function account(r: ResponseReader, value: unknown, path: string): CreditAccount {
  const o = r.object(value, path);
  const start = r.month(o['payment_history_start'], `${path}.payment_history_start`);
  const status = r.string(o['account_status'], `${path}.account_status`);
  if (status && !(status in STATUS)) r.issue(`${path}.account_status`, `expected one of ${Object.keys(STATUS).join(', ')}`);
  return {
    accountId: r.string(o['account_ref'], `${path}.account_ref`),
    type: product(r.string(o['account_type_code'], `${path}.account_type_code`, /^\d{2}$/, 'a two-digit code')),
    lender: r.string(o['member_name'], `${path}.member_name`),
    status: STATUS[status] ?? 'active',
    openedOn: compactDate(r, o['date_opened'], `${path}.date_opened`),
    sanctionedAmount: r.number(o['high_credit'], `${path}.high_credit`, 0, MAX_AMOUNT),
    currentBalance: r.number(o['current_balance'], `${path}.current_balance`, 0, MAX_AMOUNT),
    daysPastDue: history(r, o['payment_history'], start, `${path}.payment_history`),
  };
}

function enquiry(r: ResponseReader, value: unknown, path: string): CreditEnquiry {
  const o = r.object(value, path);
  return {
    date: compactDate(r, o['enquiry_date'], `${path}.enquiry_date`),
    lender: r.string(o['member_name'], `${path}.member_name`),
    purpose: product(r.string(o['enquiry_purpose_code'], `${path}.enquiry_purpose_code`, /^\d{2}$/, 'a two-digit code')),
    amount: r.number(o['amount'], `${path}.amount`, 0, MAX_AMOUNT),
  };
}

/**
 * A tradeline-style shape (snake_case, coded fields): `POST /api/v2/report` with
 * `{ applicant: { pan_number, full_name, date_of_birth: DDMMYYYY } }`, answered by
 * `{ header, score_segment: { score: "742" }, tradelines: [{ payment_history: "000030..." }], enquiries }`.
 */
export const tradelineV2Format: BureauFormat = {
  name: 'tradeline-v2',
  path: '/api/v2/report',
  requestBody: (a) => {
    const [y, m, d] = a.dateOfBirth.split('-');
    return { applicant: { pan_number: a.pan, full_name: a.name, date_of_birth: `${d}${m}${y}`, mobile: a.phone, pin_code: a.postalCode } };
  },
  parse(body, r, applicant) {
    const o = r.object(body, '');
    const header = r.object(o['header'], 'header');
    checkSubject(r, r.string(header['subject_pan'], 'header.subject_pan'), applicant, 'header.subject_pan');
    const scoreSegment = r.object(o['score_segment'], 'score_segment');
    const enquiries = r.array(o['enquiries'], 'enquiries', (item, p) => enquiry(r, item, p), 1000);
    return {
      reportId: r.string(header['report_number'], 'header.report_number'),
      generatedAt: r.timestamp(header['generated_at'], 'header.generated_at'),
      score: r.integerString(scoreSegment['score'], 'score_segment.score', 300, 900),
      accounts: r.array(o['tradelines'], 'tradelines', (item, p) => account(r, item, p), 1000),
      enquiries: enquiries.sort((a, b) => b.date.localeCompare(a.date)),
    };
  },
};
