import { simulatedCreditProfile } from './bureau-profiles.ts';

/** Find `count` distinct valid PANs whose simulated bureau scores lie in [min, max]. */
export function pansWithScore(min: number, max: number, count: number): string[] {
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const found: string[] = [];
  for (let i = 0; i < 500_000 && found.length < count; i++) {
    const pan = `${letters[i % 26]}${letters[Math.floor(i / 26) % 26]}${letters[Math.floor(i / 676) % 26]}P${letters[(i * 7) % 26]}${String(1000 + (i % 9000))}${letters[(i * 3) % 26]}`;
    const { score } = simulatedCreditProfile(pan);
    if (score >= min && score <= max) found.push(pan);
  }
  if (found.length < count) throw new Error(`only ${found.length} PANs with a score in [${min}, ${max}]`);
  return found;
}

/** Find a valid PAN whose simulated bureau score lies in [min, max]. */
export function panWithScore(min: number, max: number): string {
  return pansWithScore(min, max, 1)[0] as string;
}
