import { BureauProviderError } from '../errors.ts';
import type { ResponseReader } from '../response-reader.ts';
import type { CreditAccount, CreditAccountStatus, CreditEnquiry, MonthlyDaysPastDue } from '../types.ts';
import { checkSubject, MAX_AMOUNT } from './format.ts';
import type { BureauFormat } from './format.ts';

const STATES: Readonly<Record<string, CreditAccountStatus>> = { ACTIVE: 'active', CLOSED: 'closed', WRITTEN_OFF: 'written_off', SETTLED: 'settled' };
const PRODUCT = /^[a-z][a-z0-9_]{0,39}$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const MAX_PAISE = MAX_AMOUNT * 100;

function rupees(r: ResponseReader, value: unknown, path: string): number {
  return r.integerString(value, path, 0, MAX_PAISE) / 100;
}

function dpdMap(r: ResponseReader, value: unknown, path: string): MonthlyDaysPastDue[] {
  const o = r.object(value, path);
  const months = Object.keys(o);
  if (months.length > 120) {
    r.issue(path, 'expected at most 120 months');
    return [];
  }
  const history: MonthlyDaysPastDue[] = [];
  for (const month of months) {
    if (MONTH.test(month)) history.push({ month, days: r.integer(o[month], `${path}.${month}`, 0, 999) });
    else r.issue(path, 'expected months YYYY-MM as keys');
  }
  return history.sort((a, b) => b.month.localeCompare(a.month));
}

function facility(r: ResponseReader, value: unknown, path: string): CreditAccount {
  const o = r.object(value, path);
  const state = r.string(o['state'], `${path}.state`);
  if (state && !(state in STATES)) r.issue(`${path}.state`, `expected one of ${Object.keys(STATES).join(', ')}`);
  return {
    accountId: r.string(o['ref'], `${path}.ref`),
    type: r.string(o['product'], `${path}.product`, PRODUCT, 'a product name in snake_case'),
    lender: r.string(o['institution'], `${path}.institution`),
    status: STATES[state] ?? 'active',
    openedOn: r.date(o['opened'], `${path}.opened`),
    sanctionedAmount: rupees(r, o['limit_paise'], `${path}.limit_paise`),
    currentBalance: rupees(r, o['outstanding_paise'], `${path}.outstanding_paise`),
    daysPastDue: dpdMap(r, o['dpd_by_month'], `${path}.dpd_by_month`),
  };
}

function search(r: ResponseReader, value: unknown, path: string): CreditEnquiry {
  const o = r.object(value, path);
  return {
    date: r.date(o['on'], `${path}.on`),
    lender: r.string(o['by'], `${path}.by`),
    purpose: r.string(o['reason'], `${path}.reason`, PRODUCT, 'a purpose in snake_case'),
    amount: rupees(r, o['amount_paise'], `${path}.amount_paise`),
  };
}

/**
 * An enveloped shape (status + data, amounts in paise as strings, DPD keyed by month):
 * `POST /reports` with `{ subject: { id_type: "PAN", id_value, name: { full }, birth_date } }`,
 * answered by `{ status: "OK", data: { id, created (epoch seconds), bureau_score: { score },
 * facilities: [{ dpd_by_month: { "2026-10": 0 } }], searches } }` or `{ status: "ERROR", error }`.
 */
export const envelopeV1Format: BureauFormat = {
  name: 'envelope-v1',
  path: '/reports',
  requestBody: (a) => ({
    subject: { id_type: 'PAN', id_value: a.pan, name: { full: a.name }, birth_date: a.dateOfBirth, mobile: a.phone, postcode: a.postalCode },
  }),
  parse(body, r, applicant) {
    const envelope = r.object(body, '');
    if (envelope['status'] === 'ERROR') {
      const error = typeof envelope['error'] === 'string' ? envelope['error'].slice(0, 200) : 'unspecified';
      throw new BureauProviderError(r.provider, 'server_error', `answered status ERROR: ${error}`);
    }
    if (envelope['status'] !== 'OK') r.issue('status', 'expected OK or ERROR');
    const data = r.object(envelope['data'], 'data');
    const subject = r.object(data['subject'], 'data.subject');
    checkSubject(r, r.string(subject['id_value'], 'data.subject.id_value'), applicant, 'data.subject.id_value');
    const created = r.integer(data['created'], 'data.created', 946_684_800, 32_503_680_000);
    const searches = r.array(data['searches'], 'data.searches', (item, p) => search(r, item, p), 1000);
    return {
      reportId: r.string(data['id'], 'data.id'),
      generatedAt: new Date(created * 1000).toISOString(),
      score: r.integer(r.object(data['bureau_score'], 'data.bureau_score')['score'], 'data.bureau_score.score', 300, 900),
      accounts: r.array(data['facilities'], 'data.facilities', (item, p) => facility(r, item, p), 1000),
      enquiries: searches.sort((a, b) => b.date.localeCompare(a.date)),
    };
  },
};
