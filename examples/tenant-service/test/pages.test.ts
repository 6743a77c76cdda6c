// The pages in Chromium against the running service and real workers: the applicant walks acme's
// KYC journey (the OCR verification reads the sample cards), the browser's machine refuses a bad
// step before anything is sent, the service's refusal of a stale step is shown, and an
// underwriter approves a loan waiting for review.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import type { JsonObject } from '@metis/fsm';
import { panWithScore, sampleLoanApplication, uniqueId } from '@metis/testing';
import { acmeKycScript, ensurePages, fillStep, launchBrowser, openPage, sampleStep, stepRequests, waitForState } from './pages-browser.ts';
import { startTestService } from './support/service.ts';
import type { TestService } from './support/service.ts';

const ACME = 'acme-finance';
const script = acmeKycScript();
const personal = sampleStep(script, 'provide_personal_details');
const pan = sampleStep(script, 'provide_pan_details');
const aadhaar = sampleStep(script, 'provide_aadhar_details');
let service: TestService;
let browser: Browser;

before(async () => {
  ensurePages();
  service = await startTestService();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await service?.close();
});

/** Start an applicant's journey through the SDK, past the personal details. */
async function applicantAtPanStep(): Promise<string> {
  const applicantId = uniqueId('page-app');
  await service.metis.tenant(ACME).journeys.submit(applicantId, 'kyc', 'provide_personal_details', personal.values, { asOf: '2026-01-15' });
  return applicantId;
}

