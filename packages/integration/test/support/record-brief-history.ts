// Record the history of a high-value loan whose manual review gets its brief (the generated model
// writes it; its words mean nothing) into test/histories/loan-acme-high-value-brief.json, which the
// replay test replays beside the histories from before briefs existed:
//   bash scripts/node.sh packages/integration/test/support/record-brief-history.ts
import { writeFile } from 'node:fs/promises';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { sampleTenants } from '@metis/fsm';
import { loanWorkflowId } from '@metis/workflows';
import { createMetis } from '@metis/sdk';
import { createWorkers } from '@metis/worker';
import { ensureGeneratedModel, testConfig, uniqueId, waitFor } from '@metis/testing';
import { loanServices, panWithScore, startLoanWorld, testTenant } from './loan-services.ts';

const name = 'loan-acme-high-value-brief';
const config = testConfig({ temporal: { taskQueuePrefix: uniqueId('record') } });
const world = await startLoanWorld();
const tenants = [testTenant('acme', { url: world.webhooks.url, secret: world.webhooks.secret })];
const workers = await createWorkers({
  config,
  tenants,
  llmModel: await ensureGeneratedModel({ preset: 'tiny' }),
  sizing: { overrides: { llm: { threads: 1, sequences: 2 } } },
  services: loanServices({ bureauA: world.bureauA.url, bureauB: world.bureauB.url, payments: world.payments.url, paymentsKey: world.payments.apiKey }),
});
const metis = await createMetis({ ...config, tenants });
try {
  const acme = sampleTenants.acme.tenantId;
  const applicationId = uniqueId('rec-brief');
  const applicant = { applicantId: uniqueId('cust'), name: 'Priya Sharma', pan: panWithScore(790, 900), dateOfBirth: '1990-04-01', monthlyIncome: 400_000, employmentType: 'salaried' as const, phone: '9876543210' };
  await metis.tenant(acme).loans.apply({ applicationId, amount: 1_500_000, tenureMonths: 60, kycStatus: 'done', applicant });
  await metis.tenant(acme).loans.waitForDecision(applicationId);
  await waitFor(async () => ((await metis.tenant(acme).loans.brief(applicationId))?.status === 'completed' ? true : undefined), 120_000, 'the brief');
  await metis.tenant(acme).loans.review(applicationId, { outcome: 'approve', reviewer: 'uw-1', reason: 'income verified', approvedAmount: 1_200_000 });
  const handle = metis.temporal.workflow.getHandle(loanWorkflowId(acme, applicationId));
  await handle.result();
  const history = await handle.fetchHistory();
  await writeFile(new URL(`../histories/${name}.json`, import.meta.url), `${historyToJSON(history)}\n`);
  console.log(`recorded ${name}: ${history.events?.length ?? 0} events`);
} finally {
  await metis.close();
  await workers.shutdown();
  await world.close();
}
