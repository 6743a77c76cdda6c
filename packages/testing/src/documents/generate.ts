import { renderSvg } from './render-svg.ts';
import { drawBankStatement } from './bank-statement.ts';
import type { BankStatementTruth } from './bank-statement.ts';
import { drawAadhaarCard, drawPanCard } from './cards.ts';
import type { AadhaarTruth, PanTruth } from './cards.ts';
import { createPrng } from './prng.ts';
import { conditionNoise, DOCUMENT_CONDITIONS } from './conditions.ts';
import type { DocumentCondition } from './conditions.ts';
import { composeScene, randomNoise } from './scene.ts';
import type { DocumentDrawing, NoiseLevel, NoiseSettings } from './scene.ts';

/** Kinds of document the generator draws. */
export const GENERATED_DOCUMENT_TYPES = ['pan', 'aadhaar', 'bank_statement'] as const;

/** A kind of document the generator draws. */
export type GeneratedDocumentType = (typeof GENERATED_DOCUMENT_TYPES)[number];

/** The ground truth of a generated document, by type. */
export type DocumentTruth =
  | { readonly type: 'pan'; readonly fields: PanTruth }
  | { readonly type: 'aadhaar'; readonly fields: AadhaarTruth }
  | { readonly type: 'bank_statement'; readonly fields: BankStatementTruth };

/** A rendered document image with what it says. */
export interface GeneratedDocument {
  readonly type: GeneratedDocumentType;
  /** Seed it was generated from: the same seed gives the same bytes. */
  readonly seed: string;
  readonly truth: DocumentTruth;
  /** Encoded image (JPEG, or PNG without noise). */
  readonly bytes: Uint8Array;
  readonly mimeType: 'image/jpeg' | 'image/png';
  readonly width: number;
  readonly height: number;
  /** The degradation applied. */
  readonly noise: NoiseSettings;
  /** The named condition it was drawn under, when one was asked for. */
  readonly condition?: { readonly name: DocumentCondition; readonly readable: boolean; readonly refusal?: string };
  /** The SVG the image was rendered from. */
  readonly svg: string;
}

/** Options of one generated document. */
export interface GenerateDocumentOptions {
  readonly type: GeneratedDocumentType;
  readonly seed: number | string;
  /** `realistic` (default) degrades like a phone photo; `none` renders clean; or exact settings. */
  readonly noise?: NoiseLevel | NoiseSettings;
  /** A named condition of `DOCUMENT_CONDITIONS` (white table, flatbed, glare, …); ignored when `noise` is given. */
  readonly condition?: DocumentCondition;
  /** Print these values instead of random ones (PAN and Aadhaar cards), e.g. an invalid PAN for a test. */
  readonly overrides?: Partial<PanTruth> | Partial<AadhaarTruth>;
}

function draw(type: GeneratedDocumentType, seed: string, overrides: GenerateDocumentOptions['overrides']): { drawing: DocumentDrawing; truth: DocumentTruth } {
  const prng = createPrng(`${type}:${seed}`).fork('content');
  switch (type) {
    case 'pan': {
      const { drawing, truth } = drawPanCard(prng, overrides);
      return { drawing, truth: { type, fields: truth } };
    }
    case 'aadhaar': {
      const { drawing, truth } = drawAadhaarCard(prng, overrides);
      return { drawing, truth: { type, fields: truth } };
    }
    case 'bank_statement': {
      const { drawing, truth } = drawBankStatement(prng);
      return { drawing, truth: { type, fields: truth } };
    }
  }
}

/** Render one synthetic document with known ground truth, deterministically from its seed. */
export async function generateDocument(options: GenerateDocumentOptions): Promise<GeneratedDocument> {
  const seed = String(options.seed);
  const { drawing, truth } = draw(options.type, seed, options.overrides);
  const level = options.noise ?? 'realistic';
  const noisePrng = createPrng(`${options.type}:${seed}`).fork('noise');
  const condition = options.noise === undefined ? options.condition : undefined;
  const noise = condition ? conditionNoise(noisePrng, condition) : typeof level === 'string' ? randomNoise(noisePrng, level) : level;
  const scene = composeScene(drawing, noise);
  const jpeg = noise.jpegQuality !== undefined;
  const camera = { ...(noise.perspective ? { perspective: noise.perspective } : {}), ...(noise.exposure ? { exposure: noise.exposure } : {}) };
  const bytes = await renderSvg(scene.svg, jpeg ? { format: 'jpeg', quality: noise.jpegQuality, blurSigma: noise.blurSigma, ...camera } : { format: 'png', blurSigma: noise.blurSigma, ...camera });
  const preset: { readonly readable: boolean; readonly refusal?: string } | undefined = condition ? DOCUMENT_CONDITIONS[condition] : undefined;
  return {
    type: options.type,
    seed,
    truth,
    bytes,
    mimeType: jpeg ? 'image/jpeg' : 'image/png',
    width: scene.width,
    height: scene.height,
    noise,
    svg: scene.svg,
    ...(condition && preset ? { condition: { name: condition, readable: preset.readable, ...(preset.refusal ? { refusal: preset.refusal } : {}) } } : {}),
  };
}

/** Render `count` documents cycling through `types`, seeded `${seed}-0`, `${seed}-1`, … */
export async function generateDocuments(options: {
  readonly count: number;
  readonly seed: number | string;
  readonly types?: readonly GeneratedDocumentType[];
  readonly noise?: NoiseLevel;
  readonly condition?: DocumentCondition;
}): Promise<GeneratedDocument[]> {
  const types = options.types ?? GENERATED_DOCUMENT_TYPES;
  const out: GeneratedDocument[] = [];
  for (let i = 0; i < options.count; i++) {
    const type = types[i % types.length] ?? 'pan';
    out.push(await generateDocument({ type, seed: `${String(options.seed)}-${i}`, ...(options.noise ? { noise: options.noise } : {}), ...(options.condition ? { condition: options.condition } : {}) }));
  }
  return out;
}
