import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import type { OptionSpec } from '../demos/contract.js';
import { type AnyDemoInfo, DEMOS } from '../demos/registry.js';
import { indentOf, wrapLine } from '../trace/wrap.js';
import type { Io } from './io.js';
import { COMMON_HELP, optionFlags } from './options.js';

export const BIN = 'async-sync-demo';

const EXAMPLES = `
Examples:
  $ ${BIN} semaphore                       run a demo, live
  $ ${BIN} semaphore --workers 1000 --limit 10 --virtual
  $ ${BIN} semaphore --json | jq -c 'select(.type == "acquire")'
  $ ${BIN} semaphore --format chrome > trace.json   # open in ui.perfetto.dev
  $ ${BIN} semaphore --json --virtual --seed 7 > run.ndjson && ${BIN} render run.ndjson
  $ ${BIN} all --virtual --quiet           every demo, checks only
  $ ${BIN} code semaphore                  the demo as a short program to copy
  $ ${BIN} code semaphore --full           the demo's whole module

Exit status: 0 ok, 1 a check failed or a demo crashed, 2 usage error, 130 interrupted.`;

/**
 * Help for a terminal: commander wraps descriptions to the width; what it
 * leaves wider (examples, long option terms) wraps here, continuation lines
 * indented two columns under the line's own indentation.
 */
function fitHelp(text: string, columns: number): string {
  return text
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
export function buildProgram(io: Io): Command {
  const program = new Command(BIN)
    .description("Python asyncio's synchronization patterns, run and traced in Node.js.")
    .version(version(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command or demo')
    .exitOverride()
    .configureOutput({
      writeOut: io.out.isTTY ? (text) => io.out.write(fitHelp(text, io.out.columns)) : io.out.write,
      getOutHelpWidth: () => io.out.columns,
      writeErr: io.err,
      // Errors are reported once, by main's handler.
      outputError: () => {},
    })
    .addHelpText('after', EXAMPLES);
  // On a narrow terminal commander would give up wrapping descriptions (below 40 columns left for them).
  if (io.out.isTTY) program.configureHelp({ minWidthToWrap: 12 });

  program.commandsGroup('Commands:');
  program
    .command('list')
    .description('list every demo: name, pattern, what it shows')
    .option('--json', 'a JSON array, for machines')
    .option('--no-color', COMMON_HELP.color)
    .action(lazy(io, async () => (await import('./commands/list.js')).listCommand));
  addRunOptions(
    program.command('all').description('run every demo in turn (demo options at their defaults)'),
  ).action(lazy(io, async () => (await import('./commands/run.js')).allCommand));
  program
    .command('render')
    .argument('[file]', 'an NDJSON trace (default: stdin)')
    .description('render a saved NDJSON trace: pretty (lines, timeline, summary, checks) or a Chrome trace')
    .option('--format <format>', 'pretty or chrome (default pretty)')
    .option('--no-color', COMMON_HELP.color)
    .action(lazy(io, async () => (await import('./commands/render.js')).renderCommand));
  program
    .command('code')
    .argument('<demo>', "a demo name, or 'testing'")
    .description("print a demo's standalone example (the tutorial's sample in TypeScript)")
    .option('--full', "the demo's whole module instead (instrumented, with its checks)")
    .option('--no-color', COMMON_HELP.color)
    .action(lazy(io, async () => (await import('./commands/code.js')).codeCommand));

  program.commandsGroup('Demos:');
  for (const info of DEMOS) addDemo(program, info, io);
  return program;
}

function addDemo(program: Command, info: AnyDemoInfo, io: Io): void {
  const command = program
    .command(info.name)
    .summary(info.title)
    .description(`${info.title} (${info.pattern}).\n\n${info.explanation.join('\n')}`);
  command.optionsGroup('Demo options:');
  for (const [name, spec] of Object.entries(info.options as Record<string, OptionSpec>)) {
    const option = new Option(optionFlags(name, spec), describe(spec));
    command.addOption(option);
  }
  addRunOptions(command);
  command.addHelpText('after', `\nExample:\n  $ ${BIN} ${info.name} --virtual --seed 1`);
  command.action(lazy(io, async () => (await import('./commands/run.js')).demoCommand(info)));
}

function describe(spec: OptionSpec): string {
  switch (spec.kind) {
    case 'boolean':
      return spec.description;
    case 'choice':
      return `${spec.description}: ${spec.choices.join(', ')} (default ${spec.default})`;
    default:
      return `${spec.description}, ${spec.min}–${spec.max} (default ${spec.default})`;
  }
}

function addRunOptions(command: Command): Command {
  return command
    .optionsGroup('Common options:')
    .option('--format <format>', COMMON_HELP.format)
    .option('--json', COMMON_HELP.json)
    .option('--seed <n>', COMMON_HELP.seed)
    .option('--speed <x>', COMMON_HELP.speed)
    .option('--virtual', COMMON_HELP.virtual)
    .option('--no-color', COMMON_HELP.color)
    .option('--quiet', COMMON_HELP.quiet)
    .option('--yes', COMMON_HELP.yes);
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
