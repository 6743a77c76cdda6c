import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import type { DocumentKind } from '@metis/activities/storage';
import { BUILT_IN_AUTOMATIONS, createJourney, JourneySnapshotError, JourneyStepError, snapshotOfView } from '@metis/fsm';
import type { Journey, JourneyConfigInput, JourneyEventInput, JsonObject, PersistedJourney } from '@metis/fsm';
import {
  journeyMigrateUpdate,
  journeyQuery,
  journeyStepUpdate,
  journeyWorkflow,
  journeyWorkflowId,
  metisSearchAttributes,
  MetisState,
  taskQueueName,
} from '@metis/workflows';
import type { JourneyStepRequest, JourneyStepResult, JourneyView, LoanPolicy } from '@metis/workflows';
import { JourneyDoneError, JourneyNotFoundError, JourneyTypeUnknownError, StepRejectedError } from '../errors.ts';
import type { TenantDocuments } from './documents-client.ts';
import { explainUpdateFailure, isNotFound, orNotFound, QUERY_TIMEOUT_MS, queryWithin, workflowStatus } from './failures.ts';
import type { TenantPriority } from './fairness.ts';

/** Check an event on a snapshot with the journey's machine; a refusal is a `StepRejectedError`. */
function assertStepOn(journey: Journey, snapshot: PersistedJourney, event: JourneyEventInput): void {
  try {
    journey.assertStep(snapshot, event);
  } catch (error) {
    if (error instanceof JourneyStepError) throw new StepRejectedError(error.message, error.errors);
    throw error;
  }
}

/** The document id a step's pre-check gives a file not uploaded yet. */
const PLACEHOLDER_DOCUMENT_ID = '00000000-0000-4000-8000-000000000000';

/** The metadata a document field holds once its file is stored: the caller's, the id, the kind, the size and the type. */
function documentMetadata(doc: StepDocument, documentId: string, bytes: number): JsonObject {
  return { ...doc.metadata, document_id: documentId, kind: doc.kind, bytes, ...(doc.contentType ? { mime_type: doc.contentType } : {}) };
}

/** The SUBMIT event of a step. */
function submitEvent(step: string, data: JsonObject, options: SubmitOptions): JourneyEventInput {
  return { type: 'SUBMIT', state: step, data, ...(options.next ? { next: options.next } : {}), ...(options.asOf ? { asOf: options.asOf } : {}) };
}

/** A file to upload and reference from a document field of the step. */
export interface StepDocument {
  /** Kind of document, which decides its folder under the tenant's prefix. */
  readonly kind: DocumentKind;
  readonly body: Uint8Array;
  readonly contentType?: string;
  /** Quality scores and dimensions measured by the caller or the OCR activity, passed to the rules. */
  readonly metadata?: JsonObject;
}

/** Options of a submitted step. */
export interface SubmitOptions {
  /** Files to upload first; each becomes the document metadata of its field (`document_id`, `bytes`, `mime_type`). */
  readonly documents?: Readonly<Record<string, StepDocument>>;
  /** Who submits (default `applicant:{applicantId}`), recorded in the audit trail. */
  readonly actor?: string;
  /** Chosen next state, when the step has several. */
  readonly next?: string;
  /** When it happened (ISO 8601), for date rules. */
  readonly asOf?: string;
  /** How long the check of a step with documents may wait for the journey's state (default 10 s). */
  readonly queryTimeoutMs?: number;
}

/** An operator's action on a journey. */
export interface OperatorAction {
  readonly action: 'move' | 'amend';
  readonly operator: string;
  readonly reason: string;
  /** Target state of a move. */
  readonly next?: string;
  /** Corrected data of an amend. */
  readonly data?: JsonObject;
}

/** One journey in a listing. */
export interface JourneySummary {
  readonly workflowId: string;
  readonly applicantId: string;
  readonly journeyType: string;
  readonly state: string;
  readonly running: boolean;
}

