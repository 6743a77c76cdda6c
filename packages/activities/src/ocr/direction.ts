import type { RotatedRect } from './geometry.ts';

/** One line's direction-classifier output. */
export interface DirectionVote {
  readonly rect: RotatedRect;
  /** Probability that the line is upside down. */
  readonly p180: number;
}

/**
 * Decide which lines to turn 180°. Lines of a document share its orientation, and short lines such as
 * `09/09/1995` read the same either way up, so lines running in the same direction (within 20°)
 * vote together: the sum of their log-odds, weighted by length, decides for all of them.
 */
export function orientationVotes(votes: readonly DirectionVote[]): boolean[] {
  const bucket = (angle: number): number => {
    let a = angle % Math.PI;
    if (a < 0) a += Math.PI;
    return Math.round(a / (Math.PI / 9)) % 9;
  };
  const evidence = new Map<number, number>();
  for (const v of votes) {
    const p = Math.min(1 - 1e-4, Math.max(1e-4, v.p180));
    const key = bucket(v.rect.angle);
    evidence.set(key, (evidence.get(key) ?? 0) + Math.log(p / (1 - p)) * v.rect.w);
  }
  return votes.map((v) => (evidence.get(bucket(v.rect.angle)) ?? 0) > 0);
}
