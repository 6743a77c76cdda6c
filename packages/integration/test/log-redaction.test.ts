// Logs are JSON lines with personal data redacted: a log call given PII comes out redacted, and
// the logs of a whole KYC journey (typed data, uploaded cards read by OCR) and a loan, written at
// `debug` by the workers, their workflows and activities, Temporal's core and the client, hold
// none of the values the applicant typed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { log } from '@temporalio/activity';
import { createMetisLogger } from '@metis/activities/logging';
import type { MetisLogger } from '@metis/activities/logging';
import { sampleTenants } from '@metis/fsm';
import { createMetis } from '@metis/sdk';
import type { JourneyView, Metis } from '@metis/sdk';
import { createWorkers } from '@metis/worker';
import type { MetisWorkers } from '@metis/worker';
import { generateDocument, testConfig, uniqueId, waitFor } from '@metis/testing';
import type { AadhaarTruth, GeneratedDocument, PanTruth } from '@metis/testing';
import { loanServices, panWithScore, startLoanWorld, testDocumentCheck, testTenant } from './support/loan-services.ts';
import type { LoanWorld } from './support/loan-services.ts';

/** A destination that keeps every line written to it. */
function capture(): { lines: string[]; write(line: string): void } {
  const lines: string[] = [];
  return { lines, write: (chunk: string) => void lines.push(...chunk.split('\n').filter((l) => l.length > 0)) };
}

describe('log redaction', () => {
  test('a log call given PII in its message and in nested metadata writes it redacted', () => {
    const out = capture();
    const log = createMetisLogger({ level: 'debug', destination: out, piiFields: ['mother_maiden_name'] });
    log.info('applicant rahul.sharma@example.com, PAN ABCDE1234F, Aadhaar 2345 6789 0123, mobile +91 98765 43210', {
      journey: 'kyc',
      applicant: {
        name: 'Rahul Kumar Sharma',
        contact: { email: 'rahul@example.com', phone: '+919876543210', city: 'Pune' },
        documents: [{ kind: 'pan', pan_number: 'ABCDE1234F' }, { kind: 'aadhaar', note: 'number 234567890123 on the back' }],
        dateOfBirth: '1990-04-01',
        motherMaidenName: 'Devi',
      },
      headers: { Authorization: 'Bearer abc.def', 'x-request-id': 'r-1', 'x-api-key': 'k-123', 'set-cookie': ['sid=abc'] },
      workflowId: 'journey:acme:kyc:cust-9876543210',
      error: new Error('lookup failed for 9876543210'),
      body: '{"email":"a@b.in","amount":300000}',
      numbers: { first: 9876543210, second: 234567890123, amount: 300000, at: 1764590400000, altMobile: 9876543210 },
      time: 'yesterday',
    });
    log.debug('debug is on');
    log.trace('trace is off');
    log.flush();
    assert.equal(out.lines.length, 2);
    const line = JSON.parse(out.lines[0] ?? '{}') as Record<string, unknown>;
    assert.equal(line['level'], 'info');
    assert.equal(line['msg'], 'applicant [REDACTED:email], PAN [REDACTED:pan], Aadhaar [REDACTED:aadhaar], mobile [REDACTED:phone]');
    assert.equal(line['journey'], 'kyc');
    assert.deepEqual(line['applicant'], {
      name: '[REDACTED]',
      contact: { email: '[REDACTED]', phone: '[REDACTED]', city: 'Pune' },
      documents: [{ kind: 'pan', pan_number: '[REDACTED]' }, { kind: 'aadhaar', note: 'number [REDACTED:aadhaar] on the back' }],
      dateOfBirth: '[REDACTED]',
      motherMaidenName: '[REDACTED]',
    });
    assert.deepEqual(line['headers'], { Authorization: '[REDACTED]', 'x-request-id': 'r-1', 'x-api-key': '[REDACTED]', 'set-cookie': '[REDACTED]' });
    assert.equal(line['workflowId'], 'journey:acme:kyc:cust-9876543210');
    assert.equal(line['meta_time'], 'yesterday');
    assert.equal(typeof line['time'], 'string');
    const error = line['error'] as Record<string, unknown>;
    assert.equal(error['type'], 'Error');
    assert.equal(error['message'], 'lookup failed for [REDACTED:phone]');
    assert.ok(!String(error['stack']).includes('9876543210'));
    assert.equal(line['body'], '{"email":"[REDACTED]","amount":300000}');
    // Numbers are matched only under phone or Aadhaar keys; others are counts, amounts, times.
    assert.deepEqual(line['numbers'], { first: 9876543210, second: 234567890123, amount: 300000, at: 1764590400000, altMobile: '[REDACTED:phone]' });
    assert.equal((JSON.parse(out.lines[1] ?? '{}') as Record<string, unknown>)['msg'], 'debug is on');
  });

  test('METIS_LOG_LEVEL sets the default level; a wrong one is a ConfigurationError', () => {
    const saved = process.env['METIS_LOG_LEVEL'];
    try {
      process.env['METIS_LOG_LEVEL'] = 'warn';
      const out = capture();
      const log = createMetisLogger({ destination: out });
      log.info('not written');
      log.warn('written');
      assert.deepEqual(out.lines.map((l) => (JSON.parse(l) as { msg: string }).msg), ['written']);
      process.env['METIS_LOG_LEVEL'] = 'loud';
      assert.throws(() => createMetisLogger({ destination: out }), (error: unknown) => (error as { code?: string }).code === 'LOG_LEVEL_INVALID');
    } finally {
      if (saved === undefined) delete process.env['METIS_LOG_LEVEL'];
      else process.env['METIS_LOG_LEVEL'] = saved;
    }
  });
});