/** A tenant's journeys. */
export interface TenantJourneys {
  /** Submit a step's data, starting the journey on its first step; throw `StepRejectedError` with field errors when refused. */
  submit(applicantId: string, journeyType: string, step: string, data: JsonObject, options?: SubmitOptions): Promise<JourneyStepResult>;
  /** Apply an operator's move or amendment. */
  operate(applicantId: string, journeyType: string, action: OperatorAction): Promise<JourneyStepResult>;
  /** Return where a journey stands; throw `JourneyNotFoundError` when there is none. */
  get(applicantId: string, journeyType: string, options?: { timeoutMs?: number }): Promise<JourneyView>;
  /** List the tenant's journeys, optionally of one type and in one state (from Temporal visibility). */
  list(filter?: { readonly journeyType?: string; readonly state?: string }): Promise<JourneySummary[]>;
  /** Move a running journey to another config version by an explicit mapping. */
  migrate(applicantId: string, journeyType: string, config: JourneyConfigInput, mapping: 'same-states' | 'rename-states', stateMap?: Record<string, string>, actor?: string): Promise<{ from: string; to: string }>;
}

/** Create the journeys API of one tenant. */
export function tenantJourneys(client: Client, tenantId: string, configs: ReadonlyMap<string, Journey>, prefix: string | undefined, documents: TenantDocuments, priority: TenantPriority, loanPolicy?: LoanPolicy): TenantJourneys {
  // Journeys that underwrite loans carry the tenant's loan policy; others do not need it.
  const underwrites = (journey: Journey): boolean => journey.states.some((s) => s.automation?.name === BUILT_IN_AUTOMATIONS.underwriteLoan);
  const getView = (applicantId: string, journeyType: string, options: { timeoutMs?: number } = {}): Promise<JourneyView> => {
    journeyFor(journeyType);
    const workflowId = journeyWorkflowId(tenantId, journeyType, applicantId);
    return orNotFound(
      queryWithin(client, workflowId, options.timeoutMs ?? QUERY_TIMEOUT_MS, () => client.workflow.getHandle(workflowId).query(journeyQuery)),
      () => new JourneyNotFoundError(workflowId),
    );
  };
  const journeyFor = (journeyType: string): Journey => {
    const journey = configs.get(journeyType);
    if (!journey) throw new JourneyTypeUnknownError(tenantId, journeyType);
    return journey;
  };

  const update = async (applicantId: string, journeyType: string, request: JourneyStepRequest, start: boolean): Promise<JourneyStepResult> => {
    const journey = journeyFor(journeyType);
    const workflowId = journeyWorkflowId(tenantId, journeyType, applicantId);
    try {
      // Most steps go to a journey that exists: a plain Update is cheaper for the server than
      // update-with-start, which is used when the journey does not exist yet (its first step).
      try {
        return await client.workflow.getHandle(workflowId).executeUpdate(journeyStepUpdate, { args: [request] });
      } catch (error) {
        if (!start || !isNotFound(error)) throw error;
      }
      // A first step the journey would refuse starts no workflow: it is checked on the initial
      // snapshot here (a journey that has finished answers as finished, whatever the step).
      try {
        assertStepOn(journey, journey.initial(), request.event);
      } catch (refusal) {
        const status = await workflowStatus(client.workflow.getHandle(workflowId));
        if (status !== undefined && status !== 'RUNNING') throw new JourneyDoneError(workflowId);
        throw refusal;
      }
      const startWorkflowOperation = new WithStartWorkflowOperation(journeyWorkflow, {
        workflowId,
        taskQueue: taskQueueName('interactive', prefix),
        priority: priority('interactive'),
        args: [{ tenantId, applicantId, config: journey.config, ...(loanPolicy && underwrites(journey) ? { loanPolicy } : {}) }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: metisSearchAttributes(tenantId, journeyType, journey.initialState),
      });
      return await client.workflow.executeUpdateWithStart(journeyStepUpdate, { args: [request], startWorkflowOperation });
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) throw new JourneyDoneError(workflowId);
      if (isNotFound(error)) {
        const status = await workflowStatus(client.workflow.getHandle(workflowId));
        throw status !== undefined && status !== 'RUNNING' ? new JourneyDoneError(workflowId) : new JourneyNotFoundError(workflowId);
      }
      const explained = explainUpdateFailure(error);
      // A journey that has just finished may still be closing: the same answer either way.
      if (explained instanceof StepRejectedError && explained.fieldErrors.some((e) => e.code === 'journey_finished')) throw new JourneyDoneError(workflowId);
      throw explained;
    }
  };

  // Check a step with the journey's machine on the journey as it stands, the documents standing in
  // as the metadata their upload will give; the workflow checks it again when it arrives.
  const precheck = async (applicantId: string, journeyType: string, step: string, data: JsonObject, options: SubmitOptions): Promise<void> => {
    const journey = journeyFor(journeyType);
    const workflowId = journeyWorkflowId(tenantId, journeyType, applicantId);
    const view = await getView(applicantId, journeyType, options.queryTimeoutMs !== undefined ? { timeoutMs: options.queryTimeoutMs } : {}).catch((error: unknown) => {
      if (error instanceof JourneyNotFoundError) return undefined;
      throw error;
    });
    if (view?.status === 'done') throw new JourneyDoneError(workflowId);
    // A journey on another config version is checked by its workflow only.
    if (view && view.version !== journey.version) return;
    let snapshot: PersistedJourney;
    try {
      snapshot = view ? journey.validateSnapshot(snapshotOfView(view)) : journey.initial();
    } catch (error) {
      // A view the machine cannot take as a snapshot is left to the workflow to check.
      if (error instanceof JourneySnapshotError) return;
      throw error;
    }
    const placeholders: JsonObject = {};
    for (const [field, doc] of Object.entries(options.documents ?? {})) placeholders[field] = documentMetadata(doc, PLACEHOLDER_DOCUMENT_ID, doc.body.byteLength);
    assertStepOn(journey, snapshot, submitEvent(step, { ...data, ...placeholders }, options));
  };

  return {
    async submit(applicantId, journeyType, step, data, options = {}) {
      // The seed's write flow: the bytes go to the tenant's prefix (and are recorded) before the
      // step that references them; a step the journey would refuse is refused before any upload.
      if (options.documents && Object.keys(options.documents).length > 0) await precheck(applicantId, journeyType, step, data, options);
      const uploaded: JsonObject = {};
      for (const [field, doc] of Object.entries(options.documents ?? {})) {
        const stored = await documents.upload({ kind: doc.kind, body: doc.body, ...(doc.contentType ? { contentType: doc.contentType } : {}) });
        uploaded[field] = documentMetadata(doc, stored.documentId, stored.sizeBytes);
      }
      data = { ...data, ...uploaded };
      return update(
        applicantId,
        journeyType,
        {
          event: submitEvent(step, data, options),
          actor: options.actor ?? `applicant:${applicantId}`,
        },
        true,
      );
    },
    operate(applicantId, journeyType, action) {
      const { operator, ...rest } = action;
      return update(applicantId, journeyType, { event: { type: 'OPERATOR', operator, ...rest }, actor: `operator:${operator}` }, false);
    },
    get: getView,
    async list(filter = {}) {
      const quote = (v: string): string => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
      const clauses = [`MetisTenant = ${quote(tenantId)}`, `WorkflowType = 'journeyWorkflow'`];
      if (filter.journeyType) clauses.push(`MetisJourney = ${quote(filter.journeyType)}`);
      if (filter.state) clauses.push(`MetisState = ${quote(filter.state)}`);
      const out: JourneySummary[] = [];
      for await (const wf of client.workflow.list({ query: clauses.join(' AND ') })) {
        const [, , journeyType = '', ...rest] = wf.workflowId.split(':');
        out.push({
          workflowId: wf.workflowId,
          applicantId: rest.join(':'),
          journeyType,
          state: wf.typedSearchAttributes.get(MetisState) ?? '',
          running: wf.status.name === 'RUNNING',
        });
      }
      return out;
    },
    async migrate(applicantId, journeyType, config, mapping, stateMap, actor = 'operator') {
      journeyFor(journeyType);
      const workflowId = journeyWorkflowId(tenantId, journeyType, applicantId);
      // A config that underwrites loans needs the tenant's loan policy from here on (an invalid
      // config is refused by the journey itself, with its findings).
      let underwritesLoans = false;
      try {
        underwritesLoans = underwrites(createJourney(config));
      } catch {
        underwritesLoans = false;
      }
      try {
        return await client.workflow.getHandle(workflowId).executeUpdate(journeyMigrateUpdate, { args: [{ config, mapping, ...(stateMap ? { stateMap } : {}), actor, ...(loanPolicy && underwritesLoans ? { loanPolicy } : {}) }] });
      } catch (error) {
        if (isNotFound(error)) throw new JourneyNotFoundError(workflowId);
        throw explainUpdateFailure(error);
      }
    },
  };
}
