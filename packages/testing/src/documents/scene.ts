import type { Prng } from './prng.ts';

/** How a generated document is degraded to look like a phone photo or a scan. */
export interface NoiseSettings {
  /** Rotation of the document on the table, degrees (positive is clockwise). */
  readonly rotationDeg: number;
  /** Gaussian blur sigma in output pixels. */
  readonly blurSigma: number;
  /** JPEG quality 1-100 (PNG when undefined). */
  readonly jpegQuality: number | undefined;
  /** Scale of the output relative to the document's nominal size. */
  readonly scale: number;
  /** Margin of table around the document, as a fraction of its width. */
  readonly margin: number;
  /**
   * Uneven lighting: a glare or a shadow centred at (x, y) in [0, 1] with a strength in [0, 1];
   * a glare's `radius` is a fraction of the scene (default 0.6).
   */
  readonly lighting: { readonly kind: 'glare' | 'shadow' | 'none'; readonly x: number; readonly y: number; readonly strength: number; readonly radius?: number };
  /**
   * Table surface colour and texture seed; `texture` is `wood` (default) or `plain` (a white
   * table, a scanner lid), `shadow` the opacity of the document's drop shadow (default 0.45).
   */
  readonly background: { readonly colour: string; readonly textureSeed: number; readonly grain: number; readonly texture?: 'wood' | 'plain'; readonly shadow?: number };
  /** Camera tilt: the named edge of the scene recedes by `amount` (a fraction of its length, 0.05-0.15 is mild). */
  readonly perspective?: { readonly edge: 'top' | 'bottom' | 'left' | 'right'; readonly amount: number };
  /**
   * Exposure after the lens: each channel becomes `gain × value + lift × 255`, plus Gaussian sensor
   * noise of `noise` grey levels (seeded by `noiseSeed`). Low light is a small gain with noise.
   */
  readonly exposure?: { readonly gain: number; readonly lift: number; readonly noise: number; readonly noiseSeed: number };
}

/** Noise levels: `none` renders a clean, straight PNG; `realistic` a degraded phone photo. */
export type NoiseLevel = 'none' | 'realistic';

const TABLES = ['#7a5c3e', '#8b6b4a', '#5d4a3a', '#9a9a95', '#6f7478', '#b5a489', '#3f3f44'] as const;

/** Draw noise settings for a level: rotation up to ±5°, blur, JPEG quality 40-90, uneven light, textured table. */
export function randomNoise(prng: Prng, level: NoiseLevel): NoiseSettings {
  if (level === 'none') {
    return {
      rotationDeg: 0,
      blurSigma: 0,
      jpegQuality: undefined,
      scale: 1,
      margin: 0.03,
      lighting: { kind: 'none', x: 0.5, y: 0.5, strength: 0 },
      background: { colour: '#ffffff', textureSeed: 0, grain: 0 },
    };
  }
  const kind = prng.pick(['glare', 'shadow', 'none'] as const);
  return {
    rotationDeg: prng.float(-5, 5),
    blurSigma: prng.chance(0.25) ? 0 : prng.float(0.3, 1.2),
    jpegQuality: prng.int(40, 90),
    scale: prng.float(0.85, 1.05),
    margin: prng.float(0.04, 0.1),
    lighting: { kind, x: prng.float(0.1, 0.9), y: prng.float(0.1, 0.9), strength: kind === 'none' ? 0 : prng.float(0.15, 0.4) },
    background: { colour: prng.pick(TABLES), textureSeed: prng.int(1, 9999), grain: prng.float(0.04, 0.12) },
  };
}

/** A document drawn in its own coordinates, before it is put on the table. */
export interface DocumentDrawing {
  readonly width: number;
  readonly height: number;
  /** SVG elements drawing the document within (0, 0)-(width, height). */
  readonly body: string;
}

