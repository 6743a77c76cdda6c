// The suite's load: KYC journeys and loan applications for the two sample tenants, driven the way
// a tenant service would: each call retried after a transient failure (a server down, a worker
// gone), a journey step only when the journey has not taken it yet.
import { sampleTenants } from '@metis/fsm';
import type { JsonObject } from '@metis/fsm';
import type { LoanApplication } from '@metis/sdk';
import { JourneyDoneError, JourneyNotFoundError, MetisError, StepRejectedError } from '@metis/sdk';
import type { StepDocument } from '@metis/sdk';
import { pansWithScore, uniqueId } from '@metis/testing';
import { AADHAAR, AS_OF, scan } from '../../test/journey-fixtures.ts';
import type { Chaos } from './harness.ts';
import { sleep } from './harness.ts';

export type SampleTenant = 'acme' | 'zenith';
export const TENANTS: readonly SampleTenant[] = ['acme', 'zenith'];
export const tenantId = (t: SampleTenant): string => sampleTenants[t].tenantId;

/** One client step of a journey. */
export interface PlannedStep {
  readonly state: string;
  readonly data: JsonObject;
  readonly options?: { readonly asOf?: string; readonly documents?: Readonly<Record<string, StepDocument>> };
}

/** A journey of the load: its tenant, applicant and the steps the applicant takes. */
export interface PlannedJourney {
  readonly tenant: SampleTenant;
  readonly applicantId: string;
  readonly steps: readonly PlannedStep[];
  /** Transitions the journey records when it ends: the client's steps and the automated verification. */
  readonly expectedSeq: number;
}

/** A loan of the load, with the outcome its bureau score leads to. */
export interface PlannedLoan {
  readonly tenant: SampleTenant;
  readonly application: LoanApplication;
  readonly expected: 'approve' | 'reject';
}

/** A PAN card image of `bytes` bytes, as a step document. */
export function panImage(bytes = 24_000): StepDocument {
  return { kind: 'pan', body: new Uint8Array(bytes).fill(7), contentType: 'image/jpeg', metadata: { width: 1600, height: 1000, blur_score: 0.1, brightness_score: 0.55 } };
}

/** Plan `count` KYC journeys, alternating tenants; with `uploads`, the PAN image of each is uploaded to the object store. */
export function planJourneys(run: string, count: number, uploads = false): PlannedJourney[] {
  return Array.from({ length: count }, (_, i): PlannedJourney => {
    const tenant = TENANTS[i % 2] as SampleTenant;
    const applicantId = `${run}-j${i}`;
    const pan: Omit<PlannedStep, 'state'> = uploads ? { data: { pan_number: 'ABCPS1234K' }, options: { documents: { pan_image: panImage() } } } : { data: { pan_number: 'ABCPS1234K', pan_image: scan() } };
    if (tenant === 'acme') {
      return {
        tenant,
        applicantId,
        expectedSeq: 4,
        steps: [
          { state: 'provide_personal_details', data: { name: 'Rahul Kumar Sharma', email: 'rahul@example.com', phone: '+919876543210', date_of_birth: '1990-04-01' }, options: { asOf: AS_OF } },
          { state: 'provide_pan_details', ...pan },
          { state: 'provide_aadhar_details', data: { aadhar_number: AADHAAR, aadhar_image: scan() } },
        ],
      };
    }
    return {
      tenant,
      applicantId,
      expectedSeq: 4,
      steps: [
        { state: 'provide_personal_details', data: { name: 'Asha Verma', email: 'asha@example.com', mobile: '9876543210', dob: '1992-02-02' }, options: { asOf: AS_OF } },
        { state: 'provide_pan_details', ...(uploads ? pan : { data: { pan_number: 'ABCPV1234K', pan_image: scan({ bytes: 400_000 }) } }) },
        { state: 'provide_bank_statement', data: { bank_statement: scan({ mime_type: 'image/png', bytes: 900_000 }) } },
      ],
    };
  });
}

/** Plan `count` loans, alternating tenants; one in five has a bureau score under both tenants' floor. */
export function planLoans(run: string, count: number): PlannedLoan[] {
  const rejects = Math.floor(count / 5);
  const prime = pansWithScore(780, 900, count - rejects);
  const poor = pansWithScore(300, 600, Math.max(rejects, 1));
  return Array.from({ length: count }, (_, i): PlannedLoan => {
    const tenant = TENANTS[i % 2] as SampleTenant;
    const reject = i % 5 === 4 && i / 5 < rejects;
    const pan = reject ? (poor[Math.floor(i / 5)] as string) : (prime[i - Math.floor((i + 1) / 5)] as string);
    return {
      tenant,
      expected: reject ? 'reject' : 'approve',
      application: {
        applicationId: `${run}-l${i}`,
        // Zenith sends loans above ₹2,00,000 to an underwriter; these stay under it.
        amount: 50_000 + (i % 100) * 1_000,
        tenureMonths: 24,
        kycStatus: 'done',
        applicant: { applicantId: `${run}-c${i}`, name: 'Chaos Applicant', pan, dateOfBirth: '1988-08-08', monthlyIncome: 120_000, employmentType: 'salaried' },
      },
    };
  });
}

