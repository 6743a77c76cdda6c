export { generateDocument, generateDocuments, GENERATED_DOCUMENT_TYPES } from './generate.ts';
export type { DocumentTruth, GeneratedDocument, GeneratedDocumentType, GenerateDocumentOptions } from './generate.ts';
export type { AadhaarTruth, PanTruth } from './cards.ts';
export type { BankStatementTruth } from './bank-statement.ts';
export type { NoiseLevel, NoiseSettings } from './scene.ts';
export { randomNoise } from './scene.ts';
export { createPrng } from './prng.ts';
export type { Prng } from './prng.ts';
export { formatRupees, groupDigits, toCardDate } from './identities.ts';
