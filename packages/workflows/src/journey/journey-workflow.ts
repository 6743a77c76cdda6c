import {
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  allHandlersFinished,
  currentUpdateInfo,
} from '@temporalio/workflow';
import type { JourneyActivities } from '@metis/activities/journeys';
import { createJourney, JourneyStepError } from '@metis/fsm';
import type { JourneyEventInput, JsonObject, PersistedJourney, StepSuccess } from '@metis/fsm';
import { LOCAL_STORAGE_ACTIVITY } from '../presets.ts';
import { runStateAutomation } from './automations.ts';
import { MetisJourney, MetisOutcome, MetisState, MetisTenant } from '../search-attributes.ts';
import { taskQueuePrefix } from '../task-queues.ts';
import { transitionBusinessEvents } from './business-events.ts';
import type { BusinessEvent } from './business-events.ts';
import { journeyMigrateUpdate, journeyQuery, journeyStepUpdate, MIGRATION_REFUSED, STEP_REJECTED } from './definitions.ts';
import type { JourneyMigrationRequest, JourneyStepRequest, JourneyView, JourneyWorkflowInput } from './definitions.ts';
import { mapSnapshot } from './snapshot-mapping.ts';

/** Continue as new after this many transitions in one run, to keep histories short. */
export const JOURNEY_STEPS_PER_RUN = 200;

function rejectStep(error: unknown): never {
  if (error instanceof JourneyStepError) {
    throw ApplicationFailure.create({ type: STEP_REJECTED, message: error.message, details: [error.errors], nonRetryable: true });
  }
  throw ApplicationFailure.create({ type: STEP_REJECTED, message: error instanceof Error ? error.message : String(error), details: [[]], nonRetryable: true });
}

