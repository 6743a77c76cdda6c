import { envelopeV1Format } from './envelope-v1.ts';
import type { BureauFormat } from './format.ts';
import { metisV1Format } from './metis-v1.ts';
import { tradelineV2Format } from './tradeline-v2.ts';

/** The formats Metis speaks out of the box, by name. */
export const BUREAU_FORMATS = {
  'metis-v1': metisV1Format,
  'tradeline-v2': tradelineV2Format,
  'envelope-v1': envelopeV1Format,
} as const satisfies Record<string, BureauFormat>;

/** Name of a built-in bureau format. */
export type BureauFormatName = keyof typeof BUREAU_FORMATS;
