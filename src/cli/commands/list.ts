import type { OptionSpec } from '../../demos/contract.js';
import { DEMOS } from '../../demos/registry.js';
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
  io.out.write(`${demoTable(io)}\n`);
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
