import type { Lang } from '../trace/lang.js';
import type { RenderSettings } from '../trace/renderers/types.js';
import { type ColorLevel, colorLevel } from './color.js';
import { CLI_TEXT, type CliText } from './messages.js';
import { Output } from './output.js';

/** The process's terminal, as decided once at start-up and handed to every command. */
export interface Io {
  /** stdout, EPIPE-safe. */
  readonly out: Output;
  /** Writes to stderr (a vanished reader is ignored), after flushing what stdout holds. */
  err(text: string): void;
  readonly outLevel: ColorLevel;
  readonly errLevel: ColorLevel;
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: NodeJS.ReadStream;
  readonly stderr: NodeJS.WriteStream;
  /** The language of every text (`--lang`, else the environment's), and the CLI's words in it. */
  readonly lang: Lang;
  readonly text: CliText;
}

/** Decides colour for both streams from `args`, the environment and what each terminal supports (`detected`). */
export function createIo(
  args: readonly string[],
  detected: { stdout: number; stderr: number },
  proc: Pick<NodeJS.Process, 'stdout' | 'stderr' | 'stdin' | 'env'> = process,
  lang: Lang = 'en',
): Io {
  proc.stderr.on('error', () => {});
  const out = new Output(proc.stdout);
  return {
    out,
    err: (text) => {
      // What stdout holds in its batch was written first: out before the message, so `2>&1` reads in order.
      out.flush();
      proc.stderr.write(text);
    },
    outLevel: colorLevel(args, proc.env, proc.stdout, detected.stdout),
    errLevel: colorLevel(args, proc.env, proc.stderr, detected.stderr),
    env: proc.env,
    stdin: proc.stdin,
    stderr: proc.stderr,
    lang,
    text: CLI_TEXT[lang],
  };
}

/** How a renderer draws on this stdout: one rule for a live run and `render`, so both print the same bytes. */
export function renderSettings(io: Io): RenderSettings {
  return {
    write: io.out.write,
    colorLevel: io.outLevel,
    width: io.out.columns,
    // A terminal gets lines that fit it; a pipe keeps one event per line (goldens, `render`).
    fit: io.out.isTTY,
    ascii: io.outLevel === 0 || io.env.TERM === 'dumb',
  };
}
