import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import { documentKey, tenantObjects, withTenant } from '@metis/activities/storage';
import type { DocumentKind, MetisDatabase, ObjectStore } from '@metis/activities/storage';
import type { RecordedDocument } from '@metis/activities/documents';
import { documentIntakeWorkflow, documentWorkflowId, metisSearchAttributes, taskQueueName } from '@metis/workflows';
import type { Kysely } from 'kysely';
import { DocumentNotFoundError } from '../errors.ts';
import type { TenantPriority } from './fairness.ts';
import { explainWorkflowFailure } from './failures.ts';

// What `documentKey` accepts as a document id: nothing else can have been uploaded.
const DOCUMENT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** A document to upload. */
export interface DocumentUpload {
  /** Kind of document. */
  readonly kind: DocumentKind;
  /** The bytes. */
  readonly body: Uint8Array;
  /** MIME type, e.g. `image/jpeg`. */
  readonly contentType?: string;
  /** Id to store it under (default a random UUID); uploading the same id twice records it once. */
  readonly documentId?: string;
}

/** An uploaded and recorded document. */
export interface UploadedDocument extends RecordedDocument {
  /** Workflow that recorded it. */
  readonly workflowId: string;
}

/** A tenant's documents. */
export interface TenantDocuments {
  /** Store a document under the tenant's prefix and record it durably; resolve once recorded. */
  upload(upload: DocumentUpload): Promise<UploadedDocument>;
  /** Return a recorded document as `upload` returned it; throw `DocumentNotFoundError` when the tenant has none with that id. */
  get(documentId: string): Promise<UploadedDocument>;
  /** Return a URL that reads the document until it expires. */
  downloadUrl(kind: DocumentKind, documentId: string, expiresInSeconds?: number): Promise<string>;
}

/** Return the folder a document field's file goes to under the tenant's prefix, from the field's name (`pan_image` → `pan`, `aadhar_image` → `aadhar`, `bank_statement` → `bank-statements`). */
export function documentKindForField(field: string): DocumentKind {
  if (field.startsWith('pan')) return 'pan';
  if (field.startsWith('aadhar') || field.startsWith('aadhaar')) return 'aadhar';
  if (field.startsWith('bank')) return 'bank-statements';
  if (field.startsWith('photo') || field.startsWith('selfie')) return 'photo';
  return 'other';
}

/** Create the documents API of one tenant. */
export function tenantDocuments(client: Client, store: ObjectStore, db: Kysely<MetisDatabase>, tenantId: string, prefix: string | undefined, priority: TenantPriority): TenantDocuments {
  const objects = tenantObjects(store, tenantId);
  return {
    async upload(upload) {
      const documentId = upload.documentId ?? crypto.randomUUID();
      const objectKey = documentKey(tenantId, upload.kind, documentId);
      await objects.put(objectKey, upload.body, upload.contentType ? { contentType: upload.contentType } : {});
      const workflowId = documentWorkflowId(tenantId, documentId);
      const input = { tenantId, documentId, kind: upload.kind, objectKey };
      let recorded: RecordedDocument;
      try {
        recorded = await client.workflow.execute(documentIntakeWorkflow, {
          workflowId,
          taskQueue: taskQueueName('default', prefix),
          priority: priority('default'),
          args: [input],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          workflowIdConflictPolicy: 'USE_EXISTING',
          typedSearchAttributes: metisSearchAttributes(tenantId, 'document-intake', 'uploaded'),
        });
      } catch (error) {
        // An intake that failed for good (the store unreachable past its retries, …) is a typed error.
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw explainWorkflowFailure(error);
        try {
          recorded = (await client.workflow.getHandle(workflowId).result()) as RecordedDocument;
        } catch (failure) {
          throw explainWorkflowFailure(failure);
        }
      }
      return { ...recorded, workflowId };
    },
    async get(documentId) {
      if (typeof documentId !== 'string' || !DOCUMENT_ID.test(documentId) || documentId.includes('..')) throw new DocumentNotFoundError(String(documentId));
      const row = await withTenant(db, tenantId, (trx) =>
        trx
          .selectFrom('documents as d')
          // The DOCUMENT_UPLOADED event is written with the row, in the same transaction.
          .leftJoin('events as e', (join) => join.onRef('e.tenant_id', '=', 'd.tenant_id').on('e.idempotency_key', '=', `document:${documentId}:uploaded`))
          .select(['d.document_id', 'd.object_key', 'd.size_bytes', 'd.sha256', 'e.event_id'])
          .where('d.document_id', '=', documentId)
          .executeTakeFirst(),
      );
      if (!row) throw new DocumentNotFoundError(documentId);
      return {
        documentId: row.document_id,
        objectKey: row.object_key,
        sizeBytes: Number(row.size_bytes),
        sha256: row.sha256 ?? '',
        eventId: row.event_id ?? '',
        workflowId: documentWorkflowId(tenantId, documentId),
      };
    },
    downloadUrl: (kind, documentId, expiresInSeconds = 900) => objects.presignGet(documentKey(tenantId, kind, documentId), expiresInSeconds),
  };
}