/** Counters of a running load. */
export interface LoadProgress {
  loansApplied: number;
  journeyStepsTaken: number;
  journeysSubmitted: number;
  /** Calls retried after a transient failure. */
  retries: number;
  /** Errors a caller got and retried, by name/code (first seen kept). */
  readonly errors: Map<string, number>;
}

/** What a caller retries: anything but a refusal the journey gives on purpose. */
function transient(error: unknown): boolean {
  return !(error instanceof StepRejectedError || error instanceof JourneyDoneError);
}

function errorName(error: unknown): string {
  if (error instanceof MetisError) return `${error.name}:${error.code}`;
  return error instanceof Error ? error.name : typeof error;
}

/** Run `work` over `items` with at most `concurrency` at once. */
export async function pool<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i] as T, i);
      }
    }),
  );
}

/** A load being driven. */
export interface Load {
  readonly journeys: readonly PlannedJourney[];
  readonly loans: readonly PlannedLoan[];
  readonly progress: LoadProgress;
  /** Resolves when every call of the load has been made and answered (the workflows may still run). */
  readonly driven: Promise<void>;
}

/** Options of a load. */
export interface LoadOptions {
  /** Journeys driven at once (default 8). */
  readonly journeyConcurrency?: number;
  /** Loans applied at once (default 8). */
  readonly loanConcurrency?: number;
  /** Give up on a call after retrying it this long (default 150 s). */
  readonly retryForMs?: number;
  /** Called with each error a caller retries (a test may assert its type). */
  readonly onRetry?: (error: unknown, what: string) => void;
}

/** Start driving `journeys` and `loans` through the client of `chaos`. */
export function driveLoad(chaos: Chaos, journeys: readonly PlannedJourney[], loans: readonly PlannedLoan[], options: LoadOptions = {}): Load {
  const progress: LoadProgress = { loansApplied: 0, journeyStepsTaken: 0, journeysSubmitted: 0, retries: 0, errors: new Map() };
  const retryForMs = options.retryForMs ?? 150_000;

  async function retrying<T>(what: string, call: () => Promise<T>, done?: () => Promise<boolean>): Promise<T | undefined> {
    const deadline = Date.now() + retryForMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (!transient(error) || Date.now() > deadline) throw error;
        progress.retries += 1;
        const name = errorName(error);
        progress.errors.set(name, (progress.errors.get(name) ?? 0) + 1);
        options.onRetry?.(error, what);
        await sleep(Math.min(250 * attempt, 2_000));
        // The call may have taken effect before its answer was lost.
        if (done && (await done().catch(() => false))) return undefined;
      }
    }
  }

  async function driveJourney(j: PlannedJourney): Promise<void> {
    const client = chaos.metis.tenant(tenantId(j.tenant)).journeys;
    const states = j.steps.map((s) => s.state);
    // A step was taken when the journey stands past it.
    const taken = (index: number) => async (): Promise<boolean> => {
      try {
        const view = await client.get(j.applicantId, 'kyc');
        const at = states.indexOf(view.state);
        return at === -1 || at > index;
      } catch (error) {
        if (error instanceof JourneyNotFoundError) return false;
        throw error;
      }
    };
    for (const [index, step] of j.steps.entries()) {
      try {
        await retrying(`journey ${j.applicantId} ${step.state}`, () => client.submit(j.applicantId, 'kyc', step.state, step.data, step.options ?? {}), taken(index));
      } catch (error) {
        // A repeat of a step whose first answer was lost is refused as out of place: fine when it was taken.
        if (transient(error) || !(await taken(index)())) throw error;
      }
      progress.journeyStepsTaken += 1;
    }
    progress.journeysSubmitted += 1;
  }

  async function applyLoan(l: PlannedLoan): Promise<void> {
    await retrying(`loan ${l.application.applicationId}`, () => chaos.metis.tenant(tenantId(l.tenant)).loans.apply(l.application));
    progress.loansApplied += 1;
  }

  const driven = Promise.all([pool(journeys, options.journeyConcurrency ?? 8, driveJourney), pool(loans, options.loanConcurrency ?? 8, applyLoan)]).then(() => undefined);
  // Rejections are observed by whoever awaits `driven`; keep an early one from being unhandled.
  driven.catch(() => undefined);
  return { journeys, loans, progress, driven };
}

/** A run id for a test's applicants and applications. */
export const runId = (name: string): string => uniqueId(name);
