import { isLang, LANGS, type Lang, langFromEnv } from '../trace/lang.js';
import { red, terminalLevel } from './color.js';
import { Interrupted, RunFailed, UsageError } from './errors.js';
import { createIo, type Io } from './io.js';
import { BIN, CLI_TEXT } from './messages.js';

const COMMANDS = ['list', 'all', 'render', 'code', 'help'];

/**
 * The CLI. Never calls `process.exit()` (output still in flight would be
 * cut): it sets `process.exitCode` — 0 ok, 1 a failed check or a crashed
 * demo, 2 a usage error (stderr only) — or, after Ctrl-C, re-raises SIGINT
 * once the run has wound down and its output is out (status 130).
 */
export async function main(argv: readonly string[]): Promise<void> {
  const args = argv.slice(2);
  const lang = langOf(args, process.env);
  const io = createIo(
    args,
    {
      stdout: terminalLevel(process.stdout, process.env),
      stderr: terminalLevel(process.stderr, process.env),
    },
    process,
    typeof lang === 'string' ? lang : langFromEnv(process.env),
  );
  try {
    if (typeof lang !== 'string') throw lang.error;
    // No arguments (or only a language): what the tool is and how to call it.
    if (args.every((arg, i) => arg === '--lang' || arg.startsWith('--lang=') || args[i - 1] === '--lang')) {
      await (await import('./commands/list.js')).shortHelp(io);
      return;
    }
    // `list` with only its own flags needs no command tree: commander and the tree are a fifth of its start-up.
    const list = listOnly(args);
    if (list !== undefined) {
      await (await import('./commands/list.js')).listCommand(io, list);
      return;
    }
    const [{ buildProgram }, { unknownDemo }] = await Promise.all([
      import('./program.js'),
      import('./suggest.js'),
    ]);
    const program = await buildProgram(io);
    // `help <name>` and `<name> …` must name a command: say which demo was meant, as commander would not.
    const name = args[0] === 'help' && args[1] !== undefined ? args[1] : args[0]!;
    const known = name === 'help' || program.commands.some((command) => command.name() === name);
    if (!name.startsWith('-') && !known) throw unknownDemo(name, COMMANDS, io.text);
    await program.parseAsync(args, { from: 'user' });
  } catch (err) {
    await fail(err, io, args);
  }
}

async function fail(err: unknown, io: Io, args: readonly string[]): Promise<void> {
  if (err instanceof Interrupted) {
    await io.out.drained();
    process.kill(process.pid, 'SIGINT');
    return;
  }
  const report = (message: string, hint?: string): void => {
    io.err(
      `${red(io.text.error, io.errLevel)} ${message}\n${hint === undefined ? '' : `${io.text.tryHint(hint)}\n`}`,
    );
  };
  // commander is loaded by then if it threw this.
  const { CommanderError } = await import('commander');
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') {
      process.exitCode = 0;
      return;
    }
    if (err.code === 'commander.help') {
      process.exitCode = err.exitCode;
      return;
    }
    report(
      io.text.commander(err.code, err.message.replace(/^error: /, '')),
      `${BIN}${commandOf(args)} --help`,
    );
    process.exitCode = 2;
    return;
  }
  if (err instanceof UsageError) {
    report(err.message, err.hint ?? `${BIN}${commandOf(args)} --help`);
    process.exitCode = 2;
    return;
  }
  if (err instanceof RunFailed) {
    if (err.report) report(err.message);
    process.exitCode = 1;
    return;
  }
  const detail = io.env.DEBUG && err instanceof Error && err.stack ? err.stack : String(err);
  report(detail);
  process.exitCode = 1;
}

/**
 * The language asked for: the last `--lang <l>` / `--lang=<l>` before `--`,
 * else the environment's (`LC_ALL`, `LC_MESSAGES`, `LANG`). A value other
 * than `en` or `ko` is a usage error, said in the environment's language.
 */
export function langOf(args: readonly string[], env: NodeJS.ProcessEnv): Lang | { error: UsageError } {
  let asked: string | undefined;
  let given = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') break;
    if (arg === '--lang') {
      given = true;
      asked = args[++i];
    } else if (arg.startsWith('--lang=')) {
      given = true;
      asked = arg.slice('--lang='.length);
    }
  }
  if (!given) return langFromEnv(env);
  if (isLang(asked)) return asked;
  const text = CLI_TEXT[langFromEnv(env)];
  return { error: new UsageError(text.mustBe('--lang', text.accepted.oneOf(LANGS.join(', ')), asked ?? '')) };
}

/**
 * `list`'s options when the arguments are `list` and nothing but its own
 * flags (`--json`, `--no-color`, `--lang <l>`: colour and language are
 * already decided from the arguments), else `undefined`: anything else, even
 * a mistake, goes to commander, which reports it.
 */
export function listOnly(args: readonly string[]): { json?: boolean } | undefined {
  if (args[0] !== 'list') return undefined;
  let json = false;
  for (let i = 1; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--json') json = true;
    else if (arg === '--lang' && i + 1 < args.length) i++;
    else if (arg !== '--no-color' && !arg.startsWith('--lang=')) return undefined;
  }
  return json ? { json } : {};
}

/** ` semaphore` when the arguments name a command, else nothing. */
function commandOf(args: readonly string[]): string {
  const first = args[0];
  return first !== undefined && !first.startsWith('-') ? ` ${first}` : '';
}