describe('logs of a KYC journey and a loan hold no PII', () => {
  const config = testConfig({ temporal: { taskQueuePrefix: uniqueId('logs') } });
  const acme = sampleTenants.acme;
  const workerLines = capture();
  const clientLines = capture();
  let world: LoanWorld;
  let workers: MetisWorkers | undefined;
  let metis: Metis;
  let workerLog: MetisLogger;

  before(async () => {
    world = await startLoanWorld();
    workerLog = createMetisLogger({ level: 'debug', destination: workerLines });
    const tenants = [testTenant('acme', { url: world.webhooks.url, secret: world.webhooks.secret })];
    const services = loanServices({ bureauA: world.bureauA.url, bureauB: world.bureauB.url, payments: world.payments.url, paymentsKey: world.payments.apiKey });
    // A tenant's own check that logs what it was given, as a careless one would, through Temporal's activity logger.
    const loanChecks = {
      ...services.loanChecks,
      verifyLoanDocuments: (input: Parameters<typeof testDocumentCheck>[0]) => {
        const { applicant } = input.application;
        log.info(`checking the documents of PAN ${applicant.pan}, mobile ${applicant.phone ?? ''}`, { application: input.application });
        return testDocumentCheck(input);
      },
    };
    workers = await createWorkers({ config, tenants, logger: workerLog, services: { ...services, loanChecks } });
    metis = await createMetis({ ...config, tenants, logger: createMetisLogger({ level: 'debug', destination: clientLines }) });
  });
  after(async () => {
    await metis.close();
    await workers?.shutdown();
    await world.close();
  });

  test('a KYC journey with its cards read by OCR, then a loan: JSON lines from every part, none with a typed value', async () => {
    const pan: GeneratedDocument = await generateDocument({ type: 'pan', seed: 'log-redaction-pan' });
    const truth = pan.truth.fields as PanTruth;
    const aadhaar = await generateDocument({ type: 'aadhaar', seed: 'log-redaction-aadhaar', overrides: { name: truth.name.toLowerCase().replace(/\b\p{L}/gu, (c) => c.toUpperCase()), dateOfBirth: truth.dateOfBirth } });
    const card = aadhaar.truth.fields as AadhaarTruth;
    const email = 'meera.iyer.logs@example.com';
    const phone = '+919812345678';
    const applicant = uniqueId('logs-kyc');
    const kyc = metis.tenant(acme.tenantId).journeys;
    await kyc.submit(applicant, 'kyc', 'provide_personal_details', { name: truth.name, email, phone, date_of_birth: truth.dateOfBirth }, { asOf: '2026-06-01' });
    await kyc.submit(applicant, 'kyc', 'provide_pan_details', { pan_number: truth.pan }, { documents: { pan_image: { kind: 'pan', body: pan.bytes, contentType: pan.mimeType } } });
    await kyc.submit(applicant, 'kyc', 'provide_aadhar_details', { aadhar_number: card.aadhaarNumber }, { documents: { aadhar_image: { kind: 'aadhar', body: aadhaar.bytes, contentType: aadhaar.mimeType } } });
    const view: JourneyView = await waitFor(async () => {
      const v = await kyc.get(applicant, 'kyc');
      return v.state !== 'document_verification' && !v.automationRunning ? v : undefined;
    }, 180_000, 'document verification');
    assert.equal(view.state, 'completed', JSON.stringify(view.results));

    const loanPan = panWithScore(780, 900);
    const loan = {
      applicationId: uniqueId('logs-loan'),
      amount: 300_000,
      tenureMonths: 36,
      purpose: 'home improvement',
      kycStatus: 'done' as const,
      applicant: { applicantId: uniqueId('logs-cust'), name: 'Kavya Raghunathan', pan: loanPan, dateOfBirth: '1988-11-23', monthlyIncome: 100_000, employmentType: 'salaried' as const, phone: '9123456780' },
    };
    await metis.tenant(acme.tenantId).loans.apply(loan);
    const decision = await metis.tenant(acme.tenantId).loans.waitForDecision(loan.applicationId);
    assert.equal(decision.outcome, 'approve');
    await waitFor(async () => ((await metis.tenant(acme.tenantId).loans.get(loan.applicationId)).stage === 'done' ? true : undefined), 30_000, 'the loan to finish');

    // Shut down first: the runtime's buffered entries are written out on the way.
    await workers?.shutdown();
    workers = undefined;
    workerLog.flush();

    const lines = [...workerLines.lines, ...clientLines.lines];
    assert.ok(workerLines.lines.length > 20, `worker lines: ${workerLines.lines.length}`);
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const e of entries) assert.ok(typeof e['level'] === 'string' && typeof e['msg'] === 'string' && typeof e['time'] === 'string', JSON.stringify(e));
    const has = (msg: RegExp, where: (e: Record<string, unknown>) => boolean): boolean => entries.some((e) => msg.test(String(e['msg'])) && where(e));
    const workflowOf = (prefix: string) => (e: Record<string, unknown>) => String(e['workflowId']).startsWith(prefix) && typeof e['workflowType'] === 'string';
    assert.ok(has(/^Workflow started$/, workflowOf(`journey:${acme.tenantId}:kyc:${applicant}`)), 'the journey workflow logged');
    assert.ok(has(/^Workflow (started|completed)$/, workflowOf(`loan:${acme.tenantId}:${loan.applicationId}`)), 'the loan workflow logged');
    assert.ok(has(/^Activity completed$/, (e) => e['activityType'] === 'recordJourneyTransition'), "the journey's activities logged");
    assert.ok(has(/^checking the documents of PAN \[REDACTED:pan\], mobile \[REDACTED:phone\]$/, (e) => (e['application'] as { applicant?: { name?: string } }).applicant?.name === '[REDACTED]'), "the tenant activity's entry is there, redacted");
    assert.ok(has(/^Worker state changed$/, (e) => e['sdkComponent'] === 'worker'), 'the workers logged');
    assert.ok(has(/./, (e) => e['sdkComponent'] === 'core'), "Temporal's core logs are forwarded");

    const text = lines.join('\n');
    const typed = {
      name: truth.name,
      'name (lower case)': truth.name.toLowerCase(),
      email,
      phone,
      'phone (10 digits)': phone.slice(3),
      'date of birth': truth.dateOfBirth,
      PAN: truth.pan,
      Aadhaar: card.aadhaarNumber,
      'Aadhaar (spaced)': card.aadhaarNumber.replace(/(\d{4})(?=\d)/g, '$1 '),
      'loan name': loan.applicant.name,
      'loan PAN': loanPan,
      'loan phone': loan.applicant.phone,
      'loan date of birth': loan.applicant.dateOfBirth,
    };
    for (const [what, value] of Object.entries(typed)) assert.ok(!text.includes(value), `${what} (${value}) appears in the logs`);
  });
});
