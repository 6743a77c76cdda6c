/** Compensations registered by the steps of a saga, run in reverse on failure. */
export interface Saga {
  /** Register the undo of a step that has just succeeded. */
  add(name: string, compensate: () => Promise<void>): void;
  /** Run every registered compensation, newest first; return the names of those that failed. */
  compensate(): Promise<string[]>;
  /** Names of the compensations registered so far. */
  readonly registered: readonly string[];
}

/** Create an empty saga. */
export function createSaga(): Saga {
  const steps: { name: string; compensate: () => Promise<void> }[] = [];
  return {
    add(name, compensate) {
      steps.push({ name, compensate });
    },
    async compensate() {
      const failed: string[] = [];
      for (const step of [...steps].reverse()) {
        try {
          await step.compensate();
        } catch {
          failed.push(step.name);
        }
      }
      steps.length = 0;
      return failed;
    },
    get registered() {
      return steps.map((s) => s.name);
    },
  };
}
