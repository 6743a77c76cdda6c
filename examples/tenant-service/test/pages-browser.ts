// Chromium for the page tests: one browser per file, a fresh context per page signed in through
// the URL fragment, every request the page makes recorded, and the sample KYC script's data.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { WEB_ROOT } from './support/service.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A file of the repository, by its path from the root. */
export const repoFile = (path: string): string => `${ROOT}${path}`;

/** Build the pages (scripts/web.sh) when dist/web is missing. */
export function ensurePages(): void {
  if (existsSync(`${WEB_ROOT}/app/index.html`) && existsSync(`${WEB_ROOT}/underwriter/index.html`)) return;
  execFileSync('bash', [repoFile('scripts/web.sh')], { stdio: 'inherit' });
}

/** Start the Chromium the tests drive (METIS_CHROMIUM, else Debian's). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env['METIS_CHROMIUM'] || '/usr/bin/chromium', args: ['--no-sandbox'] });
}

/** A page of the service, signed in, with what it sent and what went wrong in it. */
export interface OpenedPage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Every request the page made, in order. */
  readonly requests: Request[];
  /** Uncaught errors in the page. */
  readonly errors: string[];
}

/** Open a page of the service with a token in the URL fragment, as a link from the lender would. */
export async function openPage(browser: Browser, url: string, path: string, token: string): Promise<OpenedPage> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const requests: Request[] = [];
  const errors: string[] = [];
  page.on('request', (request) => requests.push(request));
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${url}${path}#token=${encodeURIComponent(token)}`);
  return { page, context, requests, errors };
}

/** The requests that submitted a journey step. */
export function stepRequests(requests: readonly Request[]): Request[] {
  return requests.filter((r) => r.method() === 'POST' && /\/v1\/journeys\/[^/]+\/[^/]+\/steps$/.test(new URL(r.url()).pathname));
}

/** Wait until the applicant page shows the journey in a state. */
export async function waitForState(page: Page, state: string, timeout = 30_000): Promise<void> {
  await page.locator(`#standing[data-state="${state}"]`).waitFor({ timeout });
}

interface ScriptStep {
  readonly step: string;
  readonly data: Record<string, string | { readonly file: string }>;
}

/** One step of examples/cli/scripts/acme-kyc.json: its text values and its files, by field. */
export interface SampleStep {
  readonly values: Readonly<Record<string, string>>;
  readonly files: Readonly<Record<string, string>>;
}

/** Read the sample KYC script's last submission of each step (the accepted ones). */
export function acmeKycScript(): ReadonlyMap<string, SampleStep> {
  const script = JSON.parse(readFileSync(repoFile('examples/cli/scripts/acme-kyc.json'), 'utf8')) as { steps: ScriptStep[] };
  const steps = new Map<string, SampleStep>();
  for (const { step, data } of script.steps) {
    const values: Record<string, string> = {};
    const files: Record<string, string> = {};
    for (const [field, value] of Object.entries(data)) {
      if (typeof value === 'string') values[field] = value;
      else files[field] = repoFile(value.file);
    }
    steps.set(step, { values, files });
  }
  return steps;
}

/** Return a sample step or throw. */
export function sampleStep(steps: ReadonlyMap<string, SampleStep>, step: string): SampleStep {
  const found = steps.get(step);
  if (!found) throw new Error(`the sample script has no ${step} step`);
  return found;
}

/** Fill a step's form on the applicant page and press Continue. */
export async function fillStep(page: Page, step: SampleStep, overrides: Readonly<Record<string, string>> = {}): Promise<void> {
  for (const [field, value] of Object.entries({ ...step.values, ...overrides })) await page.fill(`#field-${field}`, value);
  for (const [field, path] of Object.entries(step.files)) await page.setInputFiles(`#field-${field}`, path);
  await page.click('#submit-step');
}