describe('applicant page', () => {
  test('walks acme KYC with the sample cards: uploads, verification followed to completion', async () => {
    const applicantId = uniqueId('page-app');
    const { page, context, requests, errors } = await openPage(browser, service.url, '/app/', await service.token(ACME, ['applicant'], applicantId));
    try {
      await waitForState(page, 'provide_personal_details');
      assert.equal(new URL(page.url()).hash, '', 'the token left the address bar');
      assert.ok(await page.evaluate(() => sessionStorage.getItem('metis.token')), 'the token is kept for the session');
      assert.match(await page.locator('#who').innerText(), new RegExp(`acme-finance · applicant ${applicantId}`));

      await fillStep(page, personal);
      await waitForState(page, 'provide_pan_details');
      await fillStep(page, pan);
      await waitForState(page, 'provide_aadhar_details');
      await fillStep(page, aadhaar);
      // The OCR of both cards runs on the workers; the page follows the automated state.
      await waitForState(page, 'completed', 240_000);

      assert.equal(await page.locator('#standing').getAttribute('data-status'), 'done');
      assert.match(await page.locator('#done').innerText(), /complete/);
      assert.equal(await page.locator('#report').getAttribute('data-verified'), 'true');
      assert.equal(await page.locator('#report-verdict').innerText(), 'Your documents are verified.');
      assert.ok((await page.locator('#report tr.passed').count()) > 0, 'the report lists its checks');
      assert.equal(await page.locator('#report tr.failed').count(), 0);

      const steps = stepRequests(requests);
      assert.deepEqual(steps.map((r) => (r.headers()['content-type'] ?? '').split(';')[0]), ['application/json', 'multipart/form-data', 'multipart/form-data']);
      assert.ok(steps.every((r) => r.headers()['authorization']?.startsWith('Bearer ')), 'every step carries the bearer token');
      const lastStep = requests.indexOf(steps[2] as (typeof steps)[number]);
      assert.ok(requests.slice(lastStep + 1).some((r) => r.method() === 'GET' && new URL(r.url()).pathname === `/v1/journeys/kyc/${applicantId}`), 'the page polled the automated state');

      const view = await service.metis.tenant(ACME).journeys.get(applicantId, 'kyc');
      assert.equal(view.state, 'completed');
      assert.equal(view.status, 'done');
      const verification = view.results['document_verification'] ?? {};
      assert.equal(verification['verified'], true);
      assert.ok(Array.isArray(verification['checks']) && verification['checks'].length > 0);
      assert.equal(view.data['pan_number'], pan.values['pan_number']);
      assert.equal(view.data['aadhar_number'], aadhaar.values['aadhar_number']);
      for (const [field, path] of Object.entries({ ...pan.files, ...aadhaar.files })) {
        const stored = view.data[field] as JsonObject;
        assert.equal(stored['bytes'], statSync(path).size, `${field} is the uploaded file`);
        assert.equal(stored['mime_type'], 'image/jpeg');
        assert.equal(typeof stored['document_id'], 'string');
        assert.match(stored['document_id'] as string, /^[0-9a-f-]{36}$/, 'the stored document, not the browser’s placeholder');
      }
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test("refuses a malformed PAN, another holder type and a non-image in the browser: no step is sent", async () => {
    const applicantId = await applicantAtPanStep();
    const { page, context, requests, errors } = await openPage(browser, service.url, '/app/', await service.token(ACME, ['applicant'], applicantId));
    try {
      await waitForState(page, 'provide_pan_details');
      await fillStep(page, pan, { pan_number: 'ABCPS12345' });
      await page.locator('#error-pan_number:not(:empty)').waitFor();
      assert.equal(await page.locator('#error-pan_number').innerText(), 'Enter the PAN as 5 capital letters, 4 digits and 1 capital letter, e.g. ABCPE1234F.');
      assert.equal(await page.locator('#field-pan_number').getAttribute('aria-invalid'), 'true');

      // acme accepts individuals only (holder type P): the tenant's rule parameters apply here too.
      await fillStep(page, pan, { pan_number: 'ABCCS1234K' });
      await page.locator('#error-pan_number', { hasText: 'company' }).waitFor();
      assert.equal(await page.locator('#error-pan_number').innerText(), 'This PAN belongs to a company; accepted holder types are P.');

      // A text file named like a photo: its first bytes are not a JPEG's.
      await page.fill('#field-pan_number', pan.values['pan_number'] ?? '');
      await page.setInputFiles('#field-pan_image', { name: 'pan.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('this is not a photo of a PAN card') });
      await page.click('#submit-step');
      await page.locator('#error-pan_image:not(:empty)').waitFor();
      assert.equal(await page.locator('#error-pan_image').innerText(), 'pan.jpg is not a JPEG or PNG image.');
      assert.equal(await page.locator('#error-pan_number').innerText(), '');

      await page.waitForTimeout(500);
      assert.deepEqual(stepRequests(requests).map((r) => r.url()), [], 'no step left the browser');
      assert.equal((await service.metis.tenant(ACME).journeys.get(applicantId, 'kyc')).state, 'provide_pan_details');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test("shows the service's refusal of a step the browser could not know was stale", async () => {
    const applicantId = await applicantAtPanStep();
    const { page, context, requests, errors } = await openPage(browser, service.url, '/app/', await service.token(ACME, ['applicant'], applicantId));
    try {
      await waitForState(page, 'provide_pan_details');
      // The lender's backend sends the PAN step while the page still shows it: only the service knows.
      const [panImage] = Object.values(pan.files);
      await service.metis.tenant(ACME).journeys.submit(applicantId, 'kyc', 'provide_pan_details', pan.values, {
        documents: { pan_image: { kind: 'pan', body: readFileSync(panImage ?? ''), contentType: 'image/jpeg' } },
      });
      const answer = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/v1/journeys/kyc/${applicantId}/steps`));
      await fillStep(page, pan);
      assert.equal((await answer).status(), 422);
      const notice = page.locator('#notice[data-code="STEP_REJECTED"]');
      await notice.waitFor();
      assert.match(await notice.innerText(), /^The service refused the step/);
      assert.match(await notice.innerText(), /The event is for state "provide_pan_details" but the journey is in "provide_aadhar_details"\./);
      // The page reads the journey again and offers the step it is really at.
      await waitForState(page, 'provide_aadhar_details');
      assert.equal(await page.locator('#step-form').getAttribute('data-step'), 'provide_aadhar_details');
      assert.equal(stepRequests(requests).length, 1);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});

describe('underwriter page', () => {
  test('approves a loan waiting for review with a reason; the decision is the underwriter’s', async () => {
    const application = sampleLoanApplication(panWithScore(690, 720), { applicationId: uniqueId('page-loan') }, { applicantId: uniqueId('page-cust') });
    const loans = service.metis.tenant(ACME).loans;
    await loans.apply(application);
    assert.equal((await loans.waitForDecision(application.applicationId, { timeoutMs: 120_000 })).outcome, 'manual_review');

    const subject = uniqueId('uw');
    const { page, context, requests, errors } = await openPage(browser, service.url, '/underwriter/', await service.token(ACME, ['underwriter'], subject));
    try {
      const card = page.locator(`article.review[data-application="${application.applicationId}"]`);
      await card.waitFor();
      assert.match(await card.locator('h2').innerText(), /₹3,00,000/);
      // The list holds written briefs only; a card without one asks its review where the brief stands.
      const shown = async (): Promise<string> => (await card.locator('[data-brief]').getAttribute('data-brief')) ?? '';
      if ((await shown()) === 'pending') {
        const status = page.waitForResponse((r) => r.request().method() === 'GET' && r.url().endsWith(`/v1/reviews/${application.applicationId}`));
        await card.locator('[data-action="brief-status"]').click();
        assert.equal((await status).status(), 200);
        const { brief } = (await (await status).json()) as { brief: { status: string } | null };
        await card.locator(`[data-brief="${brief?.status ?? 'none'}"]`).waitFor();
      }
      assert.ok(['pending', 'completed', 'unavailable', 'failed'].includes(await shown()), 'the brief is shown as it stands');

      await card.locator('button[data-outcome="approve"]').click();
      assert.equal(await card.locator('.field-error').innerText(), 'Give a reason for the decision.');
      const decisions = () => requests.filter((r) => r.method() === 'POST' && r.url().endsWith(`/v1/reviews/${application.applicationId}/decision`));
      assert.equal(decisions().length, 0, 'no decision without a reason');

      const reason = 'verified salary slips, stable employer';
      await card.locator('textarea').fill(reason);
      await card.locator('button[data-outcome="approve"]').click();
      await page.locator('#notice', { hasText: `Approved ${application.applicationId}.` }).waitFor();
      await card.waitFor({ state: 'detached' });
      assert.deepEqual(JSON.parse(decisions()[0]?.postData() ?? '{}'), { outcome: 'approve', reason });

      const view = await loans.get(application.applicationId);
      assert.equal(view.decision?.outcome, 'approve');
      assert.equal(view.decision?.decidedBy, `underwriter:${subject}`);
      assert.ok(view.decision?.reasons.includes(`Manual review by underwriter:${subject}: ${reason} → approve`), view.decision?.reasons.join('\n'));
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
