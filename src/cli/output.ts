/**
 * stdout for a CLI that may be piped into `head`: writes are batched on a
 * pipe (one write per turn of the event loop, or per 64 KiB) and immediate on
 * a terminal; a closed pipe (EPIPE) ends output quietly and tells the run to
 * stop. Nothing here calls `process.exit()`: pending data drains on its own.
 */
export class Output {
  /** Set once the reader went away: later writes are dropped. */
  closed = false;
  readonly #stream: NodeJS.WriteStream;
  readonly #batch: boolean;
  #buffer = '';
  #scheduled = false;
  #onClose: (() => void) | undefined;

  constructor(stream: NodeJS.WriteStream) {
    this.#stream = stream;
    this.#batch = stream.isTTY !== true;
    stream.on('error', (err: NodeJS.ErrnoException) => this.#fail(err));
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

  readonly write = (text: string): void => {
    if (this.closed || text === '') return;
    if (!this.#batch) {
      this.#stream.write(text);
      return;
    }
    this.#buffer += text;
    if (this.#buffer.length >= 65_536) this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.flush);
    }
  };

  readonly flush = (): void => {
    this.#scheduled = false;
    if (this.closed || this.#buffer === '') return;
    const text = this.#buffer;
    this.#buffer = '';
    this.#stream.write(text);
  };

  /** Resolves once everything written so far has been handed to the OS (or the pipe closed). */
  drained(): Promise<void> {
    this.flush();
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => this.#stream.write('', () => resolve()));
  }

  #fail(err: NodeJS.ErrnoException): void {
    if (this.closed) return;
    this.closed = true;
    this.#buffer = '';
    // EPIPE / a destroyed stream: the reader left. Anything else is as final for this output.
    if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') process.exitCode ||= 1;
    this.#onClose?.();
  }
}
