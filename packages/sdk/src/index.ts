// @metis/sdk: the client a tenant service imports. It starts no worker and loads no native
// library; workers are `@metis/worker`, the test kit is `@metis/testing`.
export { createMetis } from './client/create-metis.ts';
export type { CreateMetisOptions, Metis, TenantClient, TenantDefinition } from './client/create-metis.ts';
export type { DocumentUpload, TenantDocuments, UploadedDocument } from './client/documents-client.ts';
export type { JourneySummary, OperatorAction, StepDocument, SubmitOptions, TenantJourneys } from './client/journeys-client.ts';
export type { TenantLoans } from './client/loans-client.ts';
export type { DeadLetter, TenantDeadLetters } from './client/dead-letters-client.ts';
export type { AnalysisRequest, TenantAnalyses } from './client/analyses-client.ts';
export { loadConfigFromEnv } from './config.ts';
export type { DatabaseConfig, MetisConfig, TemporalConfig } from './config.ts';
export { connectClient } from './connect.ts';
export { initObjectStore, migrate, provision } from './admin.ts';
export { JourneyDoneError, JourneyNotFoundError, JourneyTypeUnknownError, LoanNotFoundError, RequestRefusedError, StepRejectedError, TenantUnknownError } from './errors.ts';
export { ConfigurationError, InvalidTenantIdError, MetisError, ObjectKeyError, ObjectNotFoundError } from '@metis/activities/errors';
export { verifyWebhookSignature, SIGNATURE_HEADER, DELIVERY_HEADER } from '@metis/activities/notify';
export type { CreditSummary, DocumentCheck, EmploymentType, LoanApplicant, LoanApplication, RiskAssessment, RiskCategory, StoredDecision } from '@metis/activities/loans';
export type { LlmProgress, ReviewBrief, ReviewBriefFlag, StoredReviewBrief } from '@metis/activities/llm';
export type { DocumentKind } from '@metis/activities/storage';
export type { CheckName, RecordedDocument, VerificationCheck } from '@metis/activities/documents';
export type { JourneyStepResult, JourneyView, LoanPolicy, LoanReview, LoanReviewBrief, LoanView } from '@metis/workflows';
export { isTaskQueuePrefix, POOLS, TASK_QUEUE_SEPARATOR, taskQueueName } from '@metis/workflows';
export type { Pool } from '@metis/workflows';
export { createDerivedKeyring, UnknownKeyError } from './codec/keyring.ts';
export type { Keyring } from './codec/keyring.ts';
export { createTenantPayloadCodec, tenantOfWorkflowId, ENCRYPTED_ENCODING } from './codec/tenant-codec.ts';
export { startCodecServer } from './codec/codec-server.ts';
export type { CodecServer, CodecServerOptions } from './codec/codec-server.ts';
