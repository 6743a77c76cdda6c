/** Escape text for an SVG text node or attribute. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Options of one line of text. */
export interface TextOptions {
  readonly size: number;
  readonly weight?: 'normal' | 'bold';
  readonly fill?: string;
  readonly family?: string;
  readonly anchor?: 'start' | 'middle' | 'end';
  readonly spacing?: number;
}

/** Render one line of text at a baseline position. */
export function text(x: number, y: number, content: string, o: TextOptions): string {
  const family = o.family ?? 'DejaVu Sans';
  const attrs = [
    `x="${x.toFixed(1)}"`,
    `y="${y.toFixed(1)}"`,
    `font-family="${family}"`,
    `font-size="${o.size.toFixed(1)}"`,
    `fill="${o.fill ?? '#1a1a1a'}"`,
  ];
  if (o.weight === 'bold') attrs.push('font-weight="bold"');
  if (o.anchor && o.anchor !== 'start') attrs.push(`text-anchor="${o.anchor}"`);
  if (o.spacing) attrs.push(`letter-spacing="${o.spacing.toFixed(1)}"`);
  return `<text ${attrs.join(' ')}>${esc(content)}</text>`;
}

/** A stylised head-and-shoulders photo placeholder. */
export function photo(x: number, y: number, w: number, h: number, tone: string): string {
  const cx = x + w / 2;
  return [
    `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="#d9d4cc" stroke="#8a8a8a" stroke-width="1"/>`,
    `<circle cx="${cx}" cy="${y + h * 0.38}" r="${w * 0.22}" fill="${tone}"/>`,
    `<path d="M ${x + w * 0.12} ${y + h} Q ${cx} ${y + h * 0.52} ${x + w * 0.88} ${y + h} Z" fill="${tone}"/>`,
  ].join('');
}

/** A QR-code-like block of squares drawn from a bit source. */
export function qrBlock(x: number, y: number, size: number, bit: () => boolean): string {
  const n = 21;
  const cell = size / n;
  const parts = [`<rect x="${x}" y="${y}" width="${size}" height="${size}" fill="#ffffff"/>`];
  const finder = (fx: number, fy: number): string =>
    `<rect x="${x + fx * cell}" y="${y + fy * cell}" width="${7 * cell}" height="${7 * cell}" fill="#111"/>` +
    `<rect x="${x + (fx + 1) * cell}" y="${y + (fy + 1) * cell}" width="${5 * cell}" height="${5 * cell}" fill="#fff"/>` +
    `<rect x="${x + (fx + 2) * cell}" y="${y + (fy + 2) * cell}" width="${3 * cell}" height="${3 * cell}" fill="#111"/>`;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const inFinder = (r < 8 && c < 8) || (r < 8 && c > 12) || (r > 12 && c < 8);
      if (!inFinder && bit()) parts.push(`<rect x="${(x + c * cell).toFixed(1)}" y="${(y + r * cell).toFixed(1)}" width="${cell.toFixed(1)}" height="${cell.toFixed(1)}" fill="#111"/>`);
    }
  }
  parts.push(finder(0, 0), finder(14, 0), finder(0, 14));
  return parts.join('');
}

/** Faint wavy security lines (guilloche) across an area. */
export function guilloche(w: number, h: number, colour: string, phase: number, count = 14): string {
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const y0 = (h / count) * (i + 0.5);
    let d = `M 0 ${y0.toFixed(1)}`;
    for (let x = 0; x <= w; x += 20) {
      d += ` L ${x} ${(y0 + Math.sin(x / 37 + i * 0.7 + phase) * 9).toFixed(1)}`;
    }
    paths.push(`<path d="${d}" fill="none" stroke="${colour}" stroke-width="1"/>`);
  }
  return paths.join('');
}
