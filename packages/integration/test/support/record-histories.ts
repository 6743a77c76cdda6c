// Record the histories the replay test replays: run each workflow path on the real stack and
// write its event history to test/histories/<name>.json. Run it again (and commit the files)
// when a workflow changes on purpose:
//   bash scripts/node.sh packages/integration/test/support/record-histories.ts
import { writeFile } from 'node:fs/promises';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { sampleTenants } from '@metis/fsm';
import { journeyWorkflowId, loanWorkflowId } from '@metis/workflows';
import { createMetis } from '@metis/sdk';
import { createWorkers } from '@metis/worker';
import { testConfig, uniqueId, waitFor } from '@metis/testing';
import { AADHAAR, AS_OF, scan, verifyDocumentsForTests } from '../journey-fixtures.ts';
import { loanServices, panWithScore, startLoanWorld, testPolicy, testTenant } from './loan-services.ts';

const out = new URL('../histories/', import.meta.url);
const config = testConfig({ temporal: { taskQueuePrefix: uniqueId('record') } });
const world = await startLoanWorld();
const webhook = { url: world.webhooks.url, secret: world.webhooks.secret };
const tenants = [testTenant('acme', webhook), testTenant('zenith', webhook, testPolicy('zenith', { mode: 'parallel' }))];
const workers = await createWorkers({
  config,
  tenants,
  services: {
    ...loanServices({ bureauA: world.bureauA.url, bureauB: world.bureauB.url, payments: world.payments.url, paymentsKey: world.payments.apiKey }),
    automations: { 'kyc.document_verification': verifyDocumentsForTests },
  },
});
const metis = await createMetis({ ...config, tenants });

async function save(name: string, workflowId: string): Promise<void> {
  const handle = metis.temporal.workflow.getHandle(workflowId);
  await waitFor(async () => ((await handle.describe()).status.name !== 'RUNNING' ? true : undefined), 60_000, `${name} to close`);
  const history = await handle.fetchHistory();
  await writeFile(new URL(`${name}.json`, out), `${historyToJSON(history)}\n`);
  console.log(`recorded ${name}: ${history.events?.length ?? 0} events`);
}

try {
  const acme = sampleTenants.acme.tenantId;
  const zenith = sampleTenants.zenith.tenantId;

  const a = uniqueId('rec-acme');
  const kyc = metis.tenant(acme).journeys;
  await kyc.submit(a, 'kyc', 'provide_personal_details', { name: 'Rahul Kumar Sharma', email: 'rahul@example.com', phone: '+919876543210', date_of_birth: '1990-04-01' }, { asOf: AS_OF });
  await assertRejected(kyc.submit(a, 'kyc', 'provide_pan_details', { pan_number: 'bad' }));
  await kyc.submit(a, 'kyc', 'provide_pan_details', { pan_number: 'ABCPS1234K', pan_image: scan() });
  await kyc.submit(a, 'kyc', 'provide_aadhar_details', { aadhar_number: AADHAAR, aadhar_image: scan() });
  await save('kyc-acme-completed', journeyWorkflowId(acme, 'kyc', a));

  const z = uniqueId('rec-zen-fraud');
  const zkyc = metis.tenant(zenith).journeys;
  await zkyc.submit(z, 'kyc', 'provide_personal_details', { name: 'Ravi Nair', email: 'ravi@example.com', mobile: '9876543210', dob: '1980-02-02' }, { asOf: AS_OF });
  await zkyc.submit(z, 'kyc', 'provide_pan_details', { pan_number: 'ABCPN1234K', pan_image: scan({ bytes: 400_000 }) });
  await zkyc.submit(z, 'kyc', 'provide_bank_statement', { bank_statement: scan({ mime_type: 'application/pdf', bytes: 900_000 }) });
  await waitFor(async () => ((await zkyc.get(z, 'kyc')).state === 'manual_review' ? true : undefined), 20_000, 'manual review');
  await zkyc.submit(z, 'kyc', 'manual_review', { reviewer_id: 'u-7', review_outcome: 'approve' }, { actor: 'operator:u-7' });
  await save('kyc-zenith-manual-review', journeyWorkflowId(zenith, 'kyc', z));

  const applicant = (pan: string) => ({ applicantId: uniqueId('cust'), name: 'Priya Sharma', pan, dateOfBirth: '1990-04-01', monthlyIncome: 100_000, employmentType: 'salaried' as const, phone: '9876543210' });
  const approve = { applicationId: uniqueId('rec-app'), amount: 300_000, tenureMonths: 36, kycStatus: 'done', applicant: applicant(panWithScore(780, 900)) };
  await metis.tenant(acme).loans.apply(approve);
  await save('loan-acme-approved', loanWorkflowId(acme, approve.applicationId));

  const review = { applicationId: uniqueId('rec-app'), amount: 1_500_000, tenureMonths: 60, kycStatus: 'done', applicant: { ...applicant(panWithScore(790, 900)), monthlyIncome: 400_000 } };
  await metis.tenant(acme).loans.apply(review);
  await metis.tenant(acme).loans.waitForDecision(review.applicationId);
  await metis.tenant(acme).loans.review(review.applicationId, { outcome: 'approve', reviewer: 'uw-1', reason: 'collateral verified', approvedAmount: 1_200_000 });
  await save('loan-acme-high-value-reviewed', loanWorkflowId(acme, review.applicationId));

  const parallel = { applicationId: uniqueId('rec-app'), amount: 200_000, tenureMonths: 24, kycStatus: 'done', applicant: applicant(panWithScore(300, 600)) };
  await metis.tenant(zenith).loans.apply(parallel);
  await save('loan-zenith-parallel', loanWorkflowId(zenith, parallel.applicationId));

  world.payments.setFaults({ refuse: true });
  const refused = { applicationId: uniqueId('rec-app'), amount: 300_000, tenureMonths: 36, kycStatus: 'done', applicant: applicant(panWithScore(780, 900)) };
  await metis.tenant(acme).loans.apply(refused);
  await save('loan-acme-compensated', loanWorkflowId(acme, refused.applicationId));
} finally {
  await metis.close();
  await workers.shutdown();
  await world.close();
}

async function assertRejected(work: Promise<unknown>): Promise<void> {
  if (await work.then(() => true, () => false)) throw new Error('expected the step to be rejected');
}
