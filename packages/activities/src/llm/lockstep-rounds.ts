/**
 * Keep the sequences that are generating in step, so each decode pass carries one token of
 * every one of them. node-llama-cpp batches whatever sequences have queued a token when a pass
 * starts; a sequence whose sampled token arrives a moment late would miss the pass and ride the
 * next one alone. Each generating sequence waits here after each token; when all have arrived,
 * they are released together on the next macrotask, after the library has finished its
 * bookkeeping for the pass, so their next tokens queue at once and are decoded in one pass.
 */
export class LockstepRounds {
  private participants = 0;
  private readonly arrived: Array<() => void> = [];
  private releasing = false;

  /** Count a sequence that has started generating. */
  join(): void {
    this.participants += 1;
  }

  /** Stop counting a sequence that finished, failed or was cancelled. */
  leave(): void {
    this.participants -= 1;
    this.check();
  }

  /** Wait until every generating sequence has its token, then continue together. */
  arrive(): Promise<void> {
    return new Promise((resolve) => {
      this.arrived.push(resolve);
      this.check();
    });
  }

  private check(): void {
    if (this.releasing || this.arrived.length === 0 || this.arrived.length < this.participants) return;
    this.releasing = true;
    setImmediate(() => {
      this.releasing = false;
      for (const release of this.arrived.splice(0)) release();
    });
  }
}
