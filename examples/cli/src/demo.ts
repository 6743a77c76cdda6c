// The Metis demo: for each sample tenant, one applicant goes through the tenant's KYC journey with
// generated card photos that Metis reads by OCR and cross-checks with what the applicant typed,
// then through the tenant's loan journey, whose underwriting state runs loan processing (bureau
// waterfall, the tenant's registered risk model, its rules, a review with an LLM brief, the payout)
// as a child workflow. Every step is a durable Temporal workflow you can open in the Web UI. Third
// parties (bureaus, payouts, the tenant's webhook) are simulated on loopback.
import { sampleTenants } from '@metis/fsm';
import type { JsonObject } from '@metis/fsm';
import { loadConfigFromEnv } from '@metis/sdk';
import type { JourneyView, StepDocument, TenantClient, VerificationCheck } from '@metis/sdk';
import { generateDocument, panWithScore, waitFor } from '@metis/testing';
import type { GeneratedDocument, PanTruth } from '@metis/testing';
import { parseOptions } from './args.ts';
import { startExampleStack } from './example-stack.ts';

parseOptions('usage: npm run demo (no options)', {});

const today = new Date().toISOString().slice(0, 10);
const titleCase = (name: string): string => name.toLowerCase().replace(/\b\p{L}/gu, (c) => c.toUpperCase());
const file = (doc: GeneratedDocument, kind: 'pan' | 'aadhar' | 'bank-statements'): StepDocument => ({ kind, body: doc.bytes, contentType: doc.mimeType, metadata: { width: doc.width, height: doc.height } });

/** The applicant of a tenant: a bank statement, and a PAN card of the same person whose bureau file has the given score range. */
async function applicantDocuments(tenantId: string, score: readonly [number, number]) {
  const statement = await generateDocument({ type: 'bank_statement', seed: `demo-${tenantId}-statement`, condition: 'flatbed' });
  const holder = (statement.truth.fields as { accountHolder: string }).accountHolder;
  const pan = await generateDocument({ type: 'pan', seed: `demo-${tenantId}-pan`, condition: 'white_table', overrides: { name: holder.toUpperCase(), pan: panWithScore(...score), dateOfBirth: '1990-04-01' } });
  const truth = pan.truth.fields as PanTruth;
  const aadhaar = await generateDocument({ type: 'aadhaar', seed: `demo-${tenantId}-aadhaar`, condition: 'table', overrides: { name: titleCase(holder), dateOfBirth: truth.dateOfBirth } });
  return { statement, pan, aadhaar, truth, aadhaarNumber: (aadhaar.truth.fields as { aadhaarNumber: string }).aadhaarNumber };
}

async function untilSettled(client: TenantClient, applicantId: string, type: string, state: string): Promise<JourneyView> {
  return waitFor(async () => {
    const view = await client.journeys.get(applicantId, type);
    return view.state !== state && !view.automationRunning ? view : undefined;
  }, 600_000, `${type} of ${applicantId} to leave ${state}`);
}

function printChecks(view: JourneyView): void {
  const report = view.results['document_verification'] as { checks?: VerificationCheck[]; documents?: { field: string; type: string; confidence: number }[] } | undefined;
  for (const d of report?.documents ?? []) console.log(`  ocr       ${d.field}: read as ${d.type} (confidence ${d.confidence.toFixed(2)})`);
  for (const c of report?.checks ?? []) {
    const compared = c.typed !== undefined || c.read !== undefined ? ` typed ${c.typed ?? '—'} / read ${c.read ?? '—'}` : '';
    console.log(`  check     ${c.passed ? '✔' : '✖'} ${c.document} ${c.check}: ${c.reason}${compared}${c.score !== undefined ? ` score ${c.score}` : ''}`);
  }
}

