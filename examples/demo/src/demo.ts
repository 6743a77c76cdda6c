// The Metis demo: two tenants each upload a document, which a durable workflow verifies and
// records (object in MinIO under the tenant's prefix, row and DOCUMENT_UPLOADED event in
// PostgreSQL under row-level security). Prints what happened and where to see it.
import { createMetis, createWorkers, loadConfigFromEnv } from '@metis/sdk';
import type { TenantDefinition } from '@metis/sdk';

const tenants: TenantDefinition[] = [
  { tenantId: 'acme-lending', displayName: 'Acme Lending' },
  { tenantId: 'zen-finance', displayName: 'Zen Finance' },
];

const config = loadConfigFromEnv();
const workers = await createWorkers({ config });
const metis = await createMetis({ ...config, tenants });
try {
  await metis.registerTenants();
  for (const { tenantId, displayName } of tenants) {
    const body = new TextEncoder().encode(`Bank statement of ${displayName}'s demo applicant, ${new Date().toISOString()}\n`);
    const doc = await metis.tenant(tenantId).documents.upload({ kind: 'bank-statements', body, contentType: 'text/plain' });
    console.log(`${displayName}: document ${doc.documentId} recorded (${doc.sizeBytes} bytes, sha256 ${doc.sha256.slice(0, 12)}…)`);
    console.log(`  object  ${doc.objectKey}`);
    console.log(`  event   DOCUMENT_UPLOADED ${doc.eventId}`);
    console.log(`  history ${metis.workflowUrl(doc.workflowId)}`);
  }
  console.log(`\nTemporal Web UI: ${config.temporal.webUiUrl}/namespaces/${config.temporal.namespace}/workflows`);
} finally {
  await metis.close();
  await workers.shutdown();
}
