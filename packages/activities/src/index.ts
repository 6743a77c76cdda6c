export { createActivities } from './create-activities.ts';
export type { ActivityDeps, MetisActivities } from './create-activities.ts';
export { MetisError, ConfigurationError, InvalidTenantIdError, ObjectKeyError, ObjectNotFoundError } from './errors.ts';
export { isTenantId, assertTenantId, SYSTEM_TENANT } from './tenancy/tenant-id.ts';
export { createDocumentActivities } from './documents/document-activities.ts';
export type { DocumentActivities, DocumentActivityDeps, RecordDocumentInput, RecordedDocument } from './documents/document-activities.ts';
export { appendEvent, isEventType, BUSINESS_EVENTS, SYSTEM_EVENTS } from './events/outbox.ts';
export type { EventType, OutboxEvent } from './events/outbox.ts';
export { TENANT_TABLES } from './storage/db/schema.ts';
export type {
  MetisDatabase,
  TenantsTable,
  JourneysTable,
  JourneyTransitionsTable,
  DocumentsTable,
  EventsTable,
  DeadLettersTable,
  ApiKeysTable,
} from './storage/db/schema.ts';
export { createPgDatabase, checkDatabase, explainDatabaseError, redactUrl, DEFAULT_POOL } from './storage/db/pg-database.ts';
export type { PgDatabaseConfig, PoolSettings } from './storage/db/pg-database.ts';
export { withTenant } from './storage/db/with-tenant.ts';
export type { TenantTransaction } from './storage/db/with-tenant.ts';
export { createMigrator, metisMigrations, unwrapMigration } from './storage/db/migrations/index.ts';
export type { MigrationOptions } from './storage/db/migrations/index.ts';
export { provisionDatabase } from './storage/db/provision.ts';
export type { ProvisionOptions } from './storage/db/provision.ts';
export { documentKey, tenantPrefix, assertTenantKey, DOCUMENT_KINDS } from './storage/objects/object-keys.ts';
export type { DocumentKind } from './storage/objects/object-keys.ts';
export { tenantObjects } from './storage/objects/object-store.ts';
export type { ObjectStore, ObjectInfo, PutOptions } from './storage/objects/object-store.ts';
export { createMinioObjectStore } from './storage/objects/minio/minio-object-store.ts';
export type { MinioObjectStoreConfig } from './storage/objects/minio/minio-object-store.ts';
export { createInMemoryMetrics, noopMetrics } from './metrics/metrics.ts';
export type { InMemoryMetrics, Labels, Metrics, MetricSeries } from './metrics/metrics.ts';
export { createJourneyActivities } from './journeys/journey-activities.ts';
export { canonicalJson, hashData } from './util/canonical-json.ts';
export { mulberry32 } from './util/mulberry32.ts';
export type { AutomationInput, JourneyActivities, JourneyActivityDeps, JourneyAutomation, JourneyEventInput, JsonRecord, RecordTransitionInput } from './journeys/journey-activities.ts';
export { createLoanActivities, NOT_CONFIGURED } from './loans/loan-activities.ts';
export type { LoanActivities, LoanActivityDeps, LoanCheckActivities, LoanRecordActivities, LoanStepInput } from './loans/loan-activities.ts';
export type { CreditSummary, DocumentCheck, LoanApplicant, LoanApplication, RiskAssessment, StoredDecision } from './loans/loan-types.ts';
export { createHttpDisbursementProvider, DisbursementError } from './loans/disbursement.ts';
export type { DisbursementProvider, HttpDisbursementConfig } from './loans/disbursement.ts';
export { createNotificationActivities, outboxMessagingProvider } from './notify/notification-activities.ts';
export type { Message, MessagingProvider, NotificationActivities, NotificationActivityDeps, NotificationRequest, WebhookEndpoint } from './notify/notification-activities.ts';
export { DELIVERY_HEADER, SIGNATURE_HEADER, signWebhook, verifyWebhookSignature } from './notify/webhook-signature.ts';
export { createDeadLetterActivities } from './dead-letters/dead-letter-activities.ts';
export type { DeadLetterActivities, DeadLetterInput } from './dead-letters/dead-letter-activities.ts';
export type { LoanStatus, LoanApplicationsTable, LoanAccountsTable, NotificationsTable } from './storage/db/schema.ts';
export { renderSvg } from './ocr/render-svg.ts';
export type { RenderSvgOptions } from './ocr/render-svg.ts';
export { createBureauActivities, applicantIssues, BUREAU_FAILURE_TYPES, BUREAU_PULL_ACTIVITY_OPTIONS } from './bureau/bureau-activities.ts';
export type { BureauActivities, BureauActivityDeps, PullCreditReportInput, PullCreditReportResult } from './bureau/bureau-activities.ts';
export { createBureauBreakers, providerHealthEvent, resolveBreakerSettings, BUREAU_BREAKER_DEFAULTS, BREAKER_STATE_GAUGE } from './bureau/breakers.ts';
export type { BreakerSettings, BreakerState, BureauBreakerDeps, BureauBreakers } from './bureau/breakers.ts';
export { pullWithWaterfall, assertBureauConfig } from './bureau/waterfall.ts';
export type { BureauConfigResolver, BureauProviderEntry, TenantBureauConfig, WaterfallRequest, WaterfallResult } from './bureau/waterfall.ts';
export { createHttpBureauProvider, assertProviderName, HTTP_BUREAU_DEFAULTS } from './bureau/http-provider.ts';
export type { BureauAuth, HttpBureauProviderConfig } from './bureau/http-provider.ts';
export { BUREAU_FORMATS } from './bureau/formats/index.ts';
export type { BureauFormatName } from './bureau/formats/index.ts';
export type { BureauFormat, MappedReport } from './bureau/formats/format.ts';
export { ResponseReader } from './bureau/response-reader.ts';
export { BureauProviderError, MalformedBureauResponseError, BureauUnavailableError, InvalidApplicantError, BureauConfigError } from './bureau/errors.ts';
export type { BureauAttempt, BureauFailureKind } from './bureau/errors.ts';
export { summarizeCreditReport } from './bureau/summary.ts';
export type { CreditReportSummary } from './bureau/summary.ts';
export type { BureauApplicant, BureauProvider, BureauPullOptions, CreditAccount, CreditAccountStatus, CreditEnquiry, CreditReport, MonthlyDaysPastDue } from './bureau/types.ts';
export { createOcrEngine } from './ocr/ocr-engine.ts';
export type { OcrEngine, OcrEngineOptions, OcrLine, OcrOutput, OcrWord, RecognizeOptions } from './ocr/ocr-engine.ts';
export { defaultOcrModelPaths } from './ocr/model-files.ts';
export type { OcrModelPaths } from './ocr/model-files.ts';
export { decodeImage, readImageHeader, DEFAULT_IMAGE_LIMITS } from './ocr/image-input.ts';
export type { ImageHeader, ImageLimits, RgbImage } from './ocr/image-input.ts';
export { measureQuality, LAPLACIAN_HALF_POINT } from './ocr/quality.ts';
export type { ImageQuality } from './ocr/quality.ts';
export { UnreadableDocumentError } from './ocr/errors.ts';
export type { UnreadableReason } from './ocr/errors.ts';
export type { Charset } from './ocr/ctc.ts';
export type { Point, Quad, RotatedRect } from './ocr/geometry.ts';
export { analyzeDocument, DETECTION_SIZES } from './documents/intelligence/analyze.ts';
export type { AnalyzeOptions } from './documents/intelligence/analyze.ts';
export { classifyDocument } from './documents/intelligence/classify.ts';
export { DOCUMENT_TYPES, DOCUMENT_FIELDS } from './documents/intelligence/types.ts';
export type { Classification, ClassifiedType, DocumentAnalysis, DocumentType, ExtractedField, FieldViolation, RawField } from './documents/intelligence/types.ts';
export { WrongDocumentTypeError, LowQualityDocumentError } from './documents/intelligence/errors.ts';
export { FIELD_RULES, validateFields, validateImage } from './documents/intelligence/validate-fields.ts';
export type { ImageRuleParams } from './documents/intelligence/validate-fields.ts';
export { layoutLines, layoutRows } from './documents/intelligence/text-layout.ts';
export type { LayoutLine, LayoutRow } from './documents/intelligence/text-layout.ts';
export { createDocumentIntelligenceActivities } from './documents/intelligence/document-intelligence-activities.ts';
export type {
  ClassifiedDocument,
  ClassifyDocumentInput,
  DocumentIntelligenceActivities,
  DocumentIntelligenceDeps,
  ProcessDocumentInput,
  ProcessedDocument,
} from './documents/intelligence/document-intelligence-activities.ts';
export { heartbeatIfActivity, isPermanentError, toActivityFailure } from './documents/intelligence/activity-support.ts';
export { createRiskActivities, RISK_BATCH_CHUNK } from './risk/risk-activities.ts';
export type { RiskActivities, RiskActivityDeps, ScoreRiskBatchInput, ScoreRiskInput, ScoredApplicant } from './risk/risk-activities.ts';
export { createRiskScorer } from './risk/risk-scorer.ts';
export type { RiskScorer, RiskScorerOptions, ScoreOptions } from './risk/risk-scorer.ts';
export {
  assertModelVersion,
  listRiskModelVersions,
  readLatestRiskVersion,
  readRiskModel,
  registerRiskModel,
  riskLatestKey,
  riskModelKeys,
  riskModelPrefix,
} from './risk/model-registry.ts';
export type { LatestPointer } from './risk/model-registry.ts';
export { trainRiskModel, rocAuc, fitLogistic, transformFeature } from './risk/train.ts';
export type { TrainedRiskModel, TrainRiskOptions } from './risk/train.ts';
export { buildLogisticOnnx, LOGISTIC_TENSORS } from './risk/logistic-onnx.ts';
export { encodeOnnxModel } from './risk/onnx-builder.ts';
export type { OnnxInitializer, OnnxModelSpec, OnnxNode, OnnxValue } from './risk/onnx-builder.ts';
export { generateApplicants, tenantProfile, RISK_FEATURES, SYNTHETIC_DATASET } from './risk/synthetic-applicants.ts';
export type { SyntheticApplicant, TenantProfile } from './risk/synthetic-applicants.ts';
export { RiskModelNotFoundError, InvalidRiskInputError, RiskModelInvalidError } from './risk/errors.ts';
export { DEFAULT_RISK_CATEGORIES } from './risk/types.ts';
export type { ContributingFactor, FeatureTransform, RiskCategoryBand, RiskFeatures, RiskFeatureSpec, RiskModelMetadata, RiskScore } from './risk/types.ts';
export { loadLlmEngine, sharedLlmEngine, LLM_DEFAULT_TIMEOUT_MS } from './llm/llama-cpp-engine.ts';
export type { LlmEngineOptions } from './llm/llama-cpp-engine.ts';
export type { LlmCompletion, LlmEngine, LlmEngineInfo, LlmEngineStats, LlmJsonCompletion, LlmJsonRequest, LlmProgress, LlmRequest } from './llm/llm-engine.ts';
export { LlmCancelledError, LlmEngineClosedError, LlmInputError, LlmModelError, LlmOutputError, LlmTimeoutError } from './llm/errors.ts';
export type { LlmErrorCode } from './llm/errors.ts';
export { validateJson, maxJsonBytes } from './llm/json-schema.ts';
export type { JsonSchema, JsonValue } from './llm/json-schema.ts';
export { inspectModelFile } from './llm/model-file.ts';
export type { ModelFileInfo } from './llm/model-file.ts';
export { createLlmActivities, loadAnalysis } from './llm/llm-activities.ts';
export type { AnalysisUsage, AnalyzeApplicationInput, AnalyzeApplicationResult, LlmActivities, LlmActivityDeps, StoreAnalysisInput, StoredAnalysis } from './llm/llm-activities.ts';
export { underwritingNoteSchema, underwritingPrompt, RISK_FLAGS, RECOMMENDATIONS, MAX_APPLICATION_CHARS } from './llm/underwriting-note.ts';
export type { ApplicationFields, Recommendation, RiskFlag, UnderwritingNote, UnderwritingNoteLimits } from './llm/underwriting-note.ts';
export { generateLlamaGguf, GENERATED_MODEL_SHAPES } from './llm/gguf/generate-llama-gguf.ts';
export type { GeneratedModel, GeneratedModelPreset, GeneratedWeightType, GenerateLlamaGgufOptions, LlamaModelShape } from './llm/gguf/generate-llama-gguf.ts';
export type { AnalysesTable } from './storage/db/schema.ts';
export { checkRiskModel, metadataLogit } from './risk/model-check.ts';
export { extractFieldsFromLines } from './documents/intelligence/external-lines.ts';
export type { ExternalLine } from './documents/intelligence/external-lines.ts';
export { extractFields } from './documents/intelligence/analyze.ts';
export type { DetectedLines, PendingLine } from './ocr/ocr-engine.ts';
export { DEFAULT_SQUEEZE } from './ocr/ocr-engine.ts';
export { inkProfile, splitWords, widestGap } from './ocr/word-gaps.ts';
export type { InkProfile, LineWord, WordGapOptions } from './ocr/word-gaps.ts';
export type { DecodedChar } from './ocr/ctc.ts';
export { sharedOcrEngine } from './ocr/ocr-engine.ts';
