import type { RotatedRect } from './geometry.ts';

/** One line's direction-classifier output. */
export interface DirectionVote {
  readonly rect: RotatedRect;
  /** Probability that the line is upside down. */
  readonly p180: number;
}

/** Group of a line's direction: lines within 20° of each other share one. */
export function directionBucket(angle: number): number {
  let a = angle % Math.PI;
  if (a < 0) a += Math.PI;
  return Math.round(a / (Math.PI / 9)) % 9;
}

/** Pick, per direction group, the `perGroup` longest lines: enough voters to orient the group. */
export function orientationVoters(rects: readonly RotatedRect[], perGroup = 4): number[] {
  const groups = new Map<number, number[]>();
  rects.forEach((r, i) => {
    const key = directionBucket(r.angle);
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  return [...groups.values()].flatMap((members) => members.sort((a, b) => (rects[b]?.w ?? 0) - (rects[a]?.w ?? 0)).slice(0, perGroup)).sort((a, b) => a - b);
}

/**
 * Decide which lines to turn 180°. Lines of a document share its orientation, and short lines such as
 * `09/09/1995` read the same either way up, so lines running in the same direction (within 20°)
 * vote together: the sum of the voters' log-odds, weighted by length, decides for every line of
 * `lines` in that direction.
 */
export function orientationVotes(votes: readonly DirectionVote[], lines: readonly RotatedRect[] = votes.map((v) => v.rect)): boolean[] {
  const bucket = directionBucket;
  const evidence = new Map<number, number>();
  for (const v of votes) {
    const p = Math.min(1 - 1e-4, Math.max(1e-4, v.p180));
    const key = bucket(v.rect.angle);
    evidence.set(key, (evidence.get(key) ?? 0) + Math.log(p / (1 - p)) * v.rect.w);
  }
  return lines.map((r) => (evidence.get(bucket(r.angle)) ?? 0) > 0);
}
