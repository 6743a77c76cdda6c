import type { ValidationRegistry } from '@metis/fsm';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { appendEvent } from '../../events/outbox.ts';
import type { Metrics } from '../../metrics/metrics.ts';
import { noopMetrics } from '../../metrics/metrics.ts';
import type { MetisDatabase } from '../../storage/db/schema.ts';
import { withTenant } from '../../storage/db/with-tenant.ts';
import { assertTenantKey } from '../../storage/objects/object-keys.ts';
import type { ObjectStore } from '../../storage/objects/object-store.ts';
import { heartbeatIfActivity, isPermanentError, toActivityFailure } from './activity-support.ts';
import { analyzeDocument } from './analyze.ts';
import type { AnalyzeOptions } from './analyze.ts';
import type { ClassifiedType, DocumentAnalysis, DocumentType, ExtractedField } from './types.ts';
import type { ImageRuleParams } from './validate-fields.ts';
import { needingNativeModules } from '../../native-modules.ts';
import { ocrEngineOf, ocrNativeModules } from './ocr-source.ts';
import type { OcrSource } from './ocr-source.ts';

/** Dependencies of the document intelligence activities. */
export interface DocumentIntelligenceDeps extends OcrSource {
  /** Database, connected as the application role. */
  readonly db: Kysely<MetisDatabase>;
  /** Object store holding the documents. */
  readonly objects: ObjectStore;
  readonly metrics?: Metrics;
  /** Validation rules (default: the fsm built-ins). */
  readonly validationRegistry?: ValidationRegistry;
}

/** A stored document image to read. */
export interface ProcessDocumentInput {
  readonly tenantId: string;
  readonly documentId: string;
  /** Key of the image inside the tenant's prefix. */
  readonly objectKey: string;
  /** Type the journey step asks for; another type fails with `DOCUMENT_WRONG_TYPE`. */
  readonly expectedType?: DocumentType;
  /** The journey's `image_size` / `image_quality` parameters. */
  readonly imageRules?: ImageRuleParams;
}

/** What was read from a document. */
export interface ProcessedDocument {
  readonly documentId: string;
  readonly documentType: ClassifiedType;
  readonly confidence: number;
  readonly fields: Readonly<Record<string, ExtractedField>>;
  readonly missingFields: readonly string[];
  readonly valid: boolean;
  readonly metadata: DocumentAnalysis['metadata'];
  readonly timings: DocumentAnalysis['timings'];
  /** Id of the `PAN_OCR_PROCESSED` or `PAN_VERIFICATION_FAILED` event, for PAN cards. */
  readonly eventId?: string;
}

/** A document to classify. */
export interface ClassifyDocumentInput {
  readonly tenantId: string;
  readonly documentId: string;
  readonly objectKey: string;
}

/** A classification verdict with the image metadata. */
export interface ClassifiedDocument {
  readonly documentId: string;
  readonly documentType: ClassifiedType;
  readonly confidence: number;
  readonly probabilities: Readonly<Record<ClassifiedType, number>>;
  readonly metadata: DocumentAnalysis['metadata'];
}

/** Document intelligence activities, as workflows see them (run them on the `metis-ai` pool). */
export interface DocumentIntelligenceActivities {
  /** Read a document: quality, OCR, type, fields validated by the fsm rules; emit PAN events. */
  processDocument(input: ProcessDocumentInput): Promise<ProcessedDocument>;
  /** Tell what kind of document an image is. */
  classifyDocument(input: ClassifyDocumentInput): Promise<ClassifiedDocument>;
}

