import type { ResponseReader } from '../response-reader.ts';
import type { CreditAccount, CreditAccountStatus, CreditEnquiry, MonthlyDaysPastDue } from '../types.ts';
import { checkSubject, MAX_AMOUNT } from './format.ts';
import type { BureauFormat } from './format.ts';

const STATUSES: readonly CreditAccountStatus[] = ['active', 'closed', 'written_off', 'settled'];
const PRODUCT = /^[a-z][a-z0-9_]{0,39}$/;

function dpd(r: ResponseReader, value: unknown, path: string): MonthlyDaysPastDue {
  const o = r.object(value, path);
  return { month: r.month(o['month'], `${path}.month`), days: r.integer(o['days'], `${path}.days`, 0, 999) };
}

function account(r: ResponseReader, value: unknown, path: string): CreditAccount {
  const o = r.object(value, path);
  const history = r.array(o['dpd'], `${path}.dpd`, (item, p) => dpd(r, item, p), 120);
  return {
    accountId: r.string(o['accountId'], `${path}.accountId`),
    type: r.string(o['type'], `${path}.type`, PRODUCT, 'a product name in snake_case'),
    lender: r.string(o['lender'], `${path}.lender`),
    status: r.oneOf(o['status'], `${path}.status`, STATUSES),
    openedOn: r.date(o['openedOn'], `${path}.openedOn`),
    sanctionedAmount: r.number(o['sanctionedAmount'], `${path}.sanctionedAmount`, 0, MAX_AMOUNT),
    currentBalance: r.number(o['currentBalance'], `${path}.currentBalance`, 0, MAX_AMOUNT),
    daysPastDue: history.sort((a, b) => b.month.localeCompare(a.month)),
  };
}

function enquiry(r: ResponseReader, value: unknown, path: string): CreditEnquiry {
  const o = r.object(value, path);
  return {
    date: r.date(o['date'], `${path}.date`),
    lender: r.string(o['lender'], `${path}.lender`),
    purpose: r.string(o['purpose'], `${path}.purpose`, PRODUCT, 'a purpose in snake_case'),
    amount: r.number(o['amount'], `${path}.amount`, 0, MAX_AMOUNT),
  };
}

/**
 * Metis's own JSON shape (camelCase, one object): `POST /v1/credit-reports` with
 * `{ pan, name, dateOfBirth }`, answered by `{ reportId, generatedAt, pan, score: { value },
 * accounts: [{ ..., dpd: [{ month, days }] }], enquiries }`.
 */
export const metisV1Format: BureauFormat = {
  name: 'metis-v1',
  path: '/v1/credit-reports',
  requestBody: (a) => ({ pan: a.pan, name: a.name, dateOfBirth: a.dateOfBirth, phone: a.phone, postalCode: a.postalCode }),
  parse(body, r, applicant) {
    const o = r.object(body, '');
    checkSubject(r, r.string(o['pan'], 'pan'), applicant, 'pan');
    const score = r.object(o['score'], 'score');
    const enquiries = r.array(o['enquiries'], 'enquiries', (item, p) => enquiry(r, item, p), 1000);
    return {
      reportId: r.string(o['reportId'], 'reportId'),
      generatedAt: r.timestamp(o['generatedAt'], 'generatedAt'),
      score: r.integer(score['value'], 'score.value', 300, 900),
      accounts: r.array(o['accounts'], 'accounts', (item, p) => account(r, item, p), 1000),
      enquiries: enquiries.sort((a, b) => b.date.localeCompare(a.date)),
    };
  },
};
