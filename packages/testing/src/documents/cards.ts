import { groupDigits, randomAadhaar, randomDate, randomPan, randomPerson, randomVid, titleCase, toCardDate } from './identities.ts';
import type { Prng } from './prng.ts';
import type { DocumentDrawing } from './scene.ts';
import { guilloche, photo, qrBlock, text } from './svg.ts';

/** What a generated PAN card says. */
export interface PanTruth {
  readonly pan: string;
  readonly name: string;
  readonly fatherName: string;
  /** `YYYY-MM-DD`. */
  readonly dateOfBirth: string;
}

/** What a generated Aadhaar card says. */
export interface AadhaarTruth {
  /** Name as printed (title case). */
  readonly name: string;
  /** `YYYY-MM-DD`. */
  readonly dateOfBirth: string;
  readonly gender: 'MALE' | 'FEMALE';
  /** The 12 digits, unmasked. */
  readonly aadhaarNumber: string;
}

const W = 1012;
const H = 638;
const SKIN = ['#8d5524', '#c68642', '#a0522d', '#6b4423'] as const;

function signature(prng: Prng, x: number, y: number, w: number): string {
  let d = `M ${x} ${y}`;
  for (let i = 1; i <= 8; i++) d += ` Q ${x + (w / 8) * (i - 0.5)} ${y + prng.float(-22, 22)} ${x + (w / 8) * i} ${y + prng.float(-8, 8)}`;
  return `<path d="${d}" fill="none" stroke="#1c2b6b" stroke-width="2.2"/>`;
}

/** Draw a PAN card (new format, English side) with a random holder. */
export function drawPanCard(prng: Prng, overrides: Partial<PanTruth> = {}): { drawing: DocumentDrawing; truth: PanTruth } {
  const person = randomPerson(prng);
  const surname = person.name.split(' ').at(-1) ?? 'X';
  const truth: PanTruth = { pan: randomPan(prng, surname), name: person.name, fatherName: person.fatherName, dateOfBirth: person.dateOfBirth, ...overrides };
  const j = (): number => prng.float(-6, 6);
  const s = prng.float(0.95, 1.05);
  const blue = '#1b2a6b';
  const x0 = 250 + j();
  const parts = [
    `<defs><linearGradient id="pan-bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#e9f2f9"/><stop offset="1" stop-color="#c9dcec"/></linearGradient></defs>`,
    `<rect width="${W}" height="${H}" fill="url(#pan-bg)"/>`,
    guilloche(W, H, '#b9cfe3', prng.float(0, 6)),
    `<circle cx="70" cy="62" r="36" fill="#9aa7b4" stroke="#6b7785" stroke-width="3"/>`,
    text(130 + j(), 72 + j(), 'INCOME TAX DEPARTMENT', { size: 33 * s, weight: 'bold', fill: blue }),
    text(980, 72 + j(), 'GOVT. OF INDIA', { size: 29 * s, weight: 'bold', fill: blue, anchor: 'end' }),
    photo(40, 140, 170, 210, prng.pick(SKIN)),
    text(x0, 150 + j(), 'Permanent Account Number Card', { size: 23 * s, fill: '#222' }),
    text(x0, 205 + j(), truth.pan, { size: 40 * s, weight: 'bold', fill: '#111', spacing: 3 }),
    text(x0, 262, 'Name', { size: 19 * s, fill: '#333' }),
    text(x0, 302 + j() / 2, truth.name, { size: 30 * s, weight: 'bold', fill: '#111' }),
    text(x0, 352, "Father's Name", { size: 19 * s, fill: '#333' }),
    text(x0, 392 + j() / 2, truth.fatherName, { size: 30 * s, weight: 'bold', fill: '#111' }),
    text(x0, 442, 'Date of Birth', { size: 19 * s, fill: '#333' }),
    text(x0, 482 + j() / 2, toCardDate(truth.dateOfBirth), { size: 30 * s, weight: 'bold', fill: '#111' }),
    signature(prng, 45, 405, 170),
    text(60, 470, 'Signature', { size: 18 * s, fill: '#333' }),
    qrBlock(805, 135, 170, () => prng.chance(0.5)),
  ];
  return { drawing: { width: W, height: H, body: parts.join('') }, truth };
}

/** Draw an Aadhaar card (front, English text) with a random holder. */
export function drawAadhaarCard(prng: Prng, overrides: Partial<AadhaarTruth> = {}): { drawing: DocumentDrawing; truth: AadhaarTruth } {
  const person = randomPerson(prng);
  const truth: AadhaarTruth = { name: titleCase(person.name), dateOfBirth: person.dateOfBirth, gender: person.gender, aadhaarNumber: randomAadhaar(prng), ...overrides };
  const j = (): number => prng.float(-5, 5);
  const s = prng.float(0.95, 1.05);
  const dobLabel = prng.pick(['DOB: ', 'DOB : ', 'Date of Birth: ']);
  const genderText = prng.chance(0.5) ? truth.gender : titleCase(truth.gender);
  const parts = [
    `<rect width="${W}" height="${H}" fill="#fbfbf7"/>`,
    guilloche(W, H, '#ece6d6', prng.float(0, 6), 10),
    `<rect width="${W}" height="22" fill="#f29b30"/>`,
    `<rect y="${H - 22}" width="${W}" height="22" fill="#3f9a4a"/>`,
    `<circle cx="80" cy="78" r="34" fill="#a8a39a"/>`,
    `<circle cx="935" cy="78" r="32" fill="#f2c230"/><circle cx="935" cy="78" r="16" fill="#d2362f"/>`,
    text(W / 2 + j(), 90 + j(), 'GOVERNMENT OF INDIA', { size: 34 * s, weight: 'bold', fill: '#222', anchor: 'middle' }),
    photo(50, 140, 190, 230, prng.pick(SKIN)),
    text(280 + j(), 180 + j(), truth.name, { size: 31 * s, weight: 'bold', fill: '#111' }),
    text(280 + j(), 240 + j(), `${dobLabel}${toCardDate(truth.dateOfBirth)}`, { size: 27 * s, fill: '#111' }),
    text(280 + j(), 298 + j(), genderText, { size: 27 * s, fill: '#111' }),
  ];
  if (prng.chance(0.5)) {
    parts.push(text(280, 350, `Issue Date: ${toCardDate(randomDate(prng, 2012, 2023))}`, { size: 19 * s, fill: '#444' }));
  }
  parts.push(text(W / 2 + j(), 470 + j(), groupDigits(truth.aadhaarNumber), { size: 46 * s, weight: 'bold', fill: '#111', anchor: 'middle', spacing: 2 }));
  if (prng.chance(0.5)) {
    parts.push(text(W / 2, 515, `VID : ${groupDigits(randomVid(prng))}`, { size: 21 * s, fill: '#333', anchor: 'middle' }));
  }
  parts.push(
    `<rect x="40" y="538" width="${W - 80}" height="3" fill="#d2362f"/>`,
    text(W / 2, 585, 'Mera Aadhaar, Meri Pehchan', { size: 25 * s, weight: 'bold', fill: '#b0302a', anchor: 'middle' }),
  );
  return { drawing: { width: W, height: H, body: parts.join('') }, truth };
}
