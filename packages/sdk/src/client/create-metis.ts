import { Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { assertTenantId, documentKey, tenantObjects, withTenant } from '@metis/activities';
import type { DocumentKind, RecordedDocument } from '@metis/activities';
import { documentIntakeWorkflow, documentWorkflowId, MetisJourney, MetisState, MetisTenant, taskQueueName } from '@metis/workflows';
import type { MetisConfig } from '../config.ts';
import { connectClient } from '../connect.ts';
import { TenantUnknownError } from '../errors.ts';
import { openResources } from '../resources.ts';

/** A tenant this Metis instance serves. */
export interface TenantDefinition {
  /** Tenant id: 2-63 characters of a-z, 0-9 and "-". */
  readonly tenantId: string;
  /** Name shown to people. */
  readonly displayName: string;
  /** Free-form settings stored with the tenant. */
  readonly settings?: Readonly<Record<string, unknown>>;
}

/** Options of `createMetis`. */
export interface CreateMetisOptions extends MetisConfig {
  /** Tenants served; `metis.tenant(id)` refuses any other. */
  readonly tenants: readonly TenantDefinition[];
}

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
  /** Return a URL that reads the document until it expires. */
  downloadUrl(kind: DocumentKind, documentId: string, expiresInSeconds?: number): Promise<string>;
}

/** Everything Metis offers for one tenant. */
export interface TenantClient {
  /** The tenant's id. */
  readonly tenantId: string;
  /** The tenant's documents. */
  readonly documents: TenantDocuments;
}

/** The Metis client a tenant service holds. */
export interface Metis {
  /** Return the client of one configured tenant; throw `TenantUnknownError` otherwise. */
  tenant(tenantId: string): TenantClient;
  /** Create or update the configured tenants' rows (idempotent). */
  registerTenants(): Promise<void>;
  /** Return the Temporal Web UI link of a workflow. */
  workflowUrl(workflowId: string): string;
  /** Close connections. */
  close(): Promise<void>;
}

/** Connect to Temporal, PostgreSQL and the object store, verify all three, and return the client. */
export async function createMetis(options: CreateMetisOptions): Promise<Metis> {
  const tenants = new Map<string, TenantDefinition>();
  for (const t of options.tenants) {
    assertTenantId(t.tenantId);
    tenants.set(t.tenantId, t);
  }
  const [connecting, opening] = await Promise.allSettled([connectClient(options.temporal), openResources(options)]);
  if (connecting.status === 'rejected' || opening.status === 'rejected') {
    if (connecting.status === 'fulfilled') await connecting.value.close();
    if (opening.status === 'fulfilled') await opening.value.close();
    throw connecting.status === 'rejected' ? connecting.reason : (opening as PromiseRejectedResult).reason;
  }
  const connection = connecting.value;
  const resources = opening.value;
  const client = new Client({ connection, namespace: options.temporal.namespace });
  const prefix = options.temporal.taskQueuePrefix;

  const documents = (tenantId: string): TenantDocuments => {
    const objects = tenantObjects(resources.objects, tenantId);
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
            args: [input],
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
            workflowIdConflictPolicy: 'USE_EXISTING',
            typedSearchAttributes: [
              { key: MetisTenant, value: tenantId },
              { key: MetisJourney, value: 'document-intake' },
              { key: MetisState, value: 'uploaded' },
            ],
          });
        } catch (error) {
          if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
          recorded = (await client.workflow.getHandle(workflowId).result()) as RecordedDocument;
        }
        return { ...recorded, workflowId };
      },
      downloadUrl: (kind, documentId, expiresInSeconds = 900) => objects.presignGet(documentKey(tenantId, kind, documentId), expiresInSeconds),
    };
  };

  return {
    tenant(tenantId) {
      if (!tenants.has(tenantId)) throw new TenantUnknownError(tenantId);
      return { tenantId, documents: documents(tenantId) };
    },
    async registerTenants() {
      for (const t of tenants.values()) {
        await withTenant(resources.db, t.tenantId, (trx) =>
          trx
            .insertInto('tenants')
            .values({ tenant_id: t.tenantId, display_name: t.displayName, settings: JSON.stringify(t.settings ?? {}) })
            .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ display_name: t.displayName, settings: JSON.stringify(t.settings ?? {}), updated_at: new Date() }))
            .execute(),
        );
      }
    },
    workflowUrl(workflowId) {
      return `${options.temporal.webUiUrl}/namespaces/${options.temporal.namespace}/workflows/${encodeURIComponent(workflowId)}`;
    },
    async close() {
      await connection.close();
      await resources.close();
    },
  };
}
