// Submit a loan application and show each workflow step as it completes, then the decision.
//   npm run loan -- --tenant acme-finance [--file application.json] [--statement statement.jpg]
//     [--amount 300000] [--tenure 36] [--income 100000] [--pan ABCPS1234K] [--review approve|reject]
// A bank statement given with --statement is uploaded to the tenant's prefix and attached: Metis reads
// it and checks its account holder against the applicant's name (a loan without documents goes to review).
// (--applicant, --name and --dob set the rest of the applicant; --help prints the usage line)
import { readFile } from 'node:fs/promises';
import type { LoanApplication } from '@metis/activities/loans';
import { MetisError } from '@metis/sdk';
import type { LoanView } from '@metis/sdk';
import { numberOption, parseOptions, usageError } from './args.ts';
import { startExampleStack } from './example-stack.ts';

const USAGE =
  'usage: npm run loan -- [--tenant ID] [--file application.json] [--amount N] [--tenure MONTHS] [--income N] ' +
  '[--applicant ID] [--name NAME] [--pan PAN] [--dob YYYY-MM-DD] [--statement FILE] [--review approve|reject]';
const args = parseOptions(USAGE, {
  tenant: { type: 'string', default: 'acme-finance' },
  file: { type: 'string' },
  amount: { type: 'string' },
  tenure: { type: 'string' },
  income: { type: 'string' },
  applicant: { type: 'string' },
  name: { type: 'string', default: 'Priya Sharma' },
  pan: { type: 'string', default: 'ABCPS1234K' },
  dob: { type: 'string', default: '1990-04-01' },
  review: { type: 'string' },
  statement: { type: 'string' },
});
const { file, review } = args;
if (review !== undefined && review !== 'approve' && review !== 'reject') usageError(USAGE, `--review must be approve or reject, not ${JSON.stringify(review)}`);
const tenantId = args.tenant;
let application: LoanApplication = file
  ? (JSON.parse(await readFile(file, 'utf8')) as LoanApplication)
  : {
      applicationId: `loan-${crypto.randomUUID().slice(0, 8)}`,
      amount: numberOption(USAGE, 'amount', args.amount, 300_000),
      tenureMonths: numberOption(USAGE, 'tenure', args.tenure, 36),
      purpose: 'home improvement',
      kycStatus: 'done',
      applicant: {
        applicantId: args.applicant ?? `applicant-${crypto.randomUUID().slice(0, 8)}`,
        name: args.name,
        pan: args.pan,
        dateOfBirth: args.dob,
        monthlyIncome: numberOption(USAGE, 'income', args.income, 100_000),
        employmentType: 'salaried',
      },
    };

const stack = await startExampleStack();
try {
  const tenant = stack.metis.tenant(tenantId);
  const loans = tenant.loans;
  if (args.statement) {
    const doc = await tenant.documents.upload({ kind: 'bank-statements', body: new Uint8Array(await readFile(args.statement)), contentType: args.statement.endsWith('.png') ? 'image/png' : 'image/jpeg' });
    console.log(`uploaded ${args.statement} → ${doc.objectKey}`);
    application = { ...application, documents: [...(application.documents ?? []), { kind: 'bank-statements', documentId: doc.documentId }] };
  }
  const { workflowId } = await loans.apply(application);
  console.log(`application ${application.applicationId}: ₹${application.amount} over ${application.tenureMonths} months (${workflowId})`);
  let shown = 0;
  const progress = (view: LoanView): void => {
    for (const s of view.steps.slice(shown)) console.log(`  ✓ ${s.step.padEnd(13)} ${s.detail}`);
    shown = view.steps.length;
  };
  let decision = await loans.waitForDecision(application.applicationId, { onProgress: progress, pollMs: 150 });
  if (decision.outcome === 'manual_review' && (review === 'approve' || review === 'reject')) {
    console.log(`  … waiting for review; reviewer says ${review}`);
    const view = await loans.review(application.applicationId, { outcome: review, reviewer: 'cli-reviewer', reason: 'reviewed from the CLI' });
    decision = view.decision ?? decision;
  }
  for (;;) {
    const view = await loans.get(application.applicationId);
    progress(view);
    if (view.stage === 'done' || view.stage === 'failed' || view.stage === 'review') break;
    await new Promise((r) => setTimeout(r, 150));
  }
  console.log(`decision: ${decision.outcome.toUpperCase()} (confidence ${decision.confidence.toFixed(2)}, by ${decision.decidedBy})`);
  for (const r of decision.reasons) console.log(`  - ${r}`);
  for (const c of decision.conditions) console.log(`  condition: ${c}`);
  console.log(`history: ${stack.metis.workflowUrl(workflowId)}`);
} catch (error) {
  console.error(error instanceof MetisError ? `error: ${error.message}` : error);
  process.exitCode = 1;
} finally {
  await stack.close();
}
