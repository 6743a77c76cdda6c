// The Temporal Web UI in headless Chromium, decoding through the stack's codec server: an operator
// of the tenant who signed in sees the loan's input decrypted; anyone else sees ciphertext.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { sampleTenants } from '@metis/fsm';
import { createMetis } from '@metis/sdk';
import type { Metis } from '@metis/sdk';
import { testConfig, uniqueId } from '@metis/testing';
import { testPolicy } from './support/loan-services.ts';

const run = promisify(execFile);
const config = testConfig({ temporal: { taskQueuePrefix: uniqueId('webui') } });
const acme = sampleTenants.acme;
const zenith = sampleTenants.zenith;
const CODEC = `http://${process.env['METIS_CODEC_ADDRESS'] || '127.0.0.1:8234'}`;
const UI = config.temporal.webUiUrl;
const CHROMIUM = process.env['METIS_CHROMIUM'] || '/usr/bin/chromium';
const NAME = 'Meera Venkataraman Iyer';
const cli = fileURLToPath(new URL('../../cli/src/main.ts', import.meta.url));

let metis: Metis;
let browser: Browser;
let workflowId: string;

/** A token signed the way an operator gets one on the local stack: `metis dev token`. */
async function devToken(tenantId: string, role = 'ops'): Promise<string> {
  const { stdout } = await run(process.execPath, ['--conditions=metis-source', cli, 'dev', 'token', '--tenant', tenantId, '--role', role, '--ttl', '10m']);
  return stdout.trim().split('\n').pop() ?? '';
}

/** Open the Web UI with the codec server set in its settings, cross-origin credentials on (the UI's own codec settings dialog stores exactly this). */
async function uiWithCodec(signInAs: string | undefined, codecStatuses: number[]): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  if (signInAs !== undefined) {
    await page.goto(`${CODEC}/`);
    await page.fill('#token', signInAs);
    await page.click('button[type=submit] >> nth=0');
    await page.waitForSelector('text=Signed in as');
  }
  await page.goto(`${UI}/namespaces/${config.temporal.namespace}/workflows`);
  await page.evaluate((endpoint) => {
    localStorage.setItem('endpoint', JSON.stringify(endpoint));
    localStorage.setItem('includeCredentials', 'true');
    localStorage.setItem('overrideRemoteCodecConfiguration', 'true');
  }, CODEC);
  page.on('response', (r) => {
    if (r.url().startsWith(`${CODEC}/decode`)) codecStatuses.push(r.status());
  });
  await page.goto(`${UI}/namespaces/${config.temporal.namespace}/workflows/${encodeURIComponent(workflowId)}`);
  return page;
}

// The Web UI is the dev server's (temporal/dev-server.sh); the PostgreSQL-backed server has none.
const noWebUi = process.env['METIS_TEMPORAL'] === 'postgres'
  ? 'METIS_TEMPORAL=postgres: the Temporal server on PostgreSQL runs no Web UI (the dev server has it)'
  : false;

describe('the Temporal Web UI decodes payloads only for authorised operators', () => {
  before(async () => {
    if (noWebUi) return;
    metis = await createMetis({ ...config, tenants: [{ tenantId: acme.tenantId, displayName: acme.name, journeys: acme.journeys, loanPolicy: testPolicy('acme') }] });
    // No worker polls this prefix: the loan waits with its input, which is all the page needs.
    const applicationId = uniqueId('webui');
    ({ workflowId } = await metis.tenant(acme.tenantId).loans.apply({
      applicationId,
      applicant: { applicantId: uniqueId('meera'), name: NAME, pan: 'AFZPK7190K', dateOfBirth: '1988-02-29', monthlyIncome: 125_000, email: 'meera.iyer@example.com', phone: '9812345678' },
      amount: 450_000,
      tenureMonths: 36,
      kycStatus: 'done',
    }));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  after(async () => {
    await browser?.close();
    if (workflowId) await metis?.temporal.workflow.getHandle(workflowId).terminate('web UI test done').catch(() => undefined);
    await metis?.close();
  });

  test('an ops user of the tenant, signed in at the codec server, sees the decrypted input', { skip: noWebUi }, async () => {
    const decoded: number[] = [];
    const page = await uiWithCodec(await devToken(acme.tenantId), decoded);
    await page.waitForSelector(`text=${NAME}`, { timeout: 30_000 });
    assert.ok(decoded.length > 0 && decoded.every((s) => s === 200), `codec answers: ${decoded.join(', ')}`);
  });

  test('without signing in, or signed in as an ops user of another tenant, the page shows ciphertext and never the name', { skip: noWebUi }, async () => {
    for (const [who, token, refusal] of [
      ['nobody', undefined, 401],
      ['zenith ops', await devToken(zenith.tenantId), 403],
    ] as const) {
      const statuses: number[] = [];
      const page = await uiWithCodec(token, statuses);
      // The UI shows the payload as stored: its encoding, base64 `binary/encrypted`, and the ciphertext.
      await page.waitForSelector(`text=${Buffer.from('binary/encrypted').toString('base64')}`, { timeout: 30_000 });
      const text = await page.locator('body').innerText();
      assert.ok(!text.includes(NAME), `${who}: the name is not shown`);
      assert.ok(!text.includes('AFZPK7190K'), `${who}: the PAN is not shown`);
      assert.ok(text.includes('Codec Server could not connect'), `${who}: the UI says the codec refused`);
      assert.ok(statuses.length > 0 && statuses.every((s) => s === refusal), `${who}: codec answers ${statuses.join(', ')}, expected ${refusal}`);
    }
  });
});
