/**
 * The FIFO permit model that the property tests of Lock/Semaphore-like
 * primitives check against (properties.test.ts; run-properties.test.ts extends
 * it with run() bodies). What the primitive must do, predicted exactly: strict FIFO hand-off, a
 * woken waiter resumes on the next drain, and one aborted in between passes
 * its permit to the head of the queue at that moment.
 */
export class PermitModel {
  free: number;
  queue: number[] = [];
  /** Handed a permit (or took a free one), not resumed yet, in resumption order. */
  woken: number[] = [];
  aborted = new Set<number>();
  holders = new Set<number>();
  rejected = new Set<number>();
  /** Fast-path acquisitions resolve whatever happens to their signal afterwards. */
  fast = new Set<number>();

  constructor(readonly permits: number) {
    this.free = permits;
  }

  acquire(id: number, preAborted: boolean): void {
    if (preAborted) this.rejected.add(id);
    else if (this.free > 0) {
      this.free--;
      this.fast.add(id);
      this.woken.push(id);
    } else this.queue.push(id);
  }

  release(id: number): void {
    this.holders.delete(id);
    this.handOn();
  }

  abort(id: number): void {
    const i = this.queue.indexOf(id);
    if (i >= 0) {
      this.queue.splice(i, 1);
      this.rejected.add(id);
    } else if (this.woken.includes(id) && !this.fast.has(id)) this.aborted.add(id);
  }

  resume(): void {
    for (let i = 0; i < this.woken.length; i++) {
      const id = this.woken[i];
      if (this.aborted.has(id)) {
        this.rejected.add(id);
        this.handOn();
      } else this.holders.add(id);
    }
    this.woken = [];
  }

  protected handOn(): void {
    const next = this.queue.shift();
    if (next === undefined) this.free++;
    else this.woken.push(next);
  }
}
