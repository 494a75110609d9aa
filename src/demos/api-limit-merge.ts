/**
 * The parent's merge of `api-limit --processes`: the children's events wait
 * here a little, so that late arrivals from other processes take their place
 * in time, and the merge adds what only the parent can tell — which permits a
 * killed process still holds in Redis (its ghosts), and when a live process is
 * granted one of them (`permit.returned`). Pure bookkeeping, fed by the
 * parent: no processes, no clock of its own (times are wall ms).
 */
import type { TraceFields } from '../trace/types.js';
import { processOf } from './api-limit-ipc.js';
import { API } from './api-limit-processes-checks.js';

export type MergedFields = TraceFields & { task: string };

export interface MergeOptions {
  /** The permits every process shares. */
  limit: number;
  /** Receives each merged event, in time order: `at` is its wall time. */
  emit(at: number, type: string, fields: MergedFields): void;
  /** The `msg` of `permit.returned`: `ghost`'s permit came back `afterMs` after the kill. */
  returned(ghost: string, afterMs: number): string;
}

interface Kill {
  proc: string;
  at: number;
  /** Known once the killed process's channel has closed. */
  ghosts: string[] | undefined;
  describe(ghosts: string[]): MergedFields;
}

/** Whether an event of `resource` `api` ends a hold: a release, or a lease lost (the process stalled past it). */
const ends = (type: string): boolean => type === 'release' || type === 'lease.lost';

export class Merge {
  readonly #options: MergeOptions;
  readonly #buffer: { at: number; n: number; type: string; fields: MergedFields }[] = [];
  #arrivals = 0;
  /** Per process, its tasks holding a permit as far as its delivered events tell (in delivery order). */
  readonly #holding = new Map<string, Set<string>>();
  /** Tasks holding a permit in the trace emitted so far. */
  readonly #holders = new Set<string>();
  #kill: Kill | undefined;
  #ghostsLeft = 0;

  constructor(options: MergeOptions) {
    this.#options = options;
  }

  /** An event the parent tells itself (`process.start`, `process.exit`, …), at wall time `at`. */
  relay(at: number, type: string, fields: MergedFields): void {
    this.#buffer.push({ at, n: this.#arrivals++, type, fields });
  }

  /** An event from a child, in the order its channel delivered it. */
  event(at: number, type: string, fields: MergedFields): void {
    this.relay(at, type, fields);
    if (fields.resource !== API) return;
    const proc = processOf(fields.task) ?? 'main';
    let mine = this.#holding.get(proc);
    if (mine === undefined) this.#holding.set(proc, (mine = new Set()));
    if (type === 'acquire') mine.add(fields.task);
    else if (ends(type)) mine.delete(fields.task);
  }

  /** Whether `task` holds a permit, as far as its process's delivered events tell. */
  holds(task: string): boolean {
    return this.#holding.get(processOf(task) ?? 'main')?.has(task) ?? false;
  }

  /**
   * `proc` was SIGKILLed at `at`. Its holders then are ghosts: Redis counts
   * their permits until the leases run out. Which tasks they are is known only
   * when its channel has closed (`closed`): events it sent just before dying —
   * a release, an acquire — may still be in the pipe at the kill. Until then
   * nothing from `at` on is emitted. `describe(ghosts)` makes the
   * `process.kill` event.
   */
  kill(proc: string, at: number, describe: (ghosts: string[]) => MergedFields): void {
    if (this.#kill !== undefined) throw new Error('api-limit --processes kills one process only');
    this.#kill = { proc, at, ghosts: undefined, describe };
  }

  /** `proc`'s IPC channel closed: every event it sent has been delivered. */
  closed(proc: string): void {
    const kill = this.#kill;
    if (kill === undefined || kill.proc !== proc || kill.ghosts !== undefined) return;
    kill.ghosts = [...(this.#holding.get(proc) ?? [])];
    this.#ghostsLeft = kill.ghosts.length;
    this.relay(kill.at, 'process.kill', kill.describe(kill.ghosts));
  }

  /** Emits, in time order, the events from before `horizon` (wall ms); all of them when it is undefined. */
  flush(horizon?: number): void {
    const kill = this.#kill;
    // The end: whatever the killed process sent has arrived by now, or never will.
    if (horizon === undefined && kill !== undefined) this.closed(kill.proc);
    const held = kill !== undefined && kill.ghosts === undefined ? kill.at : Number.POSITIVE_INFINITY;
    const buffer = this.#buffer;
    buffer.sort((a, b) => a.at - b.at || a.n - b.n);
    let count = 0;
    while (count < buffer.length) {
      const { at } = buffer[count]!;
      if (at >= held || (horizon !== undefined && at > horizon)) break;
      count++;
    }
    for (const { at, type, fields } of buffer.splice(0, count)) this.#emit(at, type, fields);
  }

  #emit(at: number, type: string, fields: MergedFields): void {
    this.#options.emit(at, type, fields);
    if (fields.resource !== API) return;
    if (type === 'acquire') this.#holders.add(fields.task);
    else if (ends(type)) this.#holders.delete(fields.task);
    // The killed holders still count in Redis until their leases run out: a live holder beyond
    // `limit − ghosts` means one lease ran out and its permit was granted again.
    const kill = this.#kill;
    if (kill?.ghosts === undefined || this.#ghostsLeft === 0 || type !== 'acquire' || at <= kill.at) return;
    const ghosts = kill.ghosts;
    const live = [...this.#holders].filter((task) => !ghosts.includes(task)).length;
    if (live <= this.#options.limit - this.#ghostsLeft) return;
    this.#ghostsLeft--;
    const ghost = ghosts[this.#ghostsLeft]!;
    this.#holders.delete(ghost);
    this.#options.emit(at, 'permit.returned', {
      task: processOf(ghost) ?? 'main',
      resource: API,
      data: { from: ghost, afterMs: Math.round(at - kill.at) },
      msg: this.#options.returned(ghost, at - kill.at),
    });
  }
}
