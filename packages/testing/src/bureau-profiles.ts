import { createHash } from 'node:crypto';
import { mulberry32 } from './mulberry32.ts';
import type { BureauFormatName } from '@metis/activities/bureau';

/** One account of a simulated applicant. */
export interface SimulatedAccount {
  /** Masked account reference. */
  readonly accountId: string;
  /** Product in snake_case, e.g. `credit_card`. */
  readonly type: string;
  /** Two-digit product code of the tradeline format. */
  readonly typeCode: string;
  /** Lender. */
  readonly lender: string;
  /** Status. */
  readonly status: 'active' | 'closed' | 'written_off' | 'settled';
  /** Opening date, `YYYY-MM-DD`. */
  readonly openedOn: string;
  /** Sanctioned amount or limit, whole rupees. */
  readonly sanctionedAmount: number;
  /** Outstanding balance, whole rupees. */
  readonly currentBalance: number;
  /** Days past due per month, most recent first. */
  readonly daysPastDue: readonly { readonly month: string; readonly days: number }[];
}

/** The credit file a simulated bureau holds for one applicant, derived from a hash of the PAN. */
export interface SimulatedCreditProfile {
  /** Score, 300-900. */
  readonly score: number;
  /** Accounts. */
  readonly accounts: readonly SimulatedAccount[];
  /** Enquiries, most recent first. */
  readonly enquiries: readonly { readonly date: string; readonly lender: string; readonly purpose: string; readonly typeCode: string; readonly amount: number }[];
}

const PRODUCTS = [
  ['credit_card', '10'],
  ['personal_loan', '05'],
  ['home_loan', '02'],
  ['auto_loan', '01'],
  ['consumer_loan', '06'],
  ['gold_loan', '07'],
] as const;
const LENDERS = ['Aranya Bank', 'Kaveri Finance', 'Sahyadri Credit', 'Indus Valley Bank', 'Narmada NBFC', 'Coromandel Capital'];

/** The month the simulated files end at; fixed so a PAN's file never changes. */
export const SIMULATED_AS_OF = '2026-10';

/** A deterministic generator of floats in [0, 1) seeded from a number (mulberry32). */
function generator(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 4294967296;
}

/** Seed a generator from text. */
export function seededRandom(text: string): () => number {
  return generator(createHash('sha256').update(text).digest().readUInt32BE(0));
}

function monthsBack(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) - n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Return the credit file every simulated bureau serves for a PAN (same PAN, same file). */
export function simulatedCreditProfile(pan: string): SimulatedCreditProfile {
  const rand = seededRandom(`metis-bureau:${pan}`);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const score = 300 + Math.floor(rand() * 601);
  const risk = (900 - score) / 600; // 0 best, 1 worst
  const accounts: SimulatedAccount[] = [];
  const accountCount = Math.floor(rand() * 6);
  for (let i = 0; i < accountCount; i++) {
    const [type, typeCode] = pick(PRODUCTS);
    const ageMonths = 6 + Math.floor(rand() * 114);
    const opened = monthsBack(SIMULATED_AS_OF, ageMonths);
    const sanctionedAmount = (type === 'home_loan' ? 2_000_000 : 50_000) + Math.floor(rand() * 40) * 25_000;
    const status = rand() < 0.2 ? 'closed' : risk > 0.7 && rand() < 0.3 ? 'written_off' : 'active';
    const history = Math.min(ageMonths, 24);
    const daysPastDue = Array.from({ length: history }, (_, m) => ({
      month: monthsBack(SIMULATED_AS_OF, m),
      days: rand() < risk * 0.25 ? pick([30, 60, 90]) : 0,
    }));
    accounts.push({
      accountId: `XXXX${String(Math.floor(rand() * 10_000)).padStart(4, '0')}`,
      type,
      typeCode,
      lender: pick(LENDERS),
      status,
      openedOn: `${opened}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`,
      sanctionedAmount,
      currentBalance: status === 'closed' ? 0 : Math.floor(sanctionedAmount * rand()),
      daysPastDue,
    });
  }
  const enquiries = Array.from({ length: Math.floor(rand() * 5) }, (_, i) => {
    const [purpose, typeCode] = pick(PRODUCTS);
    return {
      date: `${monthsBack(SIMULATED_AS_OF, i * 2 + Math.floor(rand() * 2))}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`,
      lender: pick(LENDERS),
      purpose,
      typeCode,
      amount: 25_000 * (1 + Math.floor(rand() * 40)),
    };
  });
  return { score, accounts, enquiries };
}

