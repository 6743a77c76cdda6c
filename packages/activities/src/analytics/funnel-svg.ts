import type { AnalyticsReport } from './report.ts';

const WIDTH = 640;
const LABEL = 200;
const ROW = 28;
const BAR = 20;

const escapeXml = (text: string): string => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);

/** Draw the report's journey funnels as an SVG: one bar per state, its entries with the drop-off part shaded. */
export function funnelSvg(report: Pick<AnalyticsReport, 'tenantId' | 'from' | 'to' | 'funnel'>): string {
  const max = Math.max(1, ...report.funnel.map((step) => step.entries));
  const scale = (WIDTH - LABEL - 80) / max;
  const parts: string[] = [];
  let y = 40;
  let journeyType: string | undefined;
  for (const step of report.funnel) {
    if (step.journeyType !== journeyType) {
      journeyType = step.journeyType;
      parts.push(`<text x="8" y="${y + 14}" font-weight="bold">${escapeXml(journeyType)}</text>`);
      y += ROW;
    }
    const entries = step.entries * scale;
    const dropped = Math.max(0, Math.min(step.dropOff, step.entries)) * scale;
    parts.push(
      `<g class="step"><text x="16" y="${y + 14}">${escapeXml(step.state)}</text>` +
        `<rect x="${LABEL}" y="${y}" width="${entries.toFixed(1)}" height="${BAR}" fill="#4a78c2"><title>${step.entries} entered</title></rect>` +
        `<rect x="${(LABEL + entries - dropped).toFixed(1)}" y="${y}" width="${dropped.toFixed(1)}" height="${BAR}" fill="#d9534f"><title>${step.dropOff} dropped off</title></rect>` +
        `<text x="${(LABEL + entries + 6).toFixed(1)}" y="${y + 14}">${step.entries} in, ${step.dropOff} dropped</text></g>`,
    );
    y += ROW;
  }
  if (report.funnel.length === 0) {
    parts.push(`<text x="8" y="${y + 14}">no journey transitions</text>`);
    y += ROW;
  }
  const title = `Journey funnel, ${report.tenantId}, ${report.from}${report.to === report.from ? '' : ` to ${report.to}`}`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y + 12}" viewBox="0 0 ${WIDTH} ${y + 12}" font-family="sans-serif" font-size="12">` +
    `<title>${escapeXml(title)}</title><text x="8" y="20" font-size="14" font-weight="bold">${escapeXml(title)}</text>${parts.join('')}</svg>`
  );
}
