// The service's routes end to end, on real workers: each route's happy path through a key or a
// token, and another tenant's journey, loan, document and review answered 404.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { panWithScore, sampleLoanApplication, uniqueId, waitFor } from '@metis/testing';
import { call, sampleDocument } from './support/http.ts';
import { startTestService } from './support/service.ts';
import type { TestService } from './support/service.ts';

const ACME = 'acme-finance';
const ZENITH = 'zenith-microfinance';
let service: TestService;
let acmeKey: string;
let zenithKey: string;

const application = sampleLoanApplication;

const personal = { name: 'Rahul Kumar Sharma', email: 'rahul@example.com', phone: '+919876543210', date_of_birth: '1990-04-01' };

before(async () => {
  service = await startTestService();
  acmeKey = await service.key(ACME);
  zenithKey = await service.key(ZENITH);
});
after(async () => {
  await service?.close();
});

describe('the contract', () => {
  test('GET /healthz, /openapi.json and /docs answer without a credential', async () => {
    const health = await call(service.url, 'GET', '/healthz');
    assert.equal(health.status, 200);
    assert.deepEqual(health.body, { status: 'ok' });
    const openapi = await call(service.url, 'GET', '/openapi.json');
    assert.equal(openapi.status, 200);
    assert.equal(openapi.body['openapi'], '3.1.0');
    const paths = Object.keys(openapi.body['paths'] as object);
    for (const p of ['/v1/journeys/{type}/{applicantId}', '/v1/journeys/{type}/{applicantId}/steps', '/v1/loans', '/v1/reviews', '/v1/dead-letters', '/v1/documents']) assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`);
    const docs = await fetch(`${service.url}/docs`, { redirect: 'follow' });
    assert.equal(docs.status, 200);
    assert.match(await docs.text(), /swagger/i);
  });

  test('an unknown route is a problem+json 404', async () => {
    const r = await call(service.url, 'GET', '/v1/nothing-here', { key: acmeKey });
    assert.equal(r.status, 404);
    assert.equal(r.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    assert.equal(r.body['code'], 'NOT_FOUND');
  });
});

describe('journeys', () => {
  test('a key submits JSON steps and a multipart step with the PAN image; the view follows; another tenant gets 404', async () => {
    const applicantId = uniqueId('applicant');
    const me = await call(service.url, 'GET', '/v1/me', { key: acmeKey });
    assert.equal(me.body['tenantId'], ACME);
    assert.deepEqual(me.body['roles'], ['service']);
    const config = await call(service.url, 'GET', '/v1/journey-configs/kyc', { key: acmeKey });
    assert.equal(config.body['version'], 'acme-2025.2');

    assert.equal((await call(service.url, 'GET', `/v1/journeys/kyc/${applicantId}`, { key: acmeKey })).status, 404, 'no journey yet');
    const first = await call(service.url, 'POST', `/v1/journeys/kyc/${applicantId}/steps`, { key: acmeKey, json: { step: 'provide_personal_details', data: personal } });
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body['to'], 'provide_pan_details');

    const form = new FormData();
    form.set('step', 'provide_pan_details');
    form.set('data', JSON.stringify({ pan_number: 'ABCPS1234K' }));
    form.set('pan_image', new Blob([await sampleDocument('acme-pan.jpg')], { type: 'image/jpeg' }), 'pan.jpg');
    const second = await call(service.url, 'POST', `/v1/journeys/kyc/${applicantId}/steps`, { key: acmeKey, body: form });
    assert.equal(second.status, 200, second.text);
    assert.equal(second.body['to'], 'provide_aadhar_details');

    const view = await call(service.url, 'GET', `/v1/journeys/kyc/${applicantId}`, { key: acmeKey });
    assert.equal(view.status, 200);
    assert.equal(view.body['state'], 'provide_aadhar_details');
    const panImage = (view.body['data'] as Record<string, Record<string, unknown>>)['pan_image'];
    assert.equal(panImage?.['mime_type'], 'image/jpeg');
    assert.equal(typeof panImage?.['document_id'], 'string');

    const fromZenith = await call(service.url, 'GET', `/v1/journeys/kyc/${applicantId}`, { key: zenithKey });
    assert.equal(fromZenith.status, 404, "another tenant's journey is not found, not forbidden");
    assert.equal(fromZenith.body['code'], 'NOT_FOUND');
    // Applicant ids are the tenant's own: zenith's step goes to zenith's applicant of that id, whose
    // journey has not started, and is refused there; acme's journey is not touched.
    const stepFromZenith = await call(service.url, 'POST', `/v1/journeys/kyc/${applicantId}/steps`, { key: zenithKey, json: { step: 'provide_pan_details', data: { pan_number: 'ABCPS1234K' } } });
    assert.equal(stepFromZenith.status, 422, stepFromZenith.text);
    assert.equal((await call(service.url, 'GET', `/v1/journeys/kyc/${applicantId}`, { key: zenithKey })).status, 404, 'and no zenith journey was started by the refused step');
    const still = await service.metis.tenant(ACME).journeys.get(applicantId, 'kyc');
    assert.equal(still.state, 'provide_aadhar_details', "zenith's request changed nothing in acme's journey");
  });

  test('an applicant token reads and steps its own journey only; a refused step is a 422 with field errors', async () => {
    const applicantId = uniqueId('applicant');
    const token = await service.token(ACME, ['applicant'], applicantId);
    const rejected = await call(service.url, 'POST', `/v1/journeys/kyc/${applicantId}/steps`, { token, json: { step: 'provide_personal_details', data: { ...personal, email: 'not-an-email' } } });
    assert.equal(rejected.status, 422);
    assert.equal(rejected.body['code'], 'STEP_REJECTED');
    const errors = rejected.body['errors'] as { field: string; code: string }[];
    assert.ok(errors.some((e) => e.field === 'email'), JSON.stringify(errors));
    const ok = await call(service.url, 'POST', `/v1/journeys/kyc/${applicantId}/steps`, { token, json: { step: 'provide_personal_details', data: personal } });
    assert.equal(ok.status, 200, ok.text);
    const journey = await call(service.url, 'GET', `/v1/journeys/kyc/${applicantId}`, { token });
    assert.equal(journey.body['state'], 'provide_pan_details');
    const history = await service.metis.tenant(ACME).journeys.get(applicantId, 'kyc');
    assert.equal(history.steps, 1);

    const other = uniqueId('applicant');
    await call(service.url, 'POST', `/v1/journeys/kyc/${other}/steps`, { key: acmeKey, json: { step: 'provide_personal_details', data: personal } });
    assert.equal((await call(service.url, 'GET', `/v1/journeys/kyc/${other}`, { token })).status, 404, "another applicant's journey is not found");
    assert.equal((await call(service.url, 'POST', `/v1/journeys/kyc/${other}/steps`, { token, json: { step: 'provide_pan_details', data: {} } })).status, 404);
  });
});

describe('documents', () => {
  test('an image is uploaded and read back through its link; a text file is refused and nothing is stored; another tenant gets 404', async () => {
    const image = await sampleDocument('bank-statement.jpg');
    const form = new FormData();
    form.set('kind', 'bank-statements');
    form.set('file', new Blob([image], { type: 'image/jpeg' }), 'statement.jpg');
    const uploaded = await call(service.url, 'POST', '/v1/documents', { key: acmeKey, body: form });
    assert.equal(uploaded.status, 201, uploaded.text);
    assert.equal(uploaded.body['sha256'], createHash('sha256').update(image).digest('hex'));
    const documentId = String(uploaded.body['documentId']);

    const read = await call(service.url, 'GET', `/v1/documents/${documentId}`, { key: acmeKey });
    assert.equal(read.status, 200, read.text);
    assert.equal(read.body['kind'], 'bank-statements');
    const bytes = new Uint8Array(await (await fetch(String(read.body['downloadUrl']))).arrayBuffer());
    assert.equal(createHash('sha256').update(bytes).digest('hex'), uploaded.body['sha256']);

    const fromZenith = await call(service.url, 'GET', `/v1/documents/${documentId}`, { key: zenithKey });
    assert.equal(fromZenith.status, 404);

    const fake = new FormData();
    fake.set('kind', 'pan');
    fake.set('file', new Blob(['%PDF-1.7 not an image'], { type: 'image/jpeg' }), 'pan.jpg');
    const refused = await call(service.url, 'POST', '/v1/documents', { key: acmeKey, body: fake });
    assert.equal(refused.status, 415);
    assert.equal(refused.body['code'], 'UNSUPPORTED_MEDIA_TYPE');
  });
});

describe('loans and reviews', () => {
  test('a key applies, reads and waits for the decision; zenith gets 404 for acme loans', async () => {
    const app = application(panWithScore(780, 900));
    const applied = await call(service.url, 'POST', '/v1/loans', { key: acmeKey, json: app });
    assert.equal(applied.status, 202, applied.text);
    assert.equal(applied.body['started'], true);
    const again = await call(service.url, 'POST', '/v1/loans', { key: acmeKey, json: app });
    assert.equal(again.body['started'], false, 'the same application id starts nothing new');
    const decided = await call(service.url, 'GET', `/v1/loans/${app.applicationId}/decision?waitMs=30000`, { key: acmeKey });
    assert.equal(decided.status, 200, decided.text);
    const decision = decided.body['decision'] as { outcome: string; decidedBy: string };
    assert.ok(['approve', 'reject', 'manual_review'].includes(decision.outcome), decided.text);
    const view = await call(service.url, 'GET', `/v1/loans/${app.applicationId}`, { key: acmeKey });
    assert.equal(view.body['applicationId'], app.applicationId);
    assert.equal((await call(service.url, 'GET', `/v1/loans/${app.applicationId}`, { key: zenithKey })).status, 404);
    assert.equal((await call(service.url, 'GET', `/v1/loans/${app.applicationId}/decision`, { key: zenithKey })).status, 404);
  });

  test('an underwriter lists a loan in manual review with its brief and approves it; zenith cannot see or decide it', async () => {
    const app = application(panWithScore(790, 900), { amount: 1_500_000, tenureMonths: 60 });
    await service.metis.tenant(ACME).loans.apply({ ...app, applicant: { ...app.applicant, monthlyIncome: 400_000 } });
    const proposal = await service.metis.tenant(ACME).loans.waitForDecision(app.applicationId);
    assert.equal(proposal.outcome, 'manual_review', 'a high-value loan goes to a person');
    const underwriter = await service.token(ACME, ['underwriter'], 'priya');
    let last = '';
    const list = await waitFor(async () => {
      const r = await call(service.url, 'GET', '/v1/reviews', { token: underwriter });
      last = `${r.status} ${r.text.slice(0, 500)}`;
      const found = (r.body['reviews'] as { applicationId: string }[] | undefined)?.find((x) => x.applicationId === app.applicationId);
      return found ? r : undefined;
    }, 90_000).catch((error: unknown) => assert.fail(`${String(error)}; last reply ${last}`));
    assert.equal(list.status, 200);
    const one = await call(service.url, 'GET', `/v1/reviews/${app.applicationId}`, { token: underwriter });
    assert.equal(one.status, 200);
    assert.ok(one.body['brief'] === null || typeof one.body['brief'] === 'object');

    const zenithUnderwriter = await service.token(ZENITH, ['underwriter'], 'ravi');
    const zenithList = await call(service.url, 'GET', '/v1/reviews', { token: zenithUnderwriter });
    assert.ok(!(zenithList.body['reviews'] as { applicationId: string }[]).some((x) => x.applicationId === app.applicationId));
    assert.equal((await call(service.url, 'GET', `/v1/reviews/${app.applicationId}`, { token: zenithUnderwriter })).status, 404);
    assert.equal((await call(service.url, 'POST', `/v1/reviews/${app.applicationId}/decision`, { token: zenithUnderwriter, json: { outcome: 'reject', reason: 'not mine' } })).status, 404);

    const decided = await call(service.url, 'POST', `/v1/reviews/${app.applicationId}/decision`, { token: underwriter, json: { outcome: 'approve', reason: 'income verified by phone' } });
    assert.equal(decided.status, 200, decided.text);
    const final = await service.metis.tenant(ACME).loans.waitForDecision(app.applicationId);
    assert.equal(final.outcome, 'approve');
    assert.equal(final.decidedBy, 'underwriter:priya');
    const twice = await call(service.url, 'POST', `/v1/reviews/${app.applicationId}/decision`, { token: underwriter, json: { outcome: 'reject', reason: 'changed my mind' } });
    assert.equal(twice.status, 409, 'a decided loan takes no second decision');
  });

  test('ops list a dead-lettered loan and retry it; the loan is then disbursed', async () => {
    service.simulators.payments.setFaults({ refuse: true });
    const app = application(panWithScore(780, 900));
    let letterId: string;
    const ops = await service.token(ACME, ['ops'], 'oncall');
    try {
      await service.metis.tenant(ACME).loans.apply(app);
      // The tenant's model may send it to a person first: an underwriter approves it, then the payout is refused.
      const proposal = await service.metis.tenant(ACME).loans.waitForDecision(app.applicationId);
      if (proposal.outcome === 'manual_review') await service.metis.tenant(ACME).loans.review(app.applicationId, { outcome: 'approve', reviewer: 'underwriter:test', reason: 'approved for the payout test' });
      const handle = service.metis.temporal.workflow.getHandle(`loan:${ACME}:${app.applicationId}`);
      await handle.result().catch(() => undefined);
      let last = '';
      const listed = await waitFor(async () => {
        const r = await call(service.url, 'GET', '/v1/dead-letters', { token: ops });
        last = `${r.status} ${r.text.slice(0, 500)}`;
        return (r.body['deadLetters'] as { deadLetterId: string; workflowId: string }[] | undefined)?.find((d) => d.workflowId.endsWith(app.applicationId));
      }, 90_000).catch((error: unknown) => assert.fail(`${String(error)}; last reply ${last}`));
      letterId = listed.deadLetterId;
    } finally {
      service.simulators.payments.setFaults({});
    }
    assert.equal((await call(service.url, 'GET', '/v1/dead-letters', { key: acmeKey })).status, 403, 'a service key is not ops');
    const zenithOps = await service.token(ZENITH, ['ops'], 'oncall');
    assert.equal((await call(service.url, 'POST', `/v1/dead-letters/${letterId}/retry`, { token: zenithOps })).status, 404);
    const retried = await call(service.url, 'POST', `/v1/dead-letters/${letterId}/retry`, { token: ops });
    assert.equal(retried.status, 202, retried.text);
    // The retry runs the application again from its input, review included.
    const again = await service.metis.tenant(ACME).loans.waitForDecision(app.applicationId);
    if (again.outcome === 'manual_review') await service.metis.tenant(ACME).loans.review(app.applicationId, { outcome: 'approve', reviewer: 'underwriter:test', reason: 'approved again after the retry' });
    const view = await waitFor(async () => {
      const v = await service.metis.tenant(ACME).loans.get(app.applicationId);
      return v.stage === 'done' ? v : undefined;
    }, 60_000);
    assert.equal(view.decision?.outcome, 'approve');
    assert.equal((await call(service.url, 'POST', `/v1/dead-letters/${letterId}/retry`, { token: ops })).status, 409, 'a retried dead letter is closed');
  });

  test('a loan whose workflow no worker answers is a 503 within the query limit, not a hung request', async () => {
    const app = await service.build({ limits: { queryMs: 1_000 } });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const applicationId = uniqueId('orphan');
    const handle = await service.metis.temporal.workflow.start('loanProcessingWorkflow', { workflowId: `loan:${ACME}:${applicationId}`, taskQueue: uniqueId('no-worker'), args: [{}] });
    try {
      const started = Date.now();
      const r = await call(url, 'GET', `/v1/loans/${applicationId}`, { key: acmeKey });
      assert.equal(r.status, 503, r.text);
      assert.equal(r.body['code'], 'UNAVAILABLE');
      assert.equal(r.body['reason'], 'WORKFLOW_UNRESPONSIVE');
      assert.ok(Date.now() - started < 5_000, `answered in ${Date.now() - started} ms`);
    } finally {
      await handle.terminate('test over');
      await app.close();
    }
  });
});
