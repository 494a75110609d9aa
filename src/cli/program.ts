import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { infoText, type OptionSpec } from '../demos/contract.js';
import { type AnyDemoInfo, DEMOS } from '../demos/registry.js';
import type { Io } from './io.js';
import { BIN, type CliText } from './messages.js';
import { COMMON_HELP, optionFlags } from './options.js';

export { BIN };

const examples = (t: CliText): string => `
${t.examples}
  $ ${BIN} semaphore                       ${t.exampleLines.live}
  $ ${BIN} semaphore --workers 1000 --limit 10 --virtual
  $ ${BIN} semaphore --json | jq -c 'select(.type == "acquire")'
  $ ${BIN} semaphore --format chrome > trace.json   ${t.exampleLines.perfetto}
  $ ${BIN} semaphore --html run.html       ${t.exampleLines.html}
  $ ${BIN} semaphore --json --virtual --seed 7 > run.ndjson && ${BIN} render run.ndjson
  $ ${BIN} all --virtual --quiet           ${t.exampleLines.checksOnly}
  $ ${BIN} code semaphore                  ${t.exampleLines.code}
  $ ${BIN} code semaphore --full           ${t.exampleLines.full}

${t.exitStatus}`;

/**
 * Help for a terminal: commander wraps descriptions to the width; what it
 * leaves wider (examples, long option terms) wraps here, continuation lines
 * indented two columns under the line's own indentation. Loaded only for a
 * terminal: the wrapper measures with string-width, slow to import.
 */
async function helpFitter(columns: number): Promise<(text: string) => string> {
  const { indentOf, wrapLine } = await import('../trace/wrap.js');
  return (text) =>
    text
      .split('\n')
      .map((line) => wrapLine(line, columns, 0, `${' '.repeat(indentOf(line))}    `).join('\n'))
      .join('\n');
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/**
 * The command tree, generated from the demo registry: one command per demo
 * with its own options, plus `list`, `all`, `render` and `code`. Actions are
 * imported lazily, so `--help`, `--version` and `list` load no demo, no
 * renderer and no worker pool.
 */
export async function buildProgram(io: Io): Promise<Command> {
  const t = io.text;
  const fitHelp = io.out.isTTY ? await helpFitter(io.out.columns) : undefined;
  const help = COMMON_HELP[io.lang];
  const program = new Command(BIN)
    .description(t.description)
    .version(version(), '-V, --version', t.versionOption)
    .helpOption('-h, --help', t.helpOption)
    .helpCommand('help [command]', t.helpCommand)
    .option('--lang <lang>', t.lang)
    .exitOverride()
    .configureOutput({
      writeOut: fitHelp ? (text) => io.out.write(fitHelp(text)) : io.out.write,
      getOutHelpWidth: () => io.out.columns,
      writeErr: io.err,
      // Errors are reported once, by main's handler.
      outputError: () => {},
    })
    .addHelpText('after', examples(t));
  // On a narrow terminal commander would give up wrapping descriptions (below 40 columns left for them).
  // Headings stay commander's English keys (so the help command joins the commands); Korean shows them translated.
  const titles = t.helpTitles;
  program.configureHelp({
    ...(io.out.isTTY ? { minWidthToWrap: 12 } : {}),
    ...(Object.keys(titles).length > 0 ? { styleTitle: (title: string) => titles[title] ?? title } : {}),
  });

  program.commandsGroup('Commands:');
  program
    .command('list')
    .description(t.listDescription)
    .option('--json', t.listJson)
    .option('--no-color', help.color)
    .option('--lang <lang>', t.lang)
    .action(lazy(io, async () => (await import('./commands/list.js')).listCommand));
  addRunOptions(program.command('all').description(t.allDescription), io).action(
    lazy(io, async () => (await import('./commands/run.js')).allCommand),
  );
  program
    .command('render')
    .argument('[file]', t.renderFile)
    .description(t.renderDescription)
    .option('--format <format>', t.renderFormat)
    .option('--no-color', help.color)
    .option('--lang <lang>', t.lang)
    .action(lazy(io, async () => (await import('./commands/render.js')).renderCommand));
  program
    .command('code')
    .argument('<demo>', t.codeDemo)
    .description(t.codeDescription)
    .option('--full', t.codeFull)
    .option('--no-color', help.color)
    .option('--lang <lang>', t.lang)
    .action(lazy(io, async () => (await import('./commands/code.js')).codeCommand));

  program.commandsGroup('Demos:');
  for (const info of DEMOS) addDemo(program, info, io);
  return program;
}

function addDemo(program: Command, info: AnyDemoInfo, io: Io): void {
  const text = infoText(info, io.lang);
  const t = io.text;
  const command = program
    .command(info.name)
    .summary(text.title)
    .description(`${text.title} (${text.pattern}).\n\n${text.explanation.join('\n')}`);
  command.optionsGroup('Demo options:');
  const descriptions = text.options as Record<string, string>;
  for (const [name, spec] of Object.entries(info.options as Record<string, OptionSpec>)) {
    const option = new Option(optionFlags(name, spec), describe(spec, descriptions[name]!, t));
    command.addOption(option);
  }
  addRunOptions(command, io);
  command.addHelpText('after', `\n${t.example}\n  $ ${BIN} ${info.name} --virtual --seed 1`);
  command.action(lazy(io, async () => (await import('./commands/run.js')).demoCommand(info)));
}

function describe(spec: OptionSpec, description: string, t: CliText): string {
  switch (spec.kind) {
    case 'boolean':
      return description;
    case 'choice':
      return t.optionHelp.choice(description, spec.choices.join(', '), spec.default);
    case 'text':
      return description;
    default:
      return t.optionHelp.range(description, spec.min, spec.max, spec.default);
  }
}

function addRunOptions(command: Command, io: Io): Command {
  const help = COMMON_HELP[io.lang];
  return command
    .optionsGroup('Common options:')
    .option('--format <format>', help.format)
    .option('--json', help.json)
    .option('--html [file]', help.html)
    .option('--seed <n>', help.seed)
    .option('--speed <x>', help.speed)
    .option('--virtual', help.virtual)
    .option('--no-color', help.color)
    .option('--quiet', help.quiet)
    .option('--yes', help.yes)
    .option('--lang <lang>', io.text.lang);
}

/** An action that imports its implementation on first use and hands it commander's arguments. */
function lazy(
  io: Io,
  load: () => Promise<(io: Io, ...args: never[]) => Promise<void>>,
): (...args: unknown[]) => Promise<void> {
  return async (...args) => {
    const action = await load();
    // commander passes the positional arguments, then the options, then the command.
    await action(io, ...(args.slice(0, -1) as never[]));
  };
}
