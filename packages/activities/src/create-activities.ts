import type { Kysely } from 'kysely';
import { createAnalyticsActivities } from './analytics/index.ts';
import type { AnalyticsActivities } from './analytics/index.ts';
import { createBureauActivities } from './bureau/bureau-activities.ts';
import type { BureauActivities } from './bureau/bureau-activities.ts';
import type { BureauBreakers } from './bureau/breakers.ts';
import { summarizeCreditReport } from './bureau/summary.ts';
import type { BureauConfigResolver } from './bureau/waterfall.ts';
import { createLlmActivities } from './llm/llm-activities.ts';
import type { LlmActivities } from './llm/llm-activities.ts';
import type { LlmEngine } from './llm/llm-engine.ts';
import type { UnderwritingNoteLimits } from './llm/underwriting-note.ts';
import type { Metrics } from './metrics/metrics.ts';
import { createDeadLetterActivities } from './dead-letters/dead-letter-activities.ts';
import type { DeadLetterActivities } from './dead-letters/dead-letter-activities.ts';
import { createDocumentActivities } from './documents/document-activities.ts';
import { createDocumentVerificationActivities } from './documents/verify-journey-documents.ts';
import type { DocumentVerificationActivities } from './documents/verify-journey-documents.ts';
import type { DocumentVerificationDeps } from './documents/document-verifier.ts';
import { createLoanDocumentCheck } from './documents/loan-document-check.ts';
import type { DocumentActivities } from './documents/document-activities.ts';
import { createJourneyActivities } from './journeys/journey-activities.ts';
import type { JourneyActivities, JourneyAutomation } from './journeys/journey-activities.ts';
import type { DisbursementProvider } from './loans/disbursement.ts';
import { createLoanActivities } from './loans/loan-activities.ts';
import type { LoanActivities, LoanCheckActivities } from './loans/loan-activities.ts';
import { createNotificationActivities } from './notify/notification-activities.ts';
import type { MessagingProvider, NotificationActivities, WebhookEndpoint } from './notify/notification-activities.ts';
import { createLoanRiskCheck } from './risk/loan-risk.ts';
import type { LoanRiskOptions } from './risk/loan-risk.ts';
import type { MetisDatabase } from './storage/db/schema.ts';
import type { ObjectStore } from './storage/objects/object-store.ts';

/** Everything the activities need from the outside world. */
export interface ActivityDeps {
  /** Database, connected as the application role. */
  readonly db: Kysely<MetisDatabase>;
  /** Object store. */
  readonly objects: ObjectStore;
  /** Implementations of automated journey states, by `{journeyType}.{state}` or `{state}`. */
  readonly automations?: Readonly<Record<string, JourneyAutomation>>;
  /** Each tenant's credit bureau waterfall; with it, loans pull real reports. */
  readonly bureau?: { readonly resolveBureauConfig: BureauConfigResolver; readonly breakers?: BureauBreakers };
  /** Metrics sink. */
  readonly metrics?: Metrics;
  /** A loaded LLM engine for analyses on the `metis-ai` pool (`loadLlmEngine`). */
  readonly llm?: { readonly engine: LlmEngine; readonly note?: UnderwritingNoteLimits };
  /** How the built-in `assessRisk` scores loans with each tenant's registered ONNX model in `objects` (default: a scorer with a 5 s `latest` TTL). */
  readonly risk?: LoanRiskOptions;
  /** A loan's external checks (documents, bureau, risk); these win over built-in ones; missing ones fail as not configured. */
  readonly loanChecks?: Partial<LoanCheckActivities>;
  /** Payout system for approved loans. */
  readonly disbursement?: DisbursementProvider;
  /** Each tenant's webhook endpoint. */
  readonly webhooks?: (tenantId: string) => WebhookEndpoint | undefined;
  /** OCR settings of the built-in `metis.verify_documents` (default: the shared PP-OCRv4 engine). */
  readonly documentVerification?: Pick<DocumentVerificationDeps, 'ocr' | 'ocrOptions'>;
  /** E-mail and SMS provider (default: the outbox). */
  readonly messaging?: MessagingProvider;
}

/** Every Metis activity, as workflows see them. */
export type MetisActivities = DocumentActivities & DocumentVerificationActivities & JourneyActivities & LoanActivities & NotificationActivities & DeadLetterActivities & AnalyticsActivities & Partial<BureauActivities> & Partial<LlmActivities>;

/** Create every Metis activity from its dependencies. */
export function createActivities(deps: ActivityDeps): MetisActivities {
  const bureau = deps.bureau
    ? createBureauActivities({ db: deps.db, resolveBureauConfig: deps.bureau.resolveBureauConfig, ...(deps.bureau.breakers ? { breakers: deps.bureau.breakers } : {}), ...(deps.metrics ? { metrics: deps.metrics } : {}) })
    : undefined;
  const builtInChecks: Partial<LoanCheckActivities> = bureau
    ? {
        async pullCreditSummary({ tenantId, application }) {
          const { applicant } = application;
          const { report } = await bureau.pullCreditReport({
            tenantId,
            applicationId: application.applicationId,
            applicant: { pan: applicant.pan, name: applicant.name, dateOfBirth: applicant.dateOfBirth, ...(applicant.phone ? { phone: applicant.phone } : {}) },
          });
          return summarizeCreditReport(report);
        },
      }
    : {};
  const verification: DocumentVerificationDeps = { db: deps.db, objects: deps.objects, ...deps.documentVerification, ...(deps.metrics ? { metrics: deps.metrics } : {}) };
  const verifyLoanDocuments = createLoanDocumentCheck(verification);
  const assessRisk = createLoanRiskCheck({ objects: deps.objects, ...deps.risk, ...(deps.metrics ? { metrics: deps.metrics } : {}) });
  return {
    ...createDocumentActivities(deps),
    ...createDocumentVerificationActivities(verification),
    ...createJourneyActivities({ db: deps.db, ...(deps.automations ? { automations: deps.automations } : {}) }),
    ...createLoanActivities({ db: deps.db, ...(deps.disbursement ? { disbursement: deps.disbursement } : {}), checks: { assessRisk, verifyLoanDocuments, ...builtInChecks, ...deps.loanChecks } }),
    ...(bureau ?? {}),
    ...(deps.llm ? createLlmActivities({ db: deps.db, engine: deps.llm.engine, ...(deps.llm.note ? { note: deps.llm.note } : {}), ...(deps.metrics ? { metrics: deps.metrics } : {}) }) : {}),
    ...createNotificationActivities({ db: deps.db, ...(deps.webhooks ? { webhooks: deps.webhooks } : {}), ...(deps.messaging ? { messaging: deps.messaging } : {}) }),
    ...createDeadLetterActivities(deps),
    ...createAnalyticsActivities({ db: deps.db, objects: deps.objects }),
  };
}