const config = loadConfigFromEnv();
const stack = await startExampleStack();
try {
  console.log(`Underwriter briefs: ${stack.llm.path}${stack.llm.generated ? ' — a generated test model: its words mean nothing, its mechanics (grammar, batching, heartbeats) are real; set METIS_LLM_MODEL to a real GGUF' : ''}`);
  const plans = [
    { tenant: sampleTenants.acme.tenantId, score: [790, 900] as const, amount: 250_000 },
    { tenant: sampleTenants.zenith.tenantId, score: [770, 800] as const, amount: 300_000 },
  ];
  for (const plan of plans) {
    const tenant = stack.tenants.find((t) => t.tenantId === plan.tenant);
    if (!tenant) continue;
    const client = stack.metis.tenant(tenant.tenantId);
    const applicantId = `demo-${crypto.randomUUID().slice(0, 8)}`;
    console.log(`\n${tenant.displayName} (${tenant.tenantId}) — applicant ${applicantId}`);
    const docs = await applicantDocuments(tenant.tenantId, plan.score);
    const { truth } = docs;
    // The applicant types the name in lower case: the match is tolerant, the PAN and date exact.
    const name = truth.name.toLowerCase();
    const acme = tenant.tenantId === sampleTenants.acme.tenantId;
    const kycSteps: { step: string; data: JsonObject; documents?: Record<string, StepDocument> }[] = acme
      ? [
          { step: 'provide_personal_details', data: { name, email: 'applicant@example.com', phone: '+919876543210', date_of_birth: truth.dateOfBirth } },
          { step: 'provide_pan_details', data: { pan_number: truth.pan }, documents: { pan_image: file(docs.pan, 'pan') } },
          { step: 'provide_aadhar_details', data: { aadhar_number: docs.aadhaarNumber }, documents: { aadhar_image: file(docs.aadhaar, 'aadhar') } },
        ]
      : [
          { step: 'provide_personal_details', data: { name, email: 'applicant@example.com', mobile: '9876543210', dob: truth.dateOfBirth } },
          { step: 'provide_pan_details', data: { pan_number: truth.pan }, documents: { pan_image: { ...file(docs.pan, 'pan'), metadata: { width: docs.pan.width, height: docs.pan.height, blur_score: 0.1, brightness_score: 0.6 } } } },
          { step: 'provide_bank_statement', data: {}, documents: { bank_statement: file(docs.statement, 'bank-statements') } },
        ];
    for (const { step, data, documents } of kycSteps) {
      const result = await client.journeys.submit(applicantId, 'kyc', step, data, { asOf: today, ...(documents ? { documents } : {}) });
      console.log(`  kyc       ${result.from} → ${result.to}`);
    }
    const kyc = await untilSettled(client, applicantId, 'kyc', 'document_verification');
    printChecks(kyc);
    console.log(`  kyc       document_verification → ${kyc.state}`);

    // The loan journey: the underwriting state runs loan processing as a child workflow.
    const loan = client.journeys;
    await loan.submit(applicantId, 'loan', 'application', {
      name,
      pan_number: truth.pan,
      date_of_birth: truth.dateOfBirth,
      phone: '9876543210',
      loan_amount: plan.amount,
      tenure_months: 24,
      purpose: 'working capital',
      monthly_income: 120_000,
      existing_emis: 8_000,
      employment_type: 'salaried',
      employment_years: 6,
      accept_terms: true,
    });
    // Zenith's rules want the client's quality scores with every image (its page measured them before upload).
    const scored = { ...file(docs.statement, 'bank-statements'), metadata: { width: docs.statement.width, height: docs.statement.height, blur_score: 0.1, brightness_score: 0.7 } };
    await loan.submit(applicantId, 'loan', 'documents', {}, { documents: { bank_statement: scored } });
    console.log('  loan      application → documents → underwriting (loan processing as a child workflow)');
    const applicationId = `journey-${applicantId}`;
    // The underwriting state starts the loan once it has read the KYC status.
    await waitFor(() => client.loans.get(applicationId).then(() => true, () => undefined), 60_000, 'the loan to start');
    const decided = await client.loans.waitForDecision(applicationId);
    const view = await client.loans.get(applicationId);
    if (view.risk) {
      const top = Object.entries(view.risk.contributingFactors).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1])).slice(0, 3);
      console.log(`  risk      ${view.risk.riskCategory} ${view.risk.riskScore.toFixed(3)} by model ${view.risk.modelVersion}; top factors ${top.map(([f, v]) => `${f} ${v >= 0 ? '+' : ''}${v.toFixed(3)}`).join(', ')}`);
    }
    if (view.credit) console.log(`  bureau    score ${view.credit.score} from ${view.credit.provider}`);
    console.log(`  rules     ${decided.outcome} — ${decided.reasons.join('; ')}`);
    if (decided.outcome === 'manual_review') {
      const brief = await waitFor(async () => {
        const b = await client.loans.brief(applicationId);
        return b && b.status !== 'pending' ? b : undefined;
      }, 300_000, 'the brief');
      if (brief.status === 'completed') {
        console.log(`  brief     ${stack.llm.generated ? '(generated model: words without meaning) ' : ''}summary: ${brief.brief.brief.summary.slice(0, 160)}`);
        console.log(`  brief     flags: ${brief.brief.brief.flags.map((f) => `${f.flag} [${f.fields.join(', ')}]`).join('; ') || '(none)'}; questions: ${brief.brief.brief.questions.length}`);
      } else console.log(`  brief     ${brief.status}: ${brief.status === 'failed' ? brief.error : brief.status === 'unavailable' ? brief.reason : ''}`);
      const reviewed = await client.loans.review(applicationId, { outcome: 'approve', reviewer: 'demo-underwriter', reason: 'income verified by phone', approvedAmount: 200_000 });
      console.log(`  review    demo-underwriter: ${reviewed.decision?.outcome ?? '?'}, ₹${reviewed.decision?.approvedAmount ?? plan.amount}`);
    }
    const finished = await untilSettled(client, applicantId, 'loan', 'underwriting');
    console.log(`  loan      underwriting → ${finished.state}`);
    const sent = stack.webhooks.received().filter((h) => h.body.data['applicationId'] === applicationId);
    console.log(`  webhook   ${sent.length} signed delivery to the tenant (${sent.every((h) => h.signatureValid) ? 'signature valid' : 'BAD SIGNATURE'})`);
    console.log(`  history   ${stack.metis.workflowUrl(`loan:${tenant.tenantId}:${applicationId}`)}`);
  }
  console.log(`\nTemporal Web UI: ${config.temporal.webUiUrl}/namespaces/${config.temporal.namespace}/workflows`);
} finally {
  await stack.close();
}
