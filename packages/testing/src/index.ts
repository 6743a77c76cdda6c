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
export { ensureGeneratedModel, generatedModelsDir } from './models/gguf/ensure-model.ts';
export type { EnsureModelOptions } from './models/gguf/ensure-model.ts';
export { panWithScore, pansWithScore } from './bureau-pans.ts';
export { sampleLoanApplication } from './loan-applications.ts';
export { mulberry32 } from './mulberry32.ts';
export { renderSvg } from './documents/render-svg.ts';
export type { RenderSvgOptions } from './documents/render-svg.ts';
export { trainRiskModel, rocAuc, fitLogistic } from './models/risk/train.ts';
export type { TrainedRiskModel, TrainRiskOptions } from './models/risk/train.ts';
export { buildLogisticOnnx, LOGISTIC_TENSORS } from './models/risk/logistic-onnx.ts';
export { encodeOnnxModel } from './models/risk/onnx-builder.ts';
export type { OnnxInitializer, OnnxModelSpec, OnnxNode, OnnxValue } from './models/risk/onnx-builder.ts';
export { generateApplicants, tenantProfile, RISK_FEATURES, SYNTHETIC_DATASET } from './models/risk/synthetic-applicants.ts';
export type { SyntheticApplicant, TenantProfile } from './models/risk/synthetic-applicants.ts';
export { generateLlamaGguf, GENERATED_MODEL_SHAPES } from './models/gguf/generate-llama-gguf.ts';
export type { GeneratedModel, GeneratedModelPreset, GeneratedWeightType, GenerateLlamaGgufOptions, LlamaModelShape } from './models/gguf/generate-llama-gguf.ts';