/** Place a document on a textured table, rotate it, light it unevenly: return the full SVG and its pixel size. */
export function composeScene(doc: DocumentDrawing, noise: NoiseSettings): { svg: string; width: number; height: number } {
  const m = Math.round(doc.width * noise.margin);
  // Room for the rotated document's corners.
  const rad = (noise.rotationDeg * Math.PI) / 180;
  const cos = Math.abs(Math.cos(rad));
  const sin = Math.abs(Math.sin(rad));
  const rotW = doc.width * cos + doc.height * sin;
  const rotH = doc.width * sin + doc.height * cos;
  const W = Math.ceil(rotW + 2 * m);
  const H = Math.ceil(rotH + 2 * m);
  const outW = Math.round(W * noise.scale);
  const outH = Math.round(H * noise.scale);
  const { colour, textureSeed, grain } = noise.background;
  const textured = grain > 0;
  const defs: string[] = [];
  const layers: string[] = [`<rect width="${W}" height="${H}" fill="${colour}"/>`];
  if (textured) {
    if ((noise.background.texture ?? 'wood') === 'wood') {
      defs.push(
        `<filter id="wood" x="0" y="0" width="100%" height="100%"><feTurbulence type="fractalNoise" baseFrequency="0.004 0.09" numOctaves="2" seed="${textureSeed}"/>` +
          `<feColorMatrix type="matrix" values="0 0 0 0 0  0 0 0 0 0  0 0 0 0 0  0 0 0 0.9 -0.25"/></filter>`,
      );
      layers.push(`<rect width="${W}" height="${H}" filter="url(#wood)"/>`);
    }
    defs.push(
      `<filter id="grain" x="0" y="0" width="100%" height="100%"><feTurbulence type="fractalNoise" baseFrequency="0.85" numOctaves="1" seed="${textureSeed + 1}"/>` +
        `<feColorMatrix type="matrix" values="0 0 0 0 0.5  0 0 0 0 0.5  0 0 0 0 0.5  0 0 0 ${(grain * 4).toFixed(3)} ${(-grain * 1.6).toFixed(3)}"/></filter>`,
      `<filter id="shadow" x="-10%" y="-10%" width="120%" height="120%"><feGaussianBlur stdDeviation="${(m * 0.25).toFixed(1)}"/></filter>`,
    );
  }
  const cx = W / 2;
  const cy = H / 2;
  const place = `translate(${cx.toFixed(2)} ${cy.toFixed(2)}) rotate(${noise.rotationDeg.toFixed(3)}) translate(${(-doc.width / 2).toFixed(2)} ${(-doc.height / 2).toFixed(2)})`;
  if (textured) {
    layers.push(`<g transform="${place}"><rect x="${m * 0.15}" y="${m * 0.2}" width="${doc.width}" height="${doc.height}" rx="14" fill="#000" opacity="${noise.background.shadow ?? 0.45}" filter="url(#shadow)"/></g>`);
  }
  defs.push(`<clipPath id="card"><rect width="${doc.width}" height="${doc.height}" rx="${textured ? 14 : 0}"/></clipPath>`);
  layers.push(`<g transform="${place}"><g clip-path="url(#card)">${doc.body}</g></g>`);
  const { kind, x, y, strength } = noise.lighting;
  if (kind === 'glare') {
    defs.push(`<radialGradient id="light" cx="${x}" cy="${y}" r="${noise.lighting.radius ?? 0.6}"><stop offset="0" stop-color="#fff" stop-opacity="${strength.toFixed(3)}"/><stop offset="1" stop-color="#fff" stop-opacity="0"/></radialGradient>`);
    layers.push(`<rect width="${W}" height="${H}" fill="url(#light)"/>`);
  } else if (kind === 'shadow') {
    defs.push(`<linearGradient id="light" x1="${x}" y1="${y}" x2="${1 - x}" y2="${1 - y}"><stop offset="0" stop-color="#000" stop-opacity="${strength.toFixed(3)}"/><stop offset="1" stop-color="#000" stop-opacity="0"/></linearGradient>`);
    layers.push(`<rect width="${W}" height="${H}" fill="url(#light)"/>`);
  }
  if (textured) layers.push(`<rect width="${W}" height="${H}" filter="url(#grain)"/>`);
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${outW}" height="${outH}" viewBox="0 0 ${W} ${H}">` +
    `<defs>${defs.join('')}</defs>${layers.join('')}</svg>`;
  return { svg, width: outW, height: outH };
}
