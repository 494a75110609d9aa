import { Chalk, type ChalkInstance } from 'chalk';
import type { EventWords } from '../format.js';

/** The colours of the pretty family (pretty lines, timeline, summary, checks), at one chalk level. */
export interface Style {
  readonly chalk: ChalkInstance;
  /** Paints `text` in the colour of the task first seen at `index` in its run (`main` stays neutral). */
  task(text: string, index: number): string;
  tone(tone: EventWords['tone'], text: string): string;
  dim(text: string): string;
  bold(text: string): string;
  ok(text: string): string;
  bad(text: string): string;
  warn(text: string): string;
}

const PALETTE = [
  'cyan',
  'magenta',
  'yellow',
  'blue',
  'green',
  'red',
  'cyanBright',
  'magentaBright',
  'yellowBright',
  'blueBright',
  'greenBright',
  'redBright',
] as const;

export function createStyle(level: 0 | 1 | 2 | 3): Style {
  const chalk = new Chalk({ level });
  const tones: Record<EventWords['tone'], (text: string) => string> = {
    wait: chalk.yellow,
    go: chalk.green,
    back: chalk.blue,
    ok: chalk.green,
    bad: chalk.red,
    signal: chalk.magenta,
    note: chalk.italic,
    plain: (text) => text,
  };
  return {
    chalk,
    task: (text, index) =>
      text === 'main' ? chalk.bold(text) : chalk[PALETTE[index % PALETTE.length]!](text),
    tone: (tone, text) => tones[tone](text),
    dim: chalk.dim,
    bold: chalk.bold,
    ok: chalk.green,
    bad: chalk.red,
    warn: chalk.yellow,
  };
}