const statusCode = { active: 'OPEN', closed: 'CLOSED', written_off: 'WRITTEN_OFF', settled: 'SETTLED' } as const;
const compact = (date: string) => `${date.slice(8, 10)}${date.slice(5, 7)}${date.slice(0, 4)}`;

/** Render a profile as one format's response body (a JSON-ready object). */
export function renderCreditReport(format: BureauFormatName, pan: string, reportId: string, profile: SimulatedCreditProfile, generatedAt: Date): Record<string, unknown> {
  switch (format) {
    case 'metis-v1':
      return {
        reportId,
        generatedAt: generatedAt.toISOString(),
        pan,
        score: { value: profile.score, model: 'metis-sim-v1' },
        accounts: profile.accounts.map(({ typeCode: _code, daysPastDue, ...a }) => ({ ...a, dpd: daysPastDue })),
        enquiries: profile.enquiries.map(({ typeCode: _code, ...e }) => e),
      };
    case 'tradeline-v2':
      return {
        header: { report_number: reportId, generated_at: generatedAt.toISOString(), subject_pan: pan },
        score_segment: { score: String(profile.score), version: '02' },
        tradelines: profile.accounts.map((a) => ({
          account_ref: a.accountId,
          account_type_code: a.typeCode,
          member_name: a.lender,
          account_status: statusCode[a.status],
          date_opened: compact(a.openedOn),
          high_credit: a.sanctionedAmount,
          current_balance: a.currentBalance,
          payment_history: a.daysPastDue.map((d) => String(d.days).padStart(3, '0')).join('') || '000',
          payment_history_start: a.daysPastDue[0]?.month ?? SIMULATED_AS_OF,
        })),
        enquiries: profile.enquiries.map((e) => ({ enquiry_date: compact(e.date), member_name: e.lender, enquiry_purpose_code: e.typeCode, amount: e.amount })),
      };
    case 'envelope-v1':
      return {
        status: 'OK',
        data: {
          id: reportId,
          created: Math.floor(generatedAt.getTime() / 1000),
          subject: { id_type: 'PAN', id_value: pan },
          bureau_score: { score: profile.score, range: [300, 900] },
          facilities: profile.accounts.map((a) => ({
            ref: a.accountId,
            product: a.type,
            institution: a.lender,
            state: statusCode[a.status] === 'OPEN' ? 'ACTIVE' : statusCode[a.status],
            opened: a.openedOn,
            limit_paise: String(a.sanctionedAmount * 100),
            outstanding_paise: String(a.currentBalance * 100),
            dpd_by_month: Object.fromEntries(a.daysPastDue.map((d) => [d.month, d.days])),
          })),
          searches: profile.enquiries.map((e) => ({ on: e.date, by: e.lender, reason: e.purpose, amount_paise: String(e.amount * 100) })),
        },
      };
  }
}

/** Where each format keeps the score and the subject's PAN, for fault injection. */
export const FORMAT_FIELDS: Readonly<Record<BureauFormatName, { readonly score: readonly string[]; readonly subject: readonly string[]; readonly accounts: readonly string[]; readonly lender: string }>> = {
  'metis-v1': { score: ['score'], subject: ['pan'], accounts: ['accounts'], lender: 'lender' },
  'tradeline-v2': { score: ['score_segment', 'score'], subject: ['header', 'subject_pan'], accounts: ['tradelines'], lender: 'member_name' },
  'envelope-v1': { score: ['data', 'bureau_score', 'score'], subject: ['data', 'subject', 'id_value'], accounts: ['data', 'facilities'], lender: 'institution' },
};

/** Read the PAN out of a request body of a format, or undefined. */
export function requestPan(format: BureauFormatName, body: unknown): string | undefined {
  const o = (typeof body === 'object' && body !== null ? body : {}) as Record<string, Record<string, unknown> | undefined>;
  const value = format === 'metis-v1' ? (o as Record<string, unknown>)['pan'] : format === 'tradeline-v2' ? o['applicant']?.['pan_number'] : o['subject']?.['id_value'];
  return typeof value === 'string' && /^[A-Z]{5}\d{4}[A-Z]$/.test(value) ? value : undefined;
}
