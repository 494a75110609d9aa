import chalk from 'chalk';
import ora, { type Ora } from 'ora';
import { LiveCounts } from '../trace/analysis.js';
import { formatElapsed } from '../trace/format.js';
import type { TraceEvent } from '../trace/types.js';
import { truncate } from '../trace/wrap.js';
import type { ColorLevel } from './color.js';
import { CLI_TEXT, type CliText } from './messages.js';

/** How often the clock in the spinner's text moves on while no event comes. */
const TICK_MS = 100;

/**
 * A spinner on stderr that follows the trace: `semaphore  3 running · 7 waiting  +1.250s`.
 * Started by `run.start`, stopped (and erased) by `run.end`. ora also clears
 * and redraws it around every stdout write, so event lines and the spinner
 * never mix. On the real clock its time runs with the wall clock (times the
 * run's speed), so a long sleep shows time passing rather than the time of
 * the last event; on the virtual clock it shows the last event's time.
 */
export class LiveSpinner {
  readonly #spinner: Ora;
  readonly #stream: NodeJS.WriteStream;
  #counts = new LiveCounts();
  #demo = '';
  /** Wall time of `run.start` and the run's speed, on the real clock; undefined on the virtual one. */
  #real: { origin: number; speed: number } | undefined;
  #last = 0;
  #ticker: NodeJS.Timeout | undefined;

  readonly #words: CliText;

  constructor(stream: NodeJS.WriteStream, level: ColorLevel, text: CliText = CLI_TEXT.en) {
    this.#words = text;
    // ora paints with chalk's shared instance: hold it to the level decided for stderr.
    chalk.level = level;
    this.#stream = stream;
    // discardStdin: ora's default would swallow Ctrl-C on a terminal.
    // hideCursor: restoring it would hook SIGINT through signal-exit; the CLI handles SIGINT itself.
    this.#spinner = ora({ stream, discardStdin: false, hideCursor: false, isEnabled: true, color: false });
  }

  readonly update = (event: TraceEvent): void => {
    if (event.type === 'run.start') {
      this.#counts = new LiveCounts();
      this.#demo = event.demo;
      this.#last = event.t;
      const real = event.data?.clock === 'real';
      this.#real = real ? { origin: performance.now(), speed: Number(event.data?.speed ?? 1) } : undefined;
      this.#spinner.start(this.#text());
      // The text is redrawn on a timer, not per event: 10^5 events cost one count update each, not a redraw.
      clearInterval(this.#ticker);
      this.#ticker = setInterval(() => {
        this.#spinner.text = this.#text();
      }, TICK_MS);
      this.#ticker.unref();
      return;
    }
    if (event.type === 'run.end') {
      this.stop();
      return;
    }
    this.#counts.update(event);
    this.#last = event.t;
  };

  /** Writes `text` to stderr above the spinner (a note for the user), then redraws it. */
  note(text: string): void {
    this.#spinner.clear();
    this.#stream.write(text);
    if (this.#spinner.isSpinning) this.#spinner.render();
  }

  stop(): void {
    clearInterval(this.#ticker);
    this.#ticker = undefined;
    this.#spinner.stop();
  }

  #text(): string {
    const { running, waiting } = this.#counts;
    const now =
      this.#real === undefined
        ? this.#last
        : Math.max(this.#last, (performance.now() - this.#real.origin) * this.#real.speed);
    // The frame and its space take two columns; a wrapped spinner line would leave debris when redrawn.
    const text = this.#words.spinner(this.#demo, running, waiting, formatElapsed(now));
    return truncate(text, (this.#stream.columns || 80) - 3);
  }
}
