import { allCardDates, fuzzyFind, keyOf } from './text-layout.ts';
import type { LayoutRow } from './text-layout.ts';
import type { RawField } from './types.ts';

const IFSC = /[A-Z]{4}[0O][A-Z0-9]{6}/;
const AMOUNT = /-?\d{1,3}(?:,\d{2,3})*\.\d{2}\b|-?\d+\.\d{2}\b/;

/** Find the value of a `Label : value` row for the first label that matches (allowing typos), with its row. */
function labelled(rows: readonly LayoutRow[], labels: readonly string[]): { value: string; row: LayoutRow } | undefined {
  for (const label of labels) {
    const want = keyOf(label);
    const tolerance = Math.floor(want.length / 6);
    for (const row of rows) {
      const colon = row.text.indexOf(':');
      if (colon > 0) {
        const head = keyOf(row.text.slice(0, colon));
        if (Math.abs(head.length - want.length) <= tolerance && fuzzyFind(head, want) <= tolerance) {
          return { value: row.text.slice(colon + 1).trim(), row };
        }
        continue;
      }
      // No colon read: the label is the row's first words.
      const words = row.text.split(/\s+/);
      for (let n = 1; n <= Math.min(4, words.length - 1); n++) {
        const head = keyOf(words.slice(0, n).join(''));
        if (head.length >= want.length - tolerance && fuzzyFind(head, want) <= tolerance && Math.abs(head.length - want.length) <= tolerance) {
          return { value: words.slice(n).join(' ').trim(), row };
        }
      }
    }
  }
  return undefined;
}

/** Extract a bank statement's account holder, account number, IFSC, period and closing balance. */
export function extractBankStatementFields(rows: readonly LayoutRow[]): Record<string, RawField> {
  const out: Record<string, RawField> = {};
  const holder = labelled(rows, ['Account Holder', 'Customer Name', 'Account Name', 'Name']);
  if (holder) {
    const value = holder.value.replace(/[^A-Za-z .']/g, ' ').replace(/\s+/g, ' ').trim().toUpperCase();
    if (value) out['account_holder'] = { value, confidence: holder.row.confidence };
  }
  const number = labelled(rows, ['Account Number', 'Account No', 'A/C No']);
  if (number) {
    const digits = number.value.replace(/[\s-]/g, '').replace(/[Oo]/g, '0').replace(/[Il|]/g, '1');
    if (/^\d{6,20}$/.test(digits)) out['account_number'] = { value: digits, confidence: number.row.confidence };
  }
  const ifscRow = labelled(rows, ['IFSC Code', 'IFSC']);
  const ifscSource = ifscRow ? [{ text: ifscRow.value, confidence: ifscRow.row.confidence }] : rows.map((r) => ({ text: r.text, confidence: r.confidence }));
  for (const { text, confidence } of ifscSource) {
    const m = IFSC.exec(text.toUpperCase().replace(/\s/g, ''));
    if (m) {
      const raw = m[0];
      const fixed = `${raw.slice(0, 4)}0${raw.slice(5)}`;
      out['ifsc'] = { value: fixed, confidence: raw === fixed ? confidence : confidence * 0.85 };
      break;
    }
  }
  const period = labelled(rows, ['Statement Period', 'Period']);
  const periodDates = period ? allCardDates(period.value) : [];
  const fromTo = periodDates.length >= 2 ? periodDates : rows.map((r) => allCardDates(r.text)).find((d) => d.length === 2 && /FROM|PERIOD/i.test(r0(rows, d)));
  if (fromTo && fromTo.length >= 2) {
    const confidence = period?.row.confidence ?? 0.5;
    out['period_from'] = { value: fromTo[0] ?? '', confidence };
    out['period_to'] = { value: fromTo[1] ?? '', confidence };
  }
  const closing = labelled(rows, ['Closing Balance']);
  const amount = closing ? AMOUNT.exec(closing.value.replace(/\s/g, '')) : null;
  if (closing && amount) out['closing_balance'] = { value: amount[0].replace(/,/g, ''), confidence: closing.row.confidence };
  return out;
}

/** Text of the row whose dates are `dates` (for the from/to fallback). */
function r0(rows: readonly LayoutRow[], dates: readonly string[]): string {
  return rows.find((r) => allCardDates(r.text).join() === dates.join())?.text ?? '';
}
