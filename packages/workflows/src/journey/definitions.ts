import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { LoanPolicy } from '../loan/definitions.ts';
import type { JourneyConfigInput, JourneyDescription, JourneyEventInput, JsonObject, PersistedJourney } from '@metis/fsm';

/** What starts (or continues) a journey workflow. */
export interface JourneyWorkflowInput {
  /** Tenant owning the journey. */
  readonly tenantId: string;
  /** Applicant the journey is for. */
  readonly applicantId: string;
  /** The tenant's journey config, pinned for the life of this run. */
  readonly config: JourneyConfigInput;
  /** Snapshot to resume from (continue-as-new and migrations); absent on a fresh start. */
  readonly snapshot?: PersistedJourney;
  /** Data known before the first step. */
  readonly initialData?: JsonObject;
  /** Start time (ISO 8601) recorded in the snapshot. */
  readonly startedAt?: string;
  /** Transitions already made before this run (for continue-as-new). */
  readonly carriedSteps?: number;
  /** The tenant's loan policy, for a state that runs the built-in `metis.underwrite_loan`. */
  readonly loanPolicy?: LoanPolicy;
}

/** A step sent by the applicant, the tenant's service or an operator. */
export interface JourneyStepRequest {
  /** The event: `SUBMIT` with the step's data, or `OPERATOR` move/amend. */
  readonly event: JourneyEventInput;
  /** Who sent it (an applicant, service or operator id), recorded in the audit trail. */
  readonly actor: string;
}

/** Where the journey stands after a step, plus what the step did. */
export interface JourneyStepResult {
  /** The journey's description after the step. */
  readonly journey: JourneyView;
  /** State before the step. */
  readonly from: string;
  /** State after the step. */
  readonly to: string;
}

/** The journey as a query returns it. */
export interface JourneyView extends JourneyDescription {
  /** Tenant owning the journey. */
  readonly tenantId: string;
  /** Applicant. */
  readonly applicantId: string;
  /** Accumulated data. */
  readonly data: JsonObject;
  /** Results of automated states, by state. */
  readonly results: Readonly<Record<string, JsonObject>>;
  /** Whether an automated state's work is running now. */
  readonly automationRunning: boolean;
  /** Last automation failure in the current state, if any. */
  readonly automationError: string | null;
}

/** Move a running journey to another config version. */
export interface JourneyMigrationRequest {
  /** The config to move to (same journey type). */
  readonly config: JourneyConfigInput;
  /** Name of the snapshot mapping: `same-states`, or `rename-states` with `stateMap`. */
  readonly mapping: string;
  /** For `rename-states`: old state name → new state name. */
  readonly stateMap?: Readonly<Record<string, string>>;
  /** Who asked for it. */
  readonly actor: string;
  /** The tenant's loan policy, when the new config underwrites loans (`metis.underwrite_loan`). */
  readonly loanPolicy?: LoanPolicy;
}

/** Apply a step; the validator rejects an invalid step before it reaches history. */
export const journeyStepUpdate = defineUpdate<JourneyStepResult, [JourneyStepRequest]>('metis.journey.step');
/** Move the journey to a new config version by continue-as-new; refused while automation runs. */
export const journeyMigrateUpdate = defineUpdate<{ readonly from: string; readonly to: string }, [JourneyMigrationRequest]>('metis.journey.migrate');
/** Return where the journey stands. */
export const journeyQuery = defineQuery<JourneyView>('metis.journey.describe');

/** Build a journey's workflow id: `journey:{tenantId}:{journeyType}:{applicantId}`. */
export function journeyWorkflowId(tenantId: string, journeyType: string, applicantId: string): string {
  return `journey:${tenantId}:${journeyType}:${applicantId}`;
}

/** Failure type of a step the journey rejects; its details hold the field errors. */
export const STEP_REJECTED = 'StepRejected';
/** Failure type of a refused migration. */
export const MIGRATION_REFUSED = 'MigrationRefused';