/** Create the document intelligence activities. */
export function createDocumentIntelligenceActivities(deps: DocumentIntelligenceDeps): DocumentIntelligenceActivities {
  const metrics = deps.metrics ?? noopMetrics;
  const getEngine = ocrEngineOf(deps);

  const read = async (tenantId: string, objectKey: string): Promise<Uint8Array> => {
    assertTenantKey(tenantId, objectKey);
    heartbeatIfActivity({ stage: 'download' });
    return deps.objects.get(objectKey);
  };

  const record = async (input: ProcessDocumentInput, outcome: { status: string; type: string; eventType?: 'PAN_OCR_PROCESSED' | 'PAN_VERIFICATION_FAILED'; payload: Record<string, unknown> }): Promise<string | undefined> =>
    withTenant(deps.db, input.tenantId, async (trx) => {
      await trx
        .updateTable('documents')
        .set({ status: outcome.status, metadata: sql`metadata || ${JSON.stringify({ intelligence: { type: outcome.type, ...outcome.payload } })}::jsonb` })
        .where('tenant_id', '=', input.tenantId)
        .where('document_id', '=', input.documentId)
        .execute();
      if (!outcome.eventType) return undefined;
      return appendEvent(trx, input.tenantId, {
        type: outcome.eventType,
        aggregateType: 'document',
        aggregateId: input.documentId,
        payload: { documentId: input.documentId, ...outcome.payload },
        idempotencyKey: `document:${input.documentId}:${outcome.eventType.toLowerCase()}`,
      });
    });

  const natives = ocrNativeModules(deps);
  return needingNativeModules({
    async processDocument(input) {
      const t0 = performance.now();
      const panStep = input.expectedType === 'pan';
      try {
        const bytes = await read(input.tenantId, input.objectKey);
        const options: AnalyzeOptions = {
          ...(input.expectedType ? { expectedType: input.expectedType } : {}),
          ...(input.imageRules ? { imageRules: input.imageRules } : {}),
          ...(deps.validationRegistry ? { validationRegistry: deps.validationRegistry } : {}),
          onProgress: (stage) => heartbeatIfActivity({ stage }),
        };
        const analysis = await analyzeDocument(await getEngine(), bytes, options);
        const type = analysis.classification.type;
        const summary = {
          confidence: analysis.classification.confidence,
          valid: analysis.valid,
          missingFields: analysis.missingFields,
          fieldConfidence: Object.fromEntries(Object.entries(analysis.fields).map(([k, f]) => [k, f.confidence])),
          violations: Object.entries(analysis.fields).flatMap(([k, f]) => f.violations.map((v) => `${k}:${v.code}`)),
          quality: { blur_score: analysis.metadata.blur_score, brightness_score: analysis.metadata.brightness_score },
        };
        const eventType = type === 'pan' ? (analysis.valid ? 'PAN_OCR_PROCESSED' : 'PAN_VERIFICATION_FAILED') : undefined;
        const eventId = await record(input, { status: analysis.valid ? 'processed' : 'needs_review', type, ...(eventType ? { eventType } : {}), payload: summary });
        metrics.count('metis_documents_processed_total', 1, { tenant: input.tenantId, type, outcome: analysis.valid ? 'valid' : 'invalid' });
        metrics.observe('metis_document_processing_seconds', (performance.now() - t0) / 1000, { type });
        return {
          documentId: input.documentId,
          documentType: type,
          confidence: analysis.classification.confidence,
          fields: analysis.fields,
          missingFields: analysis.missingFields,
          valid: analysis.valid,
          metadata: analysis.metadata,
          timings: analysis.timings,
          ...(eventId ? { eventId } : {}),
        };
      } catch (error) {
        if (isPermanentError(error)) {
          metrics.count('metis_documents_processed_total', 1, { tenant: input.tenantId, type: input.expectedType ?? 'any', outcome: error.code });
          await record(input, {
            status: 'rejected',
            type: input.expectedType ?? 'unknown',
            ...(panStep ? { eventType: 'PAN_VERIFICATION_FAILED' as const } : {}),
            payload: { reason: error.code, message: error.message },
          }).catch(() => undefined);
        }
        throw toActivityFailure(error);
      }
    },
    async classifyDocument(input) {
      try {
        const bytes = await read(input.tenantId, input.objectKey);
        const analysis = await analyzeDocument(await getEngine(), bytes, { rejectLowQuality: false, onProgress: (stage) => heartbeatIfActivity({ stage }) });
        return {
          documentId: input.documentId,
          documentType: analysis.classification.type,
          confidence: analysis.classification.confidence,
          probabilities: analysis.classification.probabilities,
          metadata: analysis.metadata,
        };
      } catch (error) {
        throw toActivityFailure(error);
      }
    },
  }, natives);
}
