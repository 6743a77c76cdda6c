import { verhoeffCheckDigit } from '@metis/fsm';
import type { Prng } from './prng.ts';

const MALE = [
  'AARAV', 'ABHISHEK', 'ADITYA', 'AJAY', 'AMIT', 'ANIL', 'ARJUN', 'ASHOK', 'DEEPAK', 'DINESH', 'GAURAV', 'HARISH',
  'KARAN', 'KIRAN', 'MAHESH', 'MANOJ', 'MOHAN', 'NAVEEN', 'NIKHIL', 'PRAKASH', 'RAHUL', 'RAJESH', 'RAMESH', 'RAVI',
  'ROHIT', 'SACHIN', 'SANJAY', 'SATISH', 'SUNIL', 'SURESH', 'VIJAY', 'VIKAS', 'VINOD', 'VIVEK', 'YOGESH', 'IMRAN',
  'FAROOQ', 'JOSEPH', 'GURPREET', 'VENKATESH',
] as const;
const FEMALE = [
  'ANITA', 'ANJALI', 'DIVYA', 'GEETA', 'KAVITA', 'LAKSHMI', 'MEENA', 'NEHA', 'NISHA', 'POOJA', 'PRIYA', 'RADHA',
  'REKHA', 'SANGEETA', 'SEEMA', 'SHWETA', 'SUNITA', 'SWATI', 'USHA', 'FATIMA', 'AYESHA', 'MARY', 'HARPREET', 'JYOTI',
] as const;
const MIDDLE = ['KUMAR', 'PRASAD', 'CHANDRA', 'LAL', 'NATH', 'DEV', 'MOHAN', 'RAJ'] as const;
const SURNAMES = [
  'SHARMA', 'VERMA', 'GUPTA', 'SINGH', 'KUMAR', 'PATEL', 'SHAH', 'MEHTA', 'JOSHI', 'IYER', 'NAIR', 'REDDY', 'RAO',
  'PILLAI', 'MENON', 'DAS', 'BOSE', 'CHATTERJEE', 'MUKHERJEE', 'BANERJEE', 'AGARWAL', 'JAIN', 'KHAN', 'QURESHI',
  'DESAI', 'KULKARNI', 'DESHPANDE', 'PANDEY', 'MISHRA', 'TIWARI', 'YADAV', 'CHAUHAN', 'MALHOTRA', 'KAPOOR', 'BHATT',
  'SAXENA', 'KAUR', 'GILL', 'FERNANDES', 'DSOUZA',
] as const;

/** Banks, their IFSC prefixes and how they print their name. */
export const BANKS = [
  { code: 'HDFC', name: 'HDFC BANK' },
  { code: 'ICIC', name: 'ICICI BANK' },
  { code: 'SBIN', name: 'STATE BANK OF INDIA' },
  { code: 'UTIB', name: 'AXIS BANK' },
  { code: 'KKBK', name: 'KOTAK MAHINDRA BANK' },
  { code: 'PUNB', name: 'PUNJAB NATIONAL BANK' },
  { code: 'BARB', name: 'BANK OF BARODA' },
] as const;

/** A generated person. */
export interface Person {
  /** Full name in capitals, e.g. `RAHUL KUMAR SHARMA`. */
  readonly name: string;
  /** Father's full name in capitals. */
  readonly fatherName: string;
  /** `MALE` or `FEMALE`. */
  readonly gender: 'MALE' | 'FEMALE';
  /** Date of birth, `YYYY-MM-DD`. */
  readonly dateOfBirth: string;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Return a random calendar date between two years, as `YYYY-MM-DD`. */
export function randomDate(prng: Prng, fromYear: number, toYear: number): string {
  const year = prng.int(fromYear, toYear);
  const month = prng.int(1, 12);
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${pad(month)}-${pad(prng.int(1, days))}`;
}

/** Format an ISO date as the cards print it: `DD/MM/YYYY`. */
export function toCardDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d ?? ''}/${m ?? ''}/${y ?? ''}`;
}

/** Generate a person with an Indian name, a father and a birth date (aged 19-70 in 2024). */
export function randomPerson(prng: Prng): Person {
  const gender = prng.chance(0.6) ? 'MALE' : 'FEMALE';
  const surname = prng.pick(SURNAMES);
  const first = gender === 'MALE' ? prng.pick(MALE) : prng.pick(FEMALE);
  const middle = gender === 'MALE' && prng.chance(0.35) ? ` ${prng.pick(MIDDLE)}` : '';
  const fatherMiddle = prng.chance(0.3) ? ` ${prng.pick(MIDDLE)}` : '';
  let father = prng.pick(MALE);
  if (father === first) father = prng.pick(MALE);
  return {
    name: `${first}${middle} ${surname}`,
    fatherName: `${father}${fatherMiddle} ${surname}`,
    gender,
    dateOfBirth: randomDate(prng, 1954, 2005),
  };
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Generate an individual's PAN: 3 letters, `P`, the surname's initial, 4 digits, a letter. */
export function randomPan(prng: Prng, surname: string): string {
  const letter = (): string => LETTERS.charAt(prng.int(0, 25));
  return `${letter()}${letter()}${letter()}P${surname.charAt(0)}${pad(prng.int(1, 9999), 4)}${letter()}`;
}

/** Generate a valid Aadhaar number: 12 digits, not starting with 0 or 1, Verhoeff check digit last. */
export function randomAadhaar(prng: Prng): string {
  let body = String(prng.int(2, 9));
  for (let i = 0; i < 10; i++) body += String(prng.int(0, 9));
  return body + verhoeffCheckDigit(body);
}

/** Generate a 16-digit virtual id (VID), printed on newer Aadhaar cards. */
export function randomVid(prng: Prng): string {
  let vid = String(prng.int(2, 9));
  for (let i = 0; i < 15; i++) vid += String(prng.int(0, 9));
  return vid;
}

/** Group digits in fours: `2345 6789 0123`. */
export function groupDigits(digits: string): string {
  return digits.replace(/(\d{4})(?=\d)/g, '$1 ');
}

/** Generate an IFSC for a bank code: the code, `0`, then 6 digits. */
export function randomIfsc(prng: Prng, bankCode: string): string {
  return `${bankCode}0${pad(prng.int(1, 999999), 6)}`;
}

/** Generate an account number of 11-16 digits. */
export function randomAccountNumber(prng: Prng): string {
  const length = prng.int(11, 16);
  let out = String(prng.int(1, 9));
  while (out.length < length) out += String(prng.int(0, 9));
  return out;
}

/** Format a rupee amount the Indian way: `12,34,567.89`. */
export function formatRupees(amount: number): string {
  const [whole = '0', fraction = '00'] = Math.abs(amount).toFixed(2).split('.');
  const last3 = whole.slice(-3);
  const rest = whole.slice(0, -3).replace(/\B(?=(\d{2})+(?!\d))/g, ',');
  return `${amount < 0 ? '-' : ''}${rest ? `${rest},` : ''}${last3}.${fraction}`;
}

/** Write a name in title case: `Rahul Kumar Sharma`. */
export function titleCase(name: string): string {
  return name
    .toLowerCase()
    .split(' ')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}
