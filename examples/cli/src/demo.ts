// The Metis demo: for each sample tenant, one applicant goes through the tenant's KYC journey
// and then applies for a loan; every step is a durable Temporal workflow you can open in the
// Web UI. Third parties (bureaus, payouts, the tenant's webhook) are simulated on loopback.
import { sampleTenants, verhoeffCheckDigit } from '@metis/fsm';
import type { JsonObject } from '@metis/fsm';
import { loadConfigFromEnv } from '@metis/sdk';
import { panWithScore } from '@metis/testing';
import { parseOptions } from './args.ts';
import { startExampleStack } from './example-stack.ts';

parseOptions('usage: npm run demo (no options)', {});

const scan = (extra: JsonObject = {}): JsonObject => ({ mime_type: 'image/jpeg', bytes: 350_000, width: 1600, height: 1000, blur_score: 0.1, brightness_score: 0.55, ...extra });
const kycSteps: Record<string, { step: string; data: JsonObject }[]> = {
  [sampleTenants.acme.tenantId]: [
    { step: 'provide_personal_details', data: { name: 'Rahul Kumar Sharma', email: 'rahul@example.com', phone: '+919876543210', date_of_birth: '1990-04-01' } },
    { step: 'provide_pan_details', data: { pan_number: 'ABCPS1234K', pan_image: scan() } },
    { step: 'provide_aadhar_details', data: { aadhar_number: `23456789012${verhoeffCheckDigit('23456789012')}`, aadhar_image: scan() } },
  ],
  [sampleTenants.zenith.tenantId]: [
    { step: 'provide_personal_details', data: { name: 'Asha Verma', email: 'asha@example.com', mobile: '9876543210', dob: '1992-02-02' } },
    { step: 'provide_pan_details', data: { pan_number: 'AAKPV4821M', pan_image: scan({ bytes: 400_000 }) } },
    { step: 'provide_bank_statement', data: { bank_statement: scan({ mime_type: 'application/pdf', bytes: 900_000 }) } },
  ],
};

const config = loadConfigFromEnv();
const stack = await startExampleStack();
try {
  for (const tenant of stack.tenants) {
    const client = stack.metis.tenant(tenant.tenantId);
    const applicantId = `demo-${crypto.randomUUID().slice(0, 8)}`;
    console.log(`\n${tenant.displayName} (${tenant.tenantId}) — applicant ${applicantId}`);
    const doc = await client.documents.upload({ kind: 'pan', body: new TextEncoder().encode(`PAN card of ${applicantId}`), contentType: 'text/plain' });
    console.log(`  document  ${doc.objectKey} recorded, DOCUMENT_UPLOADED ${doc.eventId.slice(0, 8)}…`);
    for (const { step, data } of kycSteps[tenant.tenantId] ?? []) {
      const result = await client.journeys.submit(applicantId, 'kyc', step, data, { asOf: new Date().toISOString().slice(0, 10) });
      console.log(`  kyc       ${result.from} → ${result.to}`);
    }
    let kyc = await client.journeys.get(applicantId, 'kyc');
    while (kyc.automated) {
      await new Promise((r) => setTimeout(r, 200));
      kyc = await client.journeys.get(applicantId, 'kyc');
    }
    console.log(`  kyc       automated verification → ${kyc.state}`);
    const applicationId = `loan-${crypto.randomUUID().slice(0, 8)}`;
    // A strong credit file for Acme's applicant, a middling one for Zenith's (the simulated bureaus
    // derive each file from the PAN).
    const pan = tenant.tenantId === sampleTenants.acme.tenantId ? panWithScore(790, 900) : panWithScore(705, 740);
    await client.loans.apply({
      applicationId,
      amount: 250_000,
      tenureMonths: 24,
      purpose: 'working capital',
      documents: [{ kind: 'pan', documentId: doc.documentId }],
      applicant: { applicantId, name: 'Demo Applicant', pan, dateOfBirth: '1990-04-01', monthlyIncome: 120_000, employmentType: 'salaried' },
    });
    let decision = await client.loans.waitForDecision(applicationId);
    console.log(`  loan      ${applicationId}: rules say ${decision.outcome} — ${decision.reasons[0] ?? ''}`);
    if (decision.outcome === 'manual_review') {
      const reviewed = await client.loans.review(applicationId, { outcome: 'approve', reviewer: 'demo-underwriter', reason: 'income verified by phone', approvedAmount: 200_000 });
      decision = reviewed.decision ?? decision;
      console.log(`  review    demo-underwriter: ${decision.outcome}, ₹${decision.approvedAmount ?? 250_000}`);
    }
    await stack.metis.temporal.workflow.getHandle(`loan:${tenant.tenantId}:${applicationId}`).result();
    const sent = stack.webhooks.received().filter((h) => h.body.data['applicationId'] === applicationId);
    console.log(`  webhook   ${sent.length} signed delivery to the tenant (${sent.every((h) => h.signatureValid) ? 'signature valid' : 'BAD SIGNATURE'})`);
    console.log(`  history   ${stack.metis.workflowUrl(`loan:${tenant.tenantId}:${applicationId}`)}`);
  }
  console.log(`\nTemporal Web UI: ${config.temporal.webUiUrl}/namespaces/${config.temporal.namespace}/workflows`);
} finally {
  await stack.close();
}
