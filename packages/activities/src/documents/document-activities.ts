import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { MetisError } from '../errors.ts';
import type { Kysely } from 'kysely';
import { appendEvent } from '../events/outbox.ts';
import type { MetisDatabase } from '../storage/db/schema.ts';
import { withTenant } from '../storage/db/with-tenant.ts';
import { assertTenantKey } from '../storage/objects/object-keys.ts';
import type { DocumentKind } from '../storage/objects/object-keys.ts';
import type { ObjectStore } from '../storage/objects/object-store.ts';

/** A document whose bytes are already in the tenant's prefix, to be recorded. */
export interface RecordDocumentInput {
  /** Tenant owning the document. */
  readonly tenantId: string;
  /** Document id, unique within the tenant. */
  readonly documentId: string;
  /** Kind of document. */
  readonly kind: DocumentKind;
  /** Key of the uploaded bytes. */
  readonly objectKey: string;
}

/** A recorded document. */
export interface RecordedDocument {
  /** Document id. */
  readonly documentId: string;
  /** Key of its bytes. */
  readonly objectKey: string;
  /** Size in bytes. */
  readonly sizeBytes: number;
  /** SHA-256 of the bytes, hex. */
  readonly sha256: string;
  /** Id of the `DOCUMENT_UPLOADED` event in the outbox. */
  readonly eventId: string;
}

/** Dependencies of the document activities. */
export interface DocumentActivityDeps {
  /** Database, connected as the application role. */
  readonly db: Kysely<MetisDatabase>;
  /** Object store holding the documents. */
  readonly objects: ObjectStore;
}

/** Document activities, as workflows see them. */
export interface DocumentActivities {
  /** Verify an uploaded document and record it with a `DOCUMENT_UPLOADED` event, once. */
  recordDocument(input: RecordDocumentInput): Promise<RecordedDocument>;
}

/** Create the document activities. */
export function createDocumentActivities(deps: DocumentActivityDeps): DocumentActivities {
  return {
    async recordDocument(input) {
      try {
        assertTenantKey(input.tenantId, input.objectKey);
      } catch (error) {
        throw ApplicationFailure.nonRetryable((error as Error).message, 'InvalidObjectKey');
      }
      // The store's typed errors (OBJECT_STORE_UNREACHABLE, …) keep their code as the failure's type,
      // retried by the workflow's policy and told to the caller as that code if it gives up.
      const stored = async <T>(read: () => Promise<T>): Promise<T> => {
        try {
          return await read();
        } catch (error) {
          if (error instanceof MetisError) throw ApplicationFailure.create({ message: error.message, type: error.code, nonRetryable: false, cause: error });
          throw error;
        }
      };
      const info = await stored(() => deps.objects.stat(input.objectKey));
      if (!info) throw ApplicationFailure.nonRetryable(`no object at ${input.objectKey}`, 'DocumentMissing');
      const bytes = await stored(() => deps.objects.get(input.objectKey));
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      return withTenant(deps.db, input.tenantId, async (trx) => {
        await trx
          .insertInto('documents')
          .values({
            tenant_id: input.tenantId,
            document_id: input.documentId,
            kind: input.kind,
            object_key: input.objectKey,
            content_type: info.contentType ?? null,
            size_bytes: bytes.byteLength,
            sha256,
            status: 'uploaded',
            metadata: JSON.stringify({ etag: info.etag }),
          })
          .onConflict((oc) => oc.columns(['tenant_id', 'document_id']).doNothing())
          .execute();
        const eventId = await appendEvent(trx, input.tenantId, {
          type: 'DOCUMENT_UPLOADED',
          aggregateType: 'document',
          aggregateId: input.documentId,
          payload: { documentId: input.documentId, kind: input.kind, sizeBytes: bytes.byteLength, sha256 },
          idempotencyKey: `document:${input.documentId}:uploaded`,
        });
        return { documentId: input.documentId, objectKey: input.objectKey, sizeBytes: bytes.byteLength, sha256, eventId };
      });
    },
  };
}
