// The shape every fault test shares: plan the load, drive it, inject the fault once it is
// mid-flight, wait until everything has settled, check the invariants and print the table row.
import assert from 'node:assert/strict';
import type { Chaos } from './harness.ts';
import { chaosLoads, seconds, sleep, tableRow } from './harness.ts';
import { checkInvariants, describeChecked, settledCounts, waitSettled } from './invariants.ts';
import type { Checked } from './invariants.ts';
import { driveLoad, planJourneys, planLoans, runId } from './load.ts';
import type { Load, LoadOptions, PlannedJourney, PlannedLoan } from './load.ts';

/** Where the load stood when the fault was injected. */
export interface AtFault {
  readonly decided: number;
  readonly journeysDone: number;
  readonly journeySteps: number;
}

/** A fault test. */
export interface Scenario {
  /** Name in the table's first column. */
  readonly fault: string;
  /** What was checked besides the common invariants (table column). */
  readonly checks?: string;
  /** Loans and journeys (default CHAOS_LOADS, else 200). */
  readonly count?: number;
  /** Journeys upload their PAN image to the object store. */
  readonly uploads?: boolean;
  /** Share of loans decided before the fault is injected (default 0.15). */
  readonly at?: number;
  readonly load?: LoadOptions;
  /** Loans applied only once the fault has been injected and ended (default 0). */
  readonly holdBack?: number;
  /** Start the workers the load runs on. */
  setup(chaos: Chaos): Promise<void>;
  /** Inject the fault (and end it); return what was injected, for the table. `release(n)` applies the next n held-back loans. */
  inject(chaos: Chaos, load: Load, at: AtFault, release: (n: number) => Promise<void>): Promise<string>;
  /** Extra checks after the common ones; return a note for the counts column. */
  verify?(chaos: Chaos, load: Load, checked: Checked): Promise<string>;
  /** How long everything may take to settle after the fault (default 240 s). */
  readonly settleMs?: number;
}

/** Run a scenario on `chaos`. */
export async function runScenario(chaos: Chaos, scenario: Scenario): Promise<void> {
  const start = Date.now();
  const count = scenario.count ?? chaosLoads();
  const run = runId(scenario.fault.replace(/[^a-z]+/gi, '-').toLowerCase().slice(0, 12));
  const journeys: PlannedJourney[] = planJourneys(run, count, scenario.uploads ?? false);
  const loans: PlannedLoan[] = planLoans(run, count);
  await scenario.setup(chaos);
  const held = scenario.holdBack ?? 0;
  const load = driveLoad(chaos, journeys, loans.slice(0, loans.length - held), scenario.load);
  const target = Math.max(3, Math.floor(count * (scenario.at ?? 0.15)));
  let at: AtFault = { decided: 0, journeysDone: 0, journeySteps: 0 };
  for (const deadline = Date.now() + 120_000; ; ) {
    at = await settledCounts(chaos, journeys, loans);
    if (at.decided >= target) break;
    if (Date.now() > deadline) {
      const stderr = chaos.workers.map((w) => `${w.name} (${w.child.exitCode ?? w.child.signalCode ?? 'running'}): ${w.stderr().slice(-1500)}`).join('\n');
      throw new Error(`the load did not reach ${target} decisions in 120 s (${at.decided} decided, ${at.journeySteps} journey steps, ${load.progress.loansApplied} loans applied, ${load.progress.retries} retries: ${[...load.progress.errors.keys()].join(', ')})\n${stderr}`);
    }
    await sleep(200);
  }
  assert.ok(at.decided < count, `the fault comes mid-flight (${at.decided}/${count} decided)`);
  const faultAt = Date.now();
  const waiting = loans.slice(loans.length - held);
  const tails: Load[] = [];
  const release = async (n: number): Promise<void> => {
    const next = waiting.splice(0, n);
    if (next.length === 0) return;
    const tail = driveLoad(chaos, [], next, scenario.load);
    tails.push(tail);
    await tail.driven;
  };
  const injected = await scenario.inject(chaos, load, at, release);
  await release(waiting.length);
  await load.driven;
  for (const tail of tails) {
    await tail.driven;
    load.progress.retries += tail.progress.retries;
    for (const [name, n] of tail.progress.errors) load.progress.errors.set(name, (load.progress.errors.get(name) ?? 0) + n);
  }
  await waitSettled(chaos, journeys, loans, scenario.settleMs ?? 240_000);
  const settled = Date.now();
  const checked = await checkInvariants(chaos, journeys, loans);
  const extra = scenario.verify ? await scenario.verify(chaos, { ...load, loans }, checked) : '';
  const retried = [...load.progress.errors].map(([name, n]) => `${n}× ${name}`).join(', ');
  tableRow({
    fault: scenario.fault,
    load: `${count} loans + ${count} journeys, acme and zenith`,
    injected: `${injected} (at ${at.decided}/${count} loans decided, ${at.journeysDone}/${count} journeys done)`,
    checked: `decided once, no duplicate decision/payout/notification, nothing lost, audit seq 1..n, projection = workflow${scenario.checks ? `; ${scenario.checks}` : ''}`,
    counts: `${describeChecked(checked)}; ${load.progress.retries} client retries${retried ? ` (${retried})` : ''}${extra ? `; ${extra}` : ''}; settled ${((settled - faultAt) / 1000).toFixed(1)} s after the fault, ${seconds(start)} in all`,
  });
  assert.deepEqual(checked.violations.slice(0, 20), [], `${checked.violations.length} violations`);
}
