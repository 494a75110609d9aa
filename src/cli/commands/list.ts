import type { OptionSpec } from '../../demos/contract.js';
import { DEMOS } from '../../demos/registry.js';
import { POINTS, SAMPLES, TUTORIAL_TEXT, type TutorialEntry } from '../../demos/tutorial.js';
import { wrapLine } from '../../trace/wrap.js';
import { boxTable } from '../box.js';
import { bold, cyan } from '../color.js';
import type { Io } from '../io.js';
import { accepted, flagName } from '../options.js';
import { BIN } from '../program.js';

/** `list`: a table of demos, or (`--json`) a JSON array describing each with its options. */
export async function listCommand(io: Io, options: { json?: boolean }): Promise<void> {
  if (options.json === true) {
    io.out.write(`${JSON.stringify(DEMOS.map(describeDemo), null, 2)}\n`);
    return;
  }
  io.out.write(`${demoTable(io)}\n\n${tutorialMap(io)}\n`);
}

/**
 * The tutorial's nine samples and six design points, each with what shows it:
 * two columns, the second at a fixed indent (every line fits 80 columns). On a
 * narrower terminal, the demo and flag go on their own indented line.
 */
export function tutorialMap(io: Io): string {
  const narrow = io.out.isTTY === true && io.out.columns < 80;
  const rows = (entries: readonly TutorialEntry[]) =>
    entries.map(({ topic, run }) =>
      narrow
        ? [
            ...wrapLine(`  ${topic}`, io.out.columns, 0, '  '),
            ...wrapLine(`      ${cyan(run, io.outLevel)}`, io.out.columns, 0, '      '),
          ].join('\n')
        : `  ${topic.padEnd(37)} ${cyan(run, io.outLevel)}`,
    );
  return [
    bold(TUTORIAL_TEXT.samples, io.outLevel),
    ...rows(SAMPLES),
    bold(TUTORIAL_TEXT.points, io.outLevel),
    ...rows(POINTS),
  ].join('\n');
}

/** The bare invocation: what the tool is, how to call it, and the demos. */
export async function shortHelp(io: Io): Promise<void> {
  // On a terminal, each line wraps to its width under its own indentation.
  const fitted = (line: string, hang: string): string =>
    io.out.isTTY ? wrapLine(line, io.out.columns, 0, hang).join('\n') : line;
  io.out.write(
    [
      fitted(
        `${bold(BIN, io.outLevel)} — Python asyncio's synchronization patterns, run and traced in Node.js`,
        '  ',
      ),
      '',
      fitted(`Usage: ${BIN} <demo> [options]      run a demo (e.g. ${BIN} semaphore)`, '         '),
      fitted(`       ${BIN} list | all | render [file] | code <demo>`, '         '),
      '',
      demoTable(io),
      '',
      fitted(`Run '${BIN} <demo> --help' for a demo's options, '${BIN} --help' for everything.`, '  '),
      '',
    ].join('\n'),
  );
}

function demoTable(io: Io): string {
  const head = ['demo', 'pattern', 'what it shows'].map((title) => bold(title, io.outLevel));
  return boxTable(
    head,
    DEMOS.map((info) => [cyan(info.name, io.outLevel), info.pattern, info.title]),
    // A terminal gets a table that fits it; a pipe, the one-line rows it always had.
    io.out.isTTY ? io.out.columns : undefined,
  );
}

function describeDemo(info: (typeof DEMOS)[number]) {
  return {
    name: info.name,
    title: info.title,
    pattern: info.pattern,
    explanation: info.explanation,
    options: Object.entries(info.options as Record<string, OptionSpec>).map(([name, spec]) => ({
      name,
      flag: flagName(name),
      ...spec,
      accepts: accepted(spec),
    })),
  };
}
