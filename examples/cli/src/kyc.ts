// Walk an applicant through a tenant's KYC journey, showing the journey after each step.
//   npm run kyc -- --tenant acme-finance [--applicant ID] [--script FILE]
// Without --script it asks for each missing field; a document field takes a file path, which is
// uploaded to the tenant's prefix first (the seed's write flow). A script is
// `{ "steps": [{ "step": "...", "data": { ... }, "asOf": "2026-01-15" }] }`, where a document field
// may be `{ "file": "path" }`.
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { JsonObject, JsonValue } from '@metis/fsm';
import { documentKindForField, JourneyNotFoundError, MetisError, StepRejectedError } from '@metis/sdk';
import type { JourneyView, TenantClient, VerificationCheck } from '@metis/sdk';
import { parseOptions } from './args.ts';
import { startExampleStack } from './example-stack.ts';

const args = parseOptions('usage: npm run kyc -- [--tenant ID] [--applicant ID] [--script FILE]', {
  tenant: { type: 'string', default: 'acme-finance' },
  applicant: { type: 'string' },
  script: { type: 'string' },
});
const tenantId = args.tenant;
const applicantId = args.applicant ?? `applicant-${crypto.randomUUID().slice(0, 8)}`;
const { script } = args;
const MIME: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.pdf': 'application/pdf' };

function show(view: JourneyView): void {
  console.log(`  state: ${view.state}${view.automated ? ' (automated)' : ''}${view.status === 'done' ? ' — finished' : ''}`);
  if (view.status !== 'done' && !view.automated) console.log(`  needs: ${view.missingFields.join(', ') || '(nothing more)'}; next: ${view.nextStates.join(' | ')}`);
}

/** Print the document verification report: each cross-check, with the values compared masked. */
function showVerification(view: JourneyView): void {
  const report = view.results['document_verification'] as { checks?: VerificationCheck[] } | undefined;
  for (const c of report?.checks ?? []) console.log(`  ${c.passed ? '✔' : '✖'} ${c.document} ${c.check}: ${c.reason}${c.typed !== undefined || c.read !== undefined ? ` (typed ${c.typed ?? '—'}, read ${c.read ?? '—'})` : ''}`);
  if (view.automationError) console.log(`  verification error: ${view.automationError}`);
}

async function documentMetadata(tenant: TenantClient, field: string, path: string): Promise<JsonObject> {
  const body = new Uint8Array(await readFile(resolve(path)));
  const kind = documentKindForField(field);
  const mime = MIME[extname(path).toLowerCase()] ?? 'application/octet-stream';
  const doc = await tenant.documents.upload({ kind, body, contentType: mime });
  console.log(`  uploaded ${path} → ${doc.objectKey}`);
  return { document_id: doc.documentId, bytes: doc.sizeBytes, mime_type: mime };
}

async function resolveFiles(tenant: TenantClient, data: JsonObject): Promise<JsonObject> {
  const out: JsonObject = {};
  for (const [field, value] of Object.entries(data)) {
    const file = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, JsonValue>)['file'] : undefined;
    out[field] = typeof file === 'string' ? await documentMetadata(tenant, field, file) : value;
  }
  return out;
}

async function waitWhileAutomated(tenant: TenantClient): Promise<JourneyView> {
  for (;;) {
    const view = await tenant.journeys.get(applicantId, 'kyc');
    if (!view.automated || view.status === 'done') return view;
    await new Promise((r) => setTimeout(r, 300));
  }
}

const stack = await startExampleStack();
try {
  const tenant = stack.metis.tenant(tenantId);
  console.log(`KYC for applicant ${applicantId} of ${tenantId}`);
  let view = await tenant.journeys.get(applicantId, 'kyc').catch((e: unknown) => {
    if (e instanceof JourneyNotFoundError) return undefined;
    throw e;
  });
  if (view) show(view);
  const steps: { step: string; data: JsonObject; asOf?: string }[] = script ? (JSON.parse(await readFile(script, 'utf8')) as { steps: typeof steps }).steps : [];
  const rl = script ? undefined : createInterface({ input: process.stdin, output: process.stdout });
  for (let i = 0; !view || view.status !== 'done'; i++) {
    let step: string;
    let data: JsonObject;
    let asOf: string | undefined;
    if (script) {
      const next = steps[i];
      if (!next) break;
      ({ step, data } = next);
      asOf = next.asOf;
      data = await resolveFiles(tenant, data);
    } else {
      step = view?.state ?? (stack.tenants.find((t) => t.tenantId === tenantId) ? 'provide_personal_details' : '');
      data = {};
      const fields = view?.missingFields ?? [];
      const wanted = fields.length > 0 ? fields : (await rl?.question('fields to send (comma separated): '))?.split(',').map((f) => f.trim()).filter(Boolean) ?? [];
      for (const field of wanted) {
        const answer = (await rl?.question(`  ${field}: `)) ?? '';
        data[field] = /image|document|statement/.test(field) ? await documentMetadata(tenant, field, answer) : answer;
      }
      asOf = new Date().toISOString().slice(0, 10);
    }
    console.log(`→ ${step}`);
    try {
      const result = await tenant.journeys.submit(applicantId, 'kyc', step, data, asOf ? { asOf } : {});
      console.log(`  accepted: ${result.from} → ${result.to}`);
      view = await waitWhileAutomated(tenant);
      if (result.to === 'document_verification') showVerification(view);
      show(view);
    } catch (error) {
      if (!(error instanceof StepRejectedError)) throw error;
      console.log(`  rejected: ${error.fieldErrors.map((e) => `${e.field ?? '(step)'}: ${e.message} [${e.code}]`).join('; ')}`);
      if (script) process.exitCode = 1;
    }
  }
  rl?.close();
  console.log(`history: ${stack.metis.workflowUrl(`journey:${tenantId}:kyc:${applicantId}`)}`);
} catch (error) {
  console.error(error instanceof MetisError ? `error: ${error.message}` : error);
  process.exitCode = 1;
} finally {
  await stack.close();
}
