import type { JsonObject } from '../json.ts';
import type { JourneyStateConfig } from './journey-schema.ts';

/** Built-in automations a journey config may name in an automated state's `automation`. */
export const BUILT_IN_AUTOMATIONS = {
  /** Read every submitted document by OCR and cross-check it with what the applicant typed (on the `ai` pool). */
  verifyDocuments: 'metis.verify_documents',
  /** Run loan processing (documents, bureau, risk, rules, review, payout) as a child workflow and move on its decision. */
  underwriteLoan: 'metis.underwrite_loan',
} as const;

/** Names under `metis.` are Metis' own: only these exist. */
export const BUILT_IN_AUTOMATION_NAMES: readonly string[] = Object.values(BUILT_IN_AUTOMATIONS);

/** Return the automation a state's config names, with its params (none when it names none). */
export function stateAutomation(automation: JourneyStateConfig['automation']): { name: string; params: JsonObject } | null {
  if (automation === undefined) return null;
  return typeof automation === 'string' ? { name: automation, params: {} } : { name: automation.name, params: automation.params ?? {} };
}
