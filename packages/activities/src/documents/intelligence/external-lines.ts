import type { ValidationRegistry } from '@metis/fsm';
import type { OcrLine } from '../../ocr/ocr-engine.ts';
import { extractFields } from './analyze.ts';
import { layoutLines } from './text-layout.ts';
import type { DocumentType, ExtractedField } from './types.ts';
import { validateFields } from './validate-fields.ts';

/** A line of text from another OCR engine, with an upright bounding box. */
export interface ExternalLine {
  readonly text: string;
  /** Confidence in [0, 1]; 1 when the engine gives none. */
  readonly confidence?: number;
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/** Extract and validate a document type's fields from lines another OCR engine read (e.g. to compare engines). */
export function extractFieldsFromLines(
  type: DocumentType,
  lines: readonly ExternalLine[],
  registry?: ValidationRegistry,
): { fields: Record<string, ExtractedField>; missing: string[] } {
  const ocrLines: OcrLine[] = lines.map((l) => {
    const rect = { cx: (l.x0 + l.x1) / 2, cy: (l.y0 + l.y1) / 2, w: Math.max(1, l.x1 - l.x0), h: Math.max(1, l.y1 - l.y0), angle: 0 };
    return {
      text: l.text.replace(/\s+/g, ' ').trim(),
      confidence: l.confidence ?? 1,
      words: [],
      box: [
        { x: l.x0, y: l.y0 },
        { x: l.x1, y: l.y0 },
        { x: l.x1, y: l.y1 },
        { x: l.x0, y: l.y1 },
      ],
      rect,
      upsideDown: false,
    };
  });
  return validateFields(type, extractFields(type, layoutLines(ocrLines)), registry);
}
