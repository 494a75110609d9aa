import { infoText, type OptionSpec } from '../../demos/contract.js';
import { DEMOS } from '../../demos/registry.js';
import { TUTORIAL, type TutorialEntry } from '../../demos/tutorial.js';
import { boxTable } from '../box.js';
import { bold, cyan } from '../color.js';
import type { Io } from '../io.js';
import { BIN } from '../messages.js';
import { accepted, flagName } from '../options.js';
import { type Layout, layoutFor } from '../width.js';

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
  const table = demoTable(io);
  const map = TUTORIAL[io.lang];
  const layout = await layoutFor(io, [...table.flat(), ...topics(map)]);
  io.out.write(`${drawTable(table, layout)}\n\n${tutorialMap(io, layout)}\n`);
}

/** Every topic of the tutorial map: the texts its layout measures. */
const topics = (map: (typeof TUTORIAL)[keyof typeof TUTORIAL]): string[] =>
  [...map.samples, ...map.points].map(({ topic }) => topic);

/**
 * The tutorial's nine samples and six design points, each with what shows it:
 * two columns, the second at a fixed indent (every line fits 80 columns). On a
 * narrower terminal, the demo and flag go on their own indented line.
 */
export function tutorialMap(io: Io, layout: Layout): string {
  const { width, terminal } = layout;
  const narrow = terminal !== undefined && terminal.columns < 80 ? terminal : undefined;
  const map = TUTORIAL[io.lang];
  // The demo column starts after the widest topic of either language (37 columns in English), so both align.
  const column = Math.max(37, ...topics(map).map(width));
  const rows = (entries: readonly TutorialEntry[]) =>
    entries.map(({ topic, run }) =>
      narrow
        ? [
            ...narrow.wrapLine(`  ${topic}`, narrow.columns, 0, '  '),
            ...narrow.wrapLine(`      ${cyan(run, io.outLevel)}`, narrow.columns, 0, '      '),
          ].join('\n')
        : `  ${topic}${' '.repeat(column - width(topic))} ${cyan(run, io.outLevel)}`,
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
  const t = io.text;
  const usage = t.usage;
  const table = demoTable(io);
  const layout = await layoutFor(io, [usage, ...table.flat()]);
  // On a terminal, each line wraps to its width under its own indentation.
  const { terminal } = layout;
  const fitted = (line: string, hang: string): string =>
    terminal ? terminal.wrapLine(line, terminal.columns, 0, hang).join('\n') : line;
  // `Usage:` and the space under it have the same display width, whatever the language.
  const under = ' '.repeat(layout.width(usage));
  io.out.write(
    [
      fitted(`${bold(BIN, io.outLevel)} — ${t.tagline}`, '  '),
      '',
      fitted(`${usage} ${BIN} <demo> [options]      ${t.runADemo(BIN)}`, '         '),
      fitted(`${under} ${BIN} list | all | render [file] | code <demo>`, '         '),
      '',
      drawTable(table, layout),
      '',
      fitted(t.moreHelp(BIN), '  '),
      '',
    ].join('\n'),
  );
}

/** The demo table's cells: its head, then a row per demo. */
function demoTable(io: Io): string[][] {
  return [
    io.text.tableHead.map((title) => bold(title, io.outLevel)),
    ...DEMOS.map((info) => {
      const text = infoText(info, io.lang);
      return [cyan(info.name, io.outLevel), text.pattern, text.title];
    }),
  ];
}

/** A terminal gets a table that fits it; a pipe, the one-line rows it always had. */
function drawTable([head, ...rows]: string[][], layout: Layout): string {
  return boxTable(head!, rows, layout);
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
