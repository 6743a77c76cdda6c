export { testConfig, uniqueId, uniqueTenantId, waitFor } from './helpers.ts';
export { startBureauSimulator, simulatedCreditProfile, SIMULATED_AS_OF, type BureauFaults, type BureauSimulator, type BureauSimulatorOptions, type BureauSimulatorStats, type SimulatedCreditProfile } from './bureau-simulator.ts';
export { startLoopbackServer, readBody, sendJson } from './http-server.ts';
export type { LoopbackServer } from './http-server.ts';
export { startPaymentsSimulator } from './payments-simulator.ts';
export type { PaymentsFaults, PaymentsSimulator } from './payments-simulator.ts';
export { startWebhookReceiver } from './webhook-receiver.ts';
export type { ReceivedWebhook, WebhookReceiver } from './webhook-receiver.ts';
export { createPrng, expectedFields, formatRupees, generateDocument, generateDocuments, GENERATED_DOCUMENT_TYPES, groupDigits, randomNoise, toCardDate } from './documents/index.ts';
export type {
  AadhaarTruth,
  BankStatementTruth,
  DocumentTruth,
  GeneratedDocument,
  GeneratedDocumentType,
  GenerateDocumentOptions,
  NoiseLevel,
  NoiseSettings,
  PanTruth,
  Prng,
} from './documents/index.ts';
export { ensureGeneratedModel, generatedModelsDir } from './gguf/index.ts';
export type { EnsureModelOptions } from './gguf/index.ts';
export { panWithScore, pansWithScore } from './bureau-pans.ts';