/** Run one applicant's journey: steps arrive as validated Updates, automated states run activities, timeouts are durable timers. */
export async function journeyWorkflow(input: JourneyWorkflowInput): Promise<JourneyView> {
  const info = workflowInfo();
  const prefix = taskQueuePrefix(info.taskQueue);
  // The audit write runs as a local activity: in the same workflow task as the Update, so a step's
  // round trip is one trip to the server plus one database transaction.
  const storage = proxyLocalActivities<JourneyActivities>(LOCAL_STORAGE_ACTIVITY);

  const journey = createJourney(input.config);
  let snapshot: PersistedJourney = input.snapshot ? journey.validateSnapshot(input.snapshot) : journey.initial({ data: input.initialData ?? {}, ...(input.startedAt ? { asOf: input.startedAt } : {}) });
  let steps = input.carriedSteps ?? snapshot.context.history.length;
  let automationRunning = false;
  let automationError: string | null = null;
  let pendingMigration: JourneyMigrationRequest | undefined;
  let stepsThisRun = 0;
  const journeyId = `${journey.journeyType}:${input.applicantId}`;

  const view = (): JourneyView => ({
    ...journey.describe(snapshot),
    tenantId: input.tenantId,
    applicantId: input.applicantId,
    data: snapshot.context.data,
    results: snapshot.context.results,
    automationRunning,
    automationError,
  });

  // At start every attribute is set; after a step only the state (and the outcome at the end) changes.
  const publishState = (all = false): void => {
    upsertSearchAttributes([
      ...(all
        ? [
            { key: MetisTenant, value: input.tenantId },
            { key: MetisJourney, value: journey.journeyType },
          ]
        : []),
      { key: MetisState, value: snapshot.state },
      ...(snapshot.status === 'done' ? [{ key: MetisOutcome, value: snapshot.state }] : []),
    ]);
  };

  // Apply an accepted step: the snapshot changes at once (so later validators see it), the audit
  // row, projection and events are written by an idempotent activity keyed by the step's id.
  // Writes are chained: one local activity at a time, in transition order, so an Update's write
  // and a timer's write never resolve in the same activation (their order must replay exactly).
  let writes: Promise<unknown> = Promise.resolve();
  const apply = async (result: StepSuccess, actor: string, data: JsonObject | undefined, extraEvents: readonly BusinessEvent[] = []): Promise<void> => {
    snapshot = result.snapshot;
    steps += 1;
    stepsThisRun += 1;
    automationError = null;
    const seq = steps;
    publishState();
    const write = writes.then(() => storage.recordJourneyTransition({
      tenantId: input.tenantId,
      journeyId,
      workflowId: info.workflowId,
      journeyType: journey.journeyType,
      applicantId: input.applicantId,
      configVersion: journey.version,
      seq,
      from: result.from,
      to: result.to,
      eventType: result.event,
      actor,
      ...(data ? { data } : {}),
      status: result.final ? 'done' : 'active',
      idempotencyKey: `${info.workflowId}:${info.firstExecutionRunId}:${seq}`,
      events: [...extraEvents, ...transitionBusinessEvents(journey.config, result.from, result.to, result.event, data, result.final)],
    }));
    writes = write.catch(() => undefined);
    await write;
  };

  setHandler(journeyQuery, view);

  // The last validator's result: its handler runs right after it, in the same activation.
  let validated: { updateId: string | undefined; snapshot: PersistedJourney; result: StepSuccess } | undefined;

  setHandler(
    journeyStepUpdate,
    async (request) => {
      // Reuse the validator's result when it ran for this Update against this very snapshot
      // (on replay validators do not run, and the step is computed again).
      const mine = validated?.updateId === currentUpdateInfo()?.id && validated?.snapshot === snapshot ? validated?.result : undefined;
      validated = undefined;
      const result = mine ?? journey.step(snapshot, request.event);
      if (!result.ok) rejectStep(new JourneyStepError(result.errors));
      const data = request.event.type === 'SUBMIT' || request.event.type === 'OPERATOR' ? request.event.data : undefined;
      await apply(result, request.actor, data);
      return { journey: view(), from: result.from, to: result.to };
    },
    {
      validator: (request: JourneyStepRequest) => {
        if (pendingMigration) rejectStep(new Error('a migration is in progress'));
        if (request.event.type !== 'SUBMIT' && request.event.type !== 'OPERATOR') {
          rejectStep(new Error(`${request.event.type} events come from the journey itself, not from callers`));
        }
        let result: StepSuccess;
        try {
          result = journey.assertStep(snapshot, request.event);
        } catch (error) {
          rejectStep(error);
        }
        validated = { updateId: currentUpdateInfo()?.id, snapshot, result };
      },
    },
  );

  setHandler(
    journeyMigrateUpdate,
    (request) => {
      pendingMigration = request;
      return Promise.resolve({ from: journey.version, to: createJourney(request.config).version });
    },
    {
      validator: (request: JourneyMigrationRequest) => {
        const refuse = (message: string): never => {
          throw ApplicationFailure.create({ type: MIGRATION_REFUSED, message, nonRetryable: true });
        };
        if (pendingMigration) refuse('a migration is already in progress');
        if (automationRunning) refuse(`the automated state ${snapshot.state} is running; migrate once it has finished`);
        if (snapshot.status === 'done') refuse('the journey has finished');
        try {
          mapSnapshot(snapshot, createJourney(request.config), request.mapping, request.stateMap);
        } catch (error) {
          refuse(error instanceof Error ? error.message : String(error));
        }
      },
    },
  );

  publishState(true);

  // Run the current automated state's work, bounded by the state's timeout.
  const runAutomation = async (): Promise<void> => {
    const state = journey.stateInfo(snapshot.state);
    const attempt = snapshot.context.timeouts[state.name] ?? 0;
    // The activity heartbeats while tenant code runs; each attempt may last as long as the state
    // (the timer below cancels it then). Only the scheduled activity's timeouts differ from older
    // builds, and replay does not compare them, so old histories replay without a patch.
    automationRunning = true;
    let outcome: { kind: 'result'; result: JsonObject } | { kind: 'timeout' } | { kind: 'failed'; message: string };
    try {
      // The result is checked as JSON by the journey when it is applied.
      const work = (): Promise<JsonObject> =>
        runStateAutomation({
          input: {
            tenantId: input.tenantId,
            journeyType: journey.journeyType,
            journeyVersion: journey.version,
            applicantId: input.applicantId,
            state: state.name,
            data: snapshot.context.data,
            results: snapshot.context.results,
          },
          automation: state.automation,
          timeoutMs: state.timeoutMs,
          prefix,
          loanPolicy: input.loanPolicy,
        });
      const result = state.timeoutMs === null ? await work() : await CancellationScope.withTimeout(state.timeoutMs, work);
      outcome = { kind: 'result', result };
    } catch (error) {
      if (isCancellation(error)) outcome = { kind: 'timeout' };
      else outcome = { kind: 'failed', message: error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error) };
    } finally {
      automationRunning = false;
    }
    if (outcome.kind === 'result') {
      const result = journey.step(snapshot, { type: 'AUTOMATED_RESULT', state: state.name, result: outcome.result });
      if (result.ok) {
        await apply(result, 'system', undefined);
        return;
      }
      automationError = `the result did not lead anywhere: ${result.errors.map((e) => e.message).join('; ')}`;
    } else if (outcome.kind === 'failed') {
      automationError = outcome.message;
    }
    // Timed out or failed: emit the timeout and follow the config (retry or move on), or wait for an operator.
    if (outcome.kind === 'timeout' || state.timeoutMs !== null) {
      if (outcome.kind !== 'timeout' && state.timeoutMs !== null) await condition(() => snapshot.state !== state.name || pendingMigration !== undefined, state.timeoutMs);
      if (snapshot.state === state.name && !pendingMigration) await timeout(state.name, attempt);
    } else {
      await condition(() => snapshot.state !== state.name || pendingMigration !== undefined);
    }
  };

  // A timer expired: the TIMEOUT transition and its WORKFLOW_TIMEOUT event are written together.
  const timeout = async (stateName: string, attempt: number): Promise<void> => {
    const event: JourneyEventInput = { type: 'TIMEOUT', state: stateName };
    const result = journey.step(snapshot, event);
    if (!result.ok) return;
    await apply(result, 'system', undefined, [{ type: 'WORKFLOW_TIMEOUT', payload: { journeyType: journey.journeyType, state: stateName, attempt: attempt + 1 } }]);
  };

  while (snapshot.status !== 'done') {
    if (pendingMigration) break;
    if (stepsThisRun >= JOURNEY_STEPS_PER_RUN || workflowInfo().continueAsNewSuggested) break;
    const state = journey.stateInfo(snapshot.state);
    if (state.automated) {
      await runAutomation();
      continue;
    }
    const seen = steps;
    const settled = (): boolean => steps !== seen || pendingMigration !== undefined;
    if (state.timeoutMs === null) {
      await condition(settled);
    } else if (!(await condition(settled, state.timeoutMs))) {
      await timeout(state.name, snapshot.context.timeouts[state.name] ?? 0);
    }
  }

  await condition(allHandlersFinished);
  if (pendingMigration) {
    const target = createJourney(pendingMigration.config);
    const mapped = mapSnapshot(snapshot, target, pendingMigration.mapping, pendingMigration.stateMap);
    await storage.emitJourneyEvent({
      tenantId: input.tenantId,
      journeyId,
      type: 'JOURNEY_MIGRATED',
      payload: { from: journey.version, to: target.version, mapping: pendingMigration.mapping, actor: pendingMigration.actor },
      idempotencyKey: `${info.workflowId}:${info.firstExecutionRunId}:${steps}:migrate:${target.version}`,
    });
    return continueAsNew<typeof journeyWorkflow>({ ...input, config: pendingMigration.config, snapshot: mapped, carriedSteps: steps, ...(pendingMigration.loanPolicy ? { loanPolicy: pendingMigration.loanPolicy } : {}) });
  }
  if (snapshot.status !== 'done') {
    return continueAsNew<typeof journeyWorkflow>({ ...input, snapshot, carriedSteps: steps });
  }
  return view();
}
