import chalk from 'chalk';
import ora, { type Ora } from 'ora';
import { LiveCounts } from '../trace/analysis.js';
import { formatElapsed } from '../trace/format.js';
import type { TraceEvent } from '../trace/types.js';
import type { ColorLevel } from './color.js';

/**
 * A spinner on stderr that follows the trace: `semaphore  3 running · 7 waiting  +1.250s`.
 * Started by `run.start`, stopped (and erased) by `run.end`. ora also clears
 * and redraws it around every stdout write, so event lines and the spinner
 * never mix.
 */
export class LiveSpinner {
  readonly #spinner: Ora;
  #counts = new LiveCounts();
  #demo = '';

  constructor(stream: NodeJS.WriteStream, level: ColorLevel) {
    // ora paints with chalk's shared instance: hold it to the level decided for stderr.
    chalk.level = level;
    // discardStdin: ora's default would swallow Ctrl-C on a terminal.
    // hideCursor: restoring it would hook SIGINT through signal-exit; the CLI handles SIGINT itself.
    this.#spinner = ora({ stream, discardStdin: false, hideCursor: false, isEnabled: true, color: false });
  }

  readonly update = (event: TraceEvent): void => {
    if (event.type === 'run.start') {
      this.#counts = new LiveCounts();
      this.#demo = event.demo;
      this.#spinner.start(this.#text(event));
      return;
    }
    if (event.type === 'run.end') {
      this.#spinner.stop();
      return;
    }
    this.#counts.update(event);
    this.#spinner.text = this.#text(event);
  };

  stop(): void {
    this.#spinner.stop();
  }

  #text(event: TraceEvent): string {
    const { running, waiting } = this.#counts;
    return `${this.#demo}  ${running} running · ${waiting} waiting  ${formatElapsed(event.t)}`;
  }
}
