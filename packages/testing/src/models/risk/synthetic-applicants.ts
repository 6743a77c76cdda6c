import { LOAN_RISK_FEATURES } from '@metis/activities/risk';
import { mulberry32 } from '../../mulberry32.ts';
// The documented synthetic applicant population the default risk models are trained on.
// tools/risk/README.md describes the generating process; keep the two in step.

/** Name and version of the synthetic dataset. */
export const SYNTHETIC_DATASET = 'metis-synthetic-applicants-v1';

/** Features of the default risk model, in input-column order: the features a loan assembles (`loanRiskFeatures`). */
export const RISK_FEATURES = LOAN_RISK_FEATURES;

/** One synthetic applicant and whether they defaulted. */
export interface SyntheticApplicant {
  readonly features: Readonly<Record<(typeof RISK_FEATURES)[number]['name'], number>>;
  readonly defaulted: 0 | 1;
}

/** A seeded uniform source (mulberry32). */
export function seededRandom(seed: string): () => number {
  let h = 1779033703 ^ seed.length;
  for (let i = 0; i < seed.length; i++) {
    h = Math.imul(h ^ seed.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  const next = mulberry32(h);
  return () => next() / 4294967296;
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** How a tenant's population differs: its base default rate and how strongly each driver acts. */
export interface TenantProfile {
  /** Logit of default for an average applicant. */
  readonly base: number;
  /** Multiplier of every driver's effect, per driver. */
  readonly strength: Readonly<Record<'score' | 'missed' | 'dti' | 'lti' | 'income' | 'tenure' | 'kyc' | 'utilisation' | 'stress', number>>;
}

/** Derive a tenant's population profile from its id: base logit −2.2 ± 0.5, driver strengths ×0.8-1.2. */
export function tenantProfile(tenantId: string): TenantProfile {
  const r = seededRandom(`profile:${tenantId}`);
  const s = (): number => 0.8 + 0.4 * r();
  return {
    base: -2.2 + (r() - 0.5),
    strength: { score: s(), missed: s(), dti: s(), lti: s(), income: s(), tenure: s(), kyc: s(), utilisation: s(), stress: s() },
  };
}

/** Generate `rows` applicants of a tenant's population, deterministically from `seed`. */
export function generateApplicants(tenantId: string, seed: string, rows: number): SyntheticApplicant[] {
  const r = seededRandom(`applicants:${tenantId}:${seed}`);
  const normal = (): number => Math.sqrt(-2 * Math.log(Math.max(r(), 1e-12))) * Math.cos(2 * Math.PI * r());
  const poisson = (lambda: number): number => {
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = r();
    while (p > limit) {
      k++;
      p *= r();
    }
    return k;
  };
  const profile = tenantProfile(tenantId);
  const k = profile.strength;
  const out: SyntheticApplicant[] = [];
  for (let i = 0; i < rows; i++) {
    const age = 21 + Math.floor(r() * 45);
    const employmentYears = Math.round((age - 21) * Math.pow(r(), 1.4) * 2) / 2;
    const income = Math.round(Math.exp(10.3 + 0.015 * (age - 21) + 0.03 * employmentYears + 0.5 * normal()));
    const existingLoans = poisson(0.8 + 0.01 * (age - 21));
    const utilisation = clamp(0.35 + 0.08 * existingLoans + 0.2 * normal(), 0, 1);
    const missed = poisson(0.3 + 1.5 * utilisation * utilisation);
    const creditScore = Math.round(clamp(750 - 45 * missed - 120 * (utilisation - 0.35) + 2 * employmentYears + 40 * normal(), 300, 900));
    // The requested amount is 3-36 months of income.
    const loanToIncome = (3 + 33 * r()) / 12;
    const dti = clamp(0.1 * existingLoans + 0.15 + 0.1 * normal(), 0, 1.2) + loanToIncome / 5;
    const kycMismatch = r() < 0.05 ? 1 : 0;
    const logit =
      profile.base +
      k.score * -0.012 * (creditScore - 700) +
      k.missed * 0.45 * missed +
      k.dti * 1.8 * (dti - 0.35) +
      k.lti * 0.35 * (loanToIncome - 1) +
      k.income * -0.5 * (Math.log(income) - 10.6) +
      k.tenure * -0.04 * employmentYears +
      k.kyc * 0.9 * kycMismatch +
      k.utilisation * 0.8 * Math.max(0, utilisation - 0.7) +
      k.stress * 1.2 * (dti > 0.6 && income < 25_000 ? 1 : 0) +
      0.3 * normal();
    const defaulted = r() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
    out.push({
      features: {
        credit_score: creditScore,
        monthly_income: income,
        debt_to_income: Math.round(dti * 1000) / 1000,
        loan_to_income: Math.round(loanToIncome * 1000) / 1000,
        employment_years: employmentYears,
        age,
        missed_payments_12m: missed,
        credit_utilization: Math.round(utilisation * 1000) / 1000,
        existing_loans: existingLoans,
        kyc_mismatch: kycMismatch,
      },
      defaulted,
    });
  }
  return out;
}
