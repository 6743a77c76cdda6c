// Record the history of Acme's loan journey whose underwriting state runs loan processing as a
// child workflow (metis.underwrite_loan): the statement read by OCR, the tenant's ONNX risk model,
// the rules approving, the payout. Writes test/histories/loan-journey-acme-disbursed.json (the
// journey) and loan-journey-acme-child.json (the child loan), which the replay test replays:
//   bash scripts/node.sh packages/integration/test/support/record-loan-journey-history.ts
// The applicant's KYC is seeded as done in PostgreSQL (the loan rules reject without it); the tenant
// is one of the run with Acme's journeys, rules and a freshly trained model.
import { access, writeFile } from 'node:fs/promises';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { registerRiskModel, riskLatestKey } from '@metis/activities/risk';
import { createMinioObjectStore, createPgDatabase, withTenant } from '@metis/activities/storage';
import type { MetisDatabase } from '@metis/activities/storage';
import { sampleTenants } from '@metis/fsm';
import { journeyWorkflowId, loanWorkflowId } from '@metis/workflows';
import type { journeyWorkflow } from '@metis/workflows';
import { createMetis } from '@metis/sdk';
import { createWorkers } from '@metis/worker';
import { generateDocument, testConfig, trainRiskModel, uniqueId, uniqueTenantId } from '@metis/testing';
import type { BankStatementTruth } from '@metis/testing';
import { loanServices, panWithScore, startLoanWorld, testPolicy } from './loan-services.ts';

const out = new URL('../histories/', import.meta.url);
const names = { journey: 'loan-journey-acme-disbursed', child: 'loan-journey-acme-child' };
for (const name of Object.values(names)) {
  if (await access(new URL(`${name}.json`, out)).then(() => true, () => false)) throw new Error(`${name}.json exists: delete it first to record it again`);
}
const config = testConfig({ temporal: { taskQueuePrefix: uniqueId('record') } });
const db = createPgDatabase<MetisDatabase>({ url: config.database.url, pool: { max: 1, min: 0 } });
// A tenant of this run with Acme's journeys and rules and a risk model of its own (tests move the
// sample tenants' `latest` model pointer).
const acme = uniqueTenantId('acme-rec');
const modelVersion = uniqueId('rec-model');
const store = createMinioObjectStore(config.objectStore);
await store.ensureBucket();
await registerRiskModel(store, trainRiskModel({ tenantId: acme, version: modelVersion, rows: 4_000 }));
const world = await startLoanWorld();
const tenants = [{ tenantId: acme, displayName: 'Acme Finance (recording)', journeys: sampleTenants.acme.journeys, loanPolicy: testPolicy('acme'), webhook: { url: world.webhooks.url, secret: world.webhooks.secret } }];
const services = loanServices({ bureauA: world.bureauA.url, bureauB: world.bureauB.url, payments: world.payments.url, paymentsKey: world.payments.apiKey });
// The built-in document check (OCR) and risk score (the tenant's registered model).
const workers = await createWorkers({ config, tenants, services: { ...services, loanChecks: {} } });
const metis = await createMetis({ ...config, tenants });
try {
  const applicantId = uniqueId('rec-lj');
  const statement = await generateDocument({ type: 'bank_statement', seed: 'record-loan-journey-statement' });
  const holder = (statement.truth.fields as BankStatementTruth).accountHolder;
  await withTenant(db, acme, (trx) =>
    trx
      .insertInto('journeys')
      .values({ tenant_id: acme, journey_id: `kyc:${applicantId}`, journey_type: 'kyc', applicant_id: applicantId, workflow_id: journeyWorkflowId(acme, 'kyc', applicantId), config_version: 'recorded', state: 'completed', status: 'done', last_seq: 3 })
      .execute(),
  );
  const journeys = metis.tenant(acme).journeys;
  await journeys.submit(applicantId, 'loan', 'application', {
    name: holder.toLowerCase(),
    pan_number: panWithScore(790, 900),
    date_of_birth: '1990-04-01',
    phone: '9876543210',
    loan_amount: 300_000,
    tenure_months: 36,
    purpose: 'home improvement',
    monthly_income: 150_000,
    existing_emis: 5_000,
    employment_type: 'salaried',
    employment_years: 6,
    accept_terms: true,
  });
  await journeys.submit(applicantId, 'loan', 'documents', {}, {
    documents: { bank_statement: { kind: 'bank-statements', body: statement.bytes, contentType: statement.mimeType, metadata: { width: statement.width, height: statement.height } } },
  });
  const handle = metis.temporal.workflow.getHandle<typeof journeyWorkflow>(journeyWorkflowId(acme, 'loan', applicantId));
  const view = await handle.result();
  if (view.state !== 'disbursed') throw new Error(`the journey ended ${view.state}, not disbursed: ${JSON.stringify(view.results['underwriting'])}`);
  const child = metis.temporal.workflow.getHandle(loanWorkflowId(acme, `journey-${applicantId}`));
  for (const [name, h] of [[names.journey, handle], [names.child, child]] as const) {
    const history = await h.fetchHistory();
    await writeFile(new URL(`${name}.json`, out), `${historyToJSON(history)}\n`);
    console.log(`recorded ${name}: ${history.events?.length ?? 0} events`);
  }
} finally {
  await metis.close();
  await workers.shutdown();
  await world.close();
  await db.destroy();
  for (const key of [riskLatestKey(acme), `models/risk-scoring/${acme}/${modelVersion}.onnx`, `models/risk-scoring/${acme}/${modelVersion}.json`]) await store.delete(key);
}
