import type { Prng } from './prng.ts';
import { randomNoise } from './scene.ts';
import type { NoiseSettings } from './scene.ts';

/**
 * Named photo and scan conditions of the generator. Readable ones are what a person reads without
 * effort; unreadable ones are what nobody reads, each with the `image_quality` code that should
 * refuse it. `table` is the generator's default (a phone photo on a wooden or grey table).
 */
export const DOCUMENT_CONDITIONS = {
  table: { readable: true, description: 'phone photo on a wooden or grey table, uneven light (the default)' },
  white_table: { readable: true, description: 'phone photo on a white table, exposed brighter as phones do on white' },
  flatbed: { readable: true, description: 'flatbed scan: white lid, nearly straight, sharp, even light' },
  glare_corner: { readable: true, description: 'strong glare over one corner of the photo' },
  shadow: { readable: true, description: 'a deep shadow falling across the card' },
  perspective: { readable: true, description: 'camera tilted: one edge of the photo recedes by 5-12 %' },
  low_light: { readable: true, description: 'dim room: a third of the light, sensor noise' },
  blurred: { readable: false, refusal: 'image_blurry', description: 'far out of focus (Gaussian blur, sigma 8-11 px)' },
  near_black: { readable: false, refusal: 'image_too_dark', description: 'almost no light: 2-3.5 % of the exposure' },
  washed_out: { readable: false, refusal: 'image_too_bright', description: 'overexposed to near white: the print is a faint tint' },
} as const;

/** A named generator condition. */
export type DocumentCondition = keyof typeof DOCUMENT_CONDITIONS;

const WHITES = ['#ffffff', '#fbfbf9', '#f6f5f2', '#f1f1ee', '#f8f9fb'] as const;

const corner = (prng: Prng): number => (prng.chance(0.5) ? prng.float(0.05, 0.22) : prng.float(0.78, 0.95));

/** Draw noise settings for a named condition (`table` draws exactly `randomNoise(prng, 'realistic')`). */
export function conditionNoise(prng: Prng, condition: DocumentCondition): NoiseSettings {
  const base = randomNoise(prng, 'realistic');
  switch (condition) {
    case 'table':
      return base;
    case 'white_table':
      return {
        ...base,
        background: { colour: prng.pick(WHITES), textureSeed: base.background.textureSeed, grain: prng.float(0.02, 0.05), texture: 'plain', shadow: prng.float(0.15, 0.3) },
        exposure: { gain: prng.float(1.02, 1.12), lift: prng.float(0.04, 0.09), noise: 0, noiseSeed: 0 },
      };
    case 'flatbed':
      return {
        rotationDeg: prng.float(-1.5, 1.5),
        blurSigma: prng.chance(0.5) ? 0 : prng.float(0.3, 0.6),
        jpegQuality: prng.int(70, 95),
        scale: prng.float(0.9, 1.1),
        margin: prng.float(0.02, 0.08),
        lighting: { kind: 'none', x: 0.5, y: 0.5, strength: 0 },
        background: { colour: prng.pick(WHITES), textureSeed: base.background.textureSeed, grain: prng.float(0.005, 0.015), texture: 'plain', shadow: prng.float(0.1, 0.2) },
      };
    case 'glare_corner':
      return { ...base, lighting: { kind: 'glare', x: corner(prng), y: corner(prng), strength: prng.float(0.6, 0.85), radius: prng.float(0.3, 0.45) } };
    case 'shadow':
      return { ...base, lighting: { kind: 'shadow', x: prng.float(0, 1), y: prng.float(0, 1), strength: prng.float(0.45, 0.6) } };
    case 'perspective':
      return { ...base, rotationDeg: prng.float(-3, 3), perspective: { edge: prng.pick(['top', 'bottom', 'left', 'right'] as const), amount: prng.float(0.05, 0.12) } };
    case 'low_light':
      return { ...base, lighting: { ...base.lighting, strength: base.lighting.strength / 2 }, exposure: { gain: prng.float(0.3, 0.42), lift: 0, noise: prng.float(2, 5), noiseSeed: prng.int(1, 1e9) } };
    case 'blurred':
      return { ...base, blurSigma: prng.float(8, 11) };
    case 'near_black':
      return { ...base, exposure: { gain: prng.float(0.02, 0.035), lift: 0, noise: prng.float(0.5, 1.5), noiseSeed: prng.int(1, 1e9) } };
    case 'washed_out':
      return { ...base, exposure: { gain: prng.float(0.03, 0.05), lift: prng.float(0.94, 0.96), noise: prng.float(0.5, 1.5), noiseSeed: prng.int(1, 1e9) } };
  }
}
