import type { ResponseReader } from '../response-reader.ts';
import type { BureauApplicant, CreditReport } from '../types.ts';

/** A report as a format maps it, before the provider name is attached. */
export type MappedReport = Omit<CreditReport, 'provider'>;

/** How one bureau's HTTP API is spoken: the request it wants and how its answer maps to a `CreditReport`. */
export interface BureauFormat {
  /** Format name, e.g. `metis-v1`. */
  readonly name: string;
  /** Path of the report endpoint, appended to the provider's base URL. */
  readonly path: string;
  /** Build the JSON body of the request. */
  requestBody(applicant: BureauApplicant): unknown;
  /** Map a parsed JSON body through `reader`, recording every problem; throw `BureauProviderError` for an answered error. */
  parse(body: unknown, reader: ResponseReader, applicant: BureauApplicant): MappedReport;
}

/** Record an issue unless the bureau's subject is the applicant asked about. */
export function checkSubject(reader: ResponseReader, echoed: string, applicant: BureauApplicant, path: string): void {
  if (echoed && echoed !== applicant.pan) reader.issue(path, 'the report is about a different PAN than the one requested');
}

/** Largest amount (rupees) a report may carry before it is treated as garbage. */
export const MAX_AMOUNT = 1e12;
