import { infoText, type OptionSpec } from '../../demos/contract.js';
import { DEMOS } from '../../demos/registry.js';
import { TUTORIAL, type TutorialEntry } from '../../demos/tutorial.js';
import { stringWidth, wrapLine } from '../../trace/wrap.js';
import { boxTable } from '../box.js';
import { bold, cyan } from '../color.js';
import type { Io } from '../io.js';
import { accepted, flagName } from '../options.js';
import { BIN } from '../program.js';

/** `list`: a table of demos, or (`--json`) a JSON array describing each with its options. */
export async function listCommand(io: Io, options: { json?: boolean }): Promise<void> {
  if (options.json === true) {
    io.out.write(
      `${JSON.stringify(
        DEMOS.map((info) => describeDemo(info, io)),
        null,
        2,
      )}\n`,
    );
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
  const map = TUTORIAL[io.lang];
  // The demo column starts after the widest topic of either language (37 columns in English), so both align.
  const column = Math.max(37, ...[...map.samples, ...map.points].map(({ topic }) => stringWidth(topic)));
  const rows = (entries: readonly TutorialEntry[]) =>
    entries.map(({ topic, run }) =>
      narrow
        ? [
            ...wrapLine(`  ${topic}`, io.out.columns, 0, '  '),
            ...wrapLine(`      ${cyan(run, io.outLevel)}`, io.out.columns, 0, '      '),
          ].join('\n')
        : `  ${topic}${' '.repeat(column - stringWidth(topic))} ${cyan(run, io.outLevel)}`,
    );
  return [
    bold(map.samplesTitle, io.outLevel),
    ...rows(map.samples),
    bold(map.pointsTitle, io.outLevel),
    ...rows(map.points),
  ].join('\n');
}

/** The bare invocation: what the tool is, how to call it, and the demos. */
export async function shortHelp(io: Io): Promise<void> {
  // On a terminal, each line wraps to its width under its own indentation.
  const fitted = (line: string, hang: string): string =>
    io.out.isTTY ? wrapLine(line, io.out.columns, 0, hang).join('\n') : line;
  const t = io.text;
  // `Usage:` and the space under it have the same display width, whatever the language.
  const usage = t.usage;
  const under = ' '.repeat(stringWidth(usage));
  io.out.write(
    [
      fitted(`${bold(BIN, io.outLevel)} — ${t.tagline}`, '  '),
      '',
      fitted(`${usage} ${BIN} <demo> [options]      ${t.runADemo(BIN)}`, '         '),
      fitted(`${under} ${BIN} list | all | render [file] | code <demo>`, '         '),
      '',
      demoTable(io),
      '',
      fitted(t.moreHelp(BIN), '  '),
      '',
    ].join('\n'),
  );
}

function demoTable(io: Io): string {
  const head = io.text.tableHead.map((title) => bold(title, io.outLevel));
  return boxTable(
    head,
    DEMOS.map((info) => {
      const text = infoText(info, io.lang);
      return [cyan(info.name, io.outLevel), text.pattern, text.title];
    }),
    // A terminal gets a table that fits it; a pipe, the one-line rows it always had.
    io.out.isTTY ? io.out.columns : undefined,
  );
}

function describeDemo(info: (typeof DEMOS)[number], io: Io) {
  const text = infoText(info, io.lang);
  const descriptions = text.options as Record<string, string>;
  return {
    name: info.name,
    title: text.title,
    pattern: text.pattern,
    explanation: text.explanation,
    options: Object.entries(info.options as Record<string, OptionSpec>).map(([name, spec]) => ({
      name,
      flag: flagName(name),
      ...spec,
      description: descriptions[name],
      accepts: accepted(spec, io.text),
    })),
  };
}
