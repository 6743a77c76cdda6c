import { BANKS, formatRupees, randomAccountNumber, randomIfsc, randomPerson, toCardDate } from './identities.ts';
import type { Prng } from './prng.ts';
import type { DocumentDrawing } from './scene.ts';
import { text } from './svg.ts';

/** What a generated bank statement says. */
export interface BankStatementTruth {
  readonly accountHolder: string;
  readonly accountNumber: string;
  readonly ifsc: string;
  /** First day of the period, `YYYY-MM-DD`. */
  readonly periodFrom: string;
  /** Last day of the period, `YYYY-MM-DD`. */
  readonly periodTo: string;
  /** Closing balance in rupees with two decimals, e.g. `123456.78`. */
  readonly closingBalance: string;
}

const W = 1000;
const H = 1414;
const NARRATIONS = [
  'UPI/PAYTM/GROCERY', 'NEFT SALARY CREDIT', 'ATM WITHDRAWAL', 'UPI/SWIGGY/FOOD', 'ACH EMI LOAN', 'IMPS TRANSFER',
  'POS AMAZON RETAIL', 'ELECTRICITY BILL', 'INTEREST CREDIT', 'CHEQUE DEPOSIT', 'UPI/ZOMATO', 'MOBILE RECHARGE',
] as const;
const CITIES = ['MUMBAI', 'PUNE', 'DELHI', 'BENGALURU', 'CHENNAI', 'KOLKATA', 'HYDERABAD', 'JAIPUR', 'LUCKNOW', 'KOCHI'] as const;

const iso = (d: Date): string => d.toISOString().slice(0, 10);

/** Draw one page of a bank statement with a random holder, account and transactions. */
export function drawBankStatement(prng: Prng): { drawing: DocumentDrawing; truth: BankStatementTruth } {
  const person = randomPerson(prng);
  const bank = prng.pick(BANKS);
  const year = prng.int(2021, 2025);
  const startMonth = prng.pick([0, 3, 6, 9]);
  const from = new Date(Date.UTC(year, startMonth, 1));
  const to = new Date(Date.UTC(year, startMonth + 3, 0));
  const opening = prng.int(2_000_00, 5_00_000_00) / 100;
  const rows: { date: Date; narration: string; debit: number; credit: number; balance: number }[] = [];
  let balance = opening;
  const count = prng.int(9, 13);
  const span = to.getTime() - from.getTime();
  const dates = Array.from({ length: count }, () => from.getTime() + Math.floor(prng.next() * span)).sort((a, b) => a - b);
  for (const t of dates) {
    const narration = prng.pick(NARRATIONS);
    const credit = narration.includes('CREDIT') || narration.includes('DEPOSIT') || prng.chance(0.2) ? prng.int(500_00, 90_000_00) / 100 : 0;
    const debit = credit === 0 ? Math.min(balance - 100, prng.int(50_00, 25_000_00) / 100) : 0;
    balance = Math.round((balance + credit - debit) * 100) / 100;
    rows.push({ date: new Date(t), narration, debit, credit, balance });
  }
  const truth: BankStatementTruth = {
    accountHolder: person.name,
    accountNumber: randomAccountNumber(prng),
    ifsc: randomIfsc(prng, bank.code),
    periodFrom: iso(from),
    periodTo: iso(to),
    closingBalance: balance.toFixed(2),
  };
  const holderLabel = prng.pick(['Account Holder', 'Customer Name', 'Name']);
  const numberLabel = prng.pick(['Account Number', 'Account No']);
  const ifscLabel = prng.pick(['IFSC Code', 'IFSC']);
  const city = prng.pick(CITIES);
  const j = (): number => prng.float(-4, 4);
  const x = 60 + j();
  const parts = [
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<rect x="0" y="0" width="${W}" height="118" fill="#eef2f7"/>`,
    text(x, 70, bank.name, { size: 40, weight: 'bold', fill: '#123a7a' }),
    text(x, 102, `${city} MAIN BRANCH`, { size: 19, fill: '#444' }),
    text(x, 178 + j(), 'Statement of Account', { size: 29, weight: 'bold', fill: '#111' }),
    text(x, 236, `${holderLabel} : ${truth.accountHolder}`, { size: 21, fill: '#111' }),
    text(x, 274, `Address : ${prng.int(1, 250)}, MG ROAD, ${city}`, { size: 21, fill: '#111' }),
    text(x, 312, `${numberLabel} : ${truth.accountNumber}`, { size: 21, fill: '#111' }),
    text(x, 350, `${ifscLabel} : ${truth.ifsc}`, { size: 21, fill: '#111' }),
    text(x, 388, `Statement Period : ${toCardDate(truth.periodFrom)} to ${toCardDate(truth.periodTo)}`, { size: 21, fill: '#111' }),
    text(x, 426, `Opening Balance : ${formatRupees(opening)}`, { size: 21, fill: '#111' }),
    `<rect x="50" y="452" width="${W - 100}" height="40" fill="#dfe6ef"/>`,
  ];
  const header = { size: 19, weight: 'bold' as const, fill: '#111' };
  parts.push(
    text(62, 479, 'Date', header),
    text(200, 479, 'Description', header),
    text(640, 479, 'Debit', { ...header, anchor: 'end' }),
    text(790, 479, 'Credit', { ...header, anchor: 'end' }),
    text(945, 479, 'Balance', { ...header, anchor: 'end' }),
  );
  let y = 530;
  for (const r of rows) {
    const cell = { size: 19, fill: '#222' };
    parts.push(
      text(62, y, toCardDate(iso(r.date)), cell),
      text(200, y, r.narration, cell),
      text(640, y, r.debit ? formatRupees(r.debit) : '', { ...cell, anchor: 'end' }),
      text(790, y, r.credit ? formatRupees(r.credit) : '', { ...cell, anchor: 'end' }),
      text(945, y, formatRupees(r.balance), { ...cell, anchor: 'end' }),
      `<rect x="50" y="${y + 13}" width="${W - 100}" height="1" fill="#c8ced6"/>`,
    );
    y += 46;
  }
  parts.push(
    text(x, y + 40, `Closing Balance : ${formatRupees(balance)}`, { size: 23, weight: 'bold', fill: '#111' }),
    text(x, y + 100, 'This is a computer generated statement and needs no signature.', { size: 17, fill: '#555' }),
  );
  return { drawing: { width: W, height: H, body: parts.join('') }, truth };
}
