import type { Backpressure } from '../demos/runner.js';

/**
 * While output keeps coming, at most one write per this many ms (or per
 * 64 KiB). A `--virtual` run takes a step of its clock per turn of the event
 * loop: flushing every turn made a `write` (a syscall, a Buffer) per step —
 * 10^4 writes of ~750 bytes for a 10^4-worker semaphore run, 10 % of its time.
 */
const FLUSH_MS = 10;

/**
 * stdout for a CLI that may be piped into `head`: writes are batched on a
 * pipe or file (at the end of the turn of the event loop if nothing was
 * written for `FLUSH_MS`, else at most every `FLUSH_MS`, or per 64 KiB) and
 * immediate on a terminal; a closed pipe (EPIPE) ends output quietly and tells the run to
 * stop. Nothing here calls `process.exit()`: pending data drains on its own.
 *
 * A pipe whose reader is slower than the run fills up (`write()` returns
 * false): the output is then *behind* until the stream drains, and tells the
 * run (`onBehind`), which stops its clock meanwhile, so what waits in memory
 * is bounded by what the run makes between two steps of its clock, not by the
 * whole run. Costs nothing while the reader keeps up.
 */
export class Output implements Backpressure {
  /** Set once the reader went away: later writes are dropped. */
  closed = false;
  readonly #stream: NodeJS.WriteStream;
  readonly #batch: boolean;
  #buffer = '';
  #scheduled = false;
  /** Set while a flush waits for `FLUSH_MS` since the last one. */
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastFlush = Number.NEGATIVE_INFINITY;
  #onClose: (() => void) | undefined;
  /** While behind: settles once the stream drained (or closed). */
  #caughtUp: Promise<void> | undefined;
  #catchUp: (() => void) | undefined;
  readonly #holds = new Set<(caughtUp: Promise<void>) => void>();

  constructor(stream: NodeJS.WriteStream) {
    this.#stream = stream;
    this.#batch = stream.isTTY !== true;
    stream.on('error', (err: NodeJS.ErrnoException) => this.#fail(err));
    stream.on('drain', () => this.#caughtUpNow());
    stream.on('close', () => this.#caughtUpNow());
  }

  get isTTY(): boolean {
    return this.#stream.isTTY === true;
  }

  /** Columns of the terminal, or 80 when it has none (a pipe, a pty reporting 0). */
  get columns(): number {
    return this.#stream.columns || 80;
  }

  /** Calls `fn` once when the reader goes away. */
  onClose(fn: () => void): void {
    this.#onClose = fn;
  }

  /** While the stream is backed up: a promise that settles once it drained (or closed). */
  get behind(): Promise<void> | undefined {
    return this.#caughtUp;
  }

  /**
   * Calls `hold(caughtUp)` each time the output falls behind (at once if it
   * is behind now); `caughtUp` settles, never rejecting, once the stream
   * drained or closed. Returns the function that stops the calls.
   */
  onBehind(hold: (caughtUp: Promise<void>) => void): () => void {
    this.#holds.add(hold);
    if (this.#caughtUp !== undefined) hold(this.#caughtUp);
    return () => this.#holds.delete(hold);
  }

  readonly write = (text: string): void => {
    if (this.closed || text === '') return;
    if (!this.#batch) {
      if (!this.#stream.write(text)) this.#fellBehind();
      return;
    }
    this.#buffer += text;
    if (this.#buffer.length >= 65_536) this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#tick);
    }
  };

  /** End of the turn that wrote: flush now, or once `FLUSH_MS` have passed since the last flush. */
  readonly #tick = (): void => {
    const wait = this.#lastFlush + FLUSH_MS - performance.now();
    if (wait > 0) this.#timer = setTimeout(this.flush, wait);
    else this.flush();
  };

  readonly flush = (): void => {
    this.#scheduled = false;
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.closed || this.#buffer === '') return;
    this.#lastFlush = performance.now();
    const text = this.#buffer;
    this.#buffer = '';
    if (!this.#stream.write(text)) this.#fellBehind();
  };

  /** Resolves once everything written so far has been handed to the OS (or the pipe closed). */
  drained(): Promise<void> {
    this.flush();
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => this.#stream.write('', () => resolve()));
  }

  #fellBehind(): void {
    if (this.#caughtUp !== undefined) return;
    this.#caughtUp = new Promise((resolve) => {
      this.#catchUp = resolve;
    });
    for (const hold of this.#holds) hold(this.#caughtUp);
  }

  #caughtUpNow(): void {
    const catchUp = this.#catchUp;
    this.#caughtUp = undefined;
    this.#catchUp = undefined;
    catchUp?.();
  }

  #fail(err: NodeJS.ErrnoException): void {
    if (this.closed) return;
    this.closed = true;
    this.#buffer = '';
    this.#caughtUpNow();
    // EPIPE / a destroyed stream: the reader left. Anything else is as final for this output.
    if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') process.exitCode ||= 1;
    this.#onClose?.();
  }
}
