import { randomInt } from 'node:crypto';
import type { AnyDemoInfo } from '../../demos/registry.js';
import { DEMOS } from '../../demos/registry.js';
import { LOOKS_PER_TURN, runDemo } from '../../demos/runner.js';
import type { TraceListener } from '../../trace/recorder.js';
import { loadRenderer } from '../../trace/renderers/index.js';
import { bold } from '../color.js';
import { Interrupted, RunFailed, UsageError } from '../errors.js';
import { capHeapGrowth } from '../heap.js';
import { type Io, renderSettings } from '../io.js';
import { longRun } from '../long-run.js';
import { type CommonOptions, commonOptions, demoOptions, MAX_SEED } from '../options.js';

type Raw = Record<string, unknown>;

/** `<demo> [options]`: one demo. */
export function demoCommand(info: AnyDemoInfo) {
  return async (io: Io, raw: Raw): Promise<void> => {
    const values = demoOptions(info, raw, io.lang);
    const missing = await info.preflight?.(values, io.lang);
    if (missing !== undefined) throw new UsageError(missing);
    await runAll(io, [[info, values]], commonOptions(raw, randomSeed, io.text), htmlTarget(raw));
  };
}

/** `all [options]`: every demo in turn, its own options at their defaults. */
export async function allCommand(io: Io, raw: Raw): Promise<void> {
  const common = commonOptions(raw, randomSeed, io.text);
  if (htmlTarget(raw) !== undefined) {
    throw new UsageError(
      '--html replays one run: give a demo, e.g. async-sync-demo semaphore --html run.html',
    );
  }
  await runAll(
    io,
    DEMOS.map((info) => [info, demoOptions(info, {}, io.lang)]),
    common,
  );
}

/** `--html [file]`: `true` for a temporary file, opened in the browser. */
function htmlTarget(raw: Raw): string | true | undefined {
  if (raw.html === undefined || raw.html === false) return undefined;
  if (raw.html === true) return true;
  const file = String(raw.html);
  if (file === '' || file.startsWith('-')) {
    throw new UsageError(`--html takes a file name to write the replay to (or nothing), got '${file}'`);
  }
  return file;
}

function randomSeed(): number {
  return randomInt(0, MAX_SEED);
}

/** What the first Ctrl-C prints on stderr, at once (in English; `io.text.ack` in the run's language). */
export const ACK = 'cancelling… waiting for cleanup; Ctrl-C again to force';

/** Why a run was stopped from outside. */
type StopReason = 'sigint' | 'closed';

/**
 * Runs demos one after the other, streaming their events to the renderer
 * (and the spinner). Ctrl-C cancels the running demo through its signal; its
 * cleanup runs and is rendered, then `Interrupted` tells main to re-raise
 * SIGINT. A second Ctrl-C does not wait for the cleanup. A closed stdout
 * stops the run quietly.
 */
async function runAll(
  io: Io,
  runs: [AnyDemoInfo, Raw][],
  common: CommonOptions,
  html?: string | true,
): Promise<void> {
  const what = runs.length === 1 ? runs[0]![0].name : 'all';
  const estimate = runs.reduce((ms, [info, options]) => ms + info.estimate(options), 0);
  const decision = longRun(what, estimate, common, io.text);
  if (decision.action === 'refuse') throw new UsageError(decision.message);
  if (decision.action === 'warn') io.err(`${bold(io.text.note, io.errLevel)} ${decision.message}\n`);
  const command = common.format === 'html' ? (await import('../replay.js')).reproduceCommand : undefined;
  const renderer = (await loadRenderer(common.format))({
    ...renderSettings(io),
    quiet: common.quiet,
    command,
  });
  const spinner = wantsSpinner(io, common)
    ? new (await import('../spinner.js')).LiveSpinner(io.stderr, io.errLevel, io.text)
    : undefined;
  // The spinner first: ora redraws it around each line the renderer writes, already with the new counts.
  const listeners: TraceListener[] =
    spinner === undefined ? [renderer.event] : [spinner.update, renderer.event];
  const replay = html === undefined ? undefined : (await import('../replay.js')).htmlReplay(io, html);
  if (replay !== undefined) listeners.push(replay.listener);

  const controller = new AbortController();
  let stopped: StopReason | undefined;
  const stop = (reason: StopReason): void => {
    stopped ??= reason;
    controller.abort(new Error(reason === 'sigint' ? 'interrupted (Ctrl-C)' : 'output closed'));
  };
  const onSigint = (): void => {
    if (controller.signal.aborted) {
      // Second Ctrl-C: stop waiting for cleanup, but say where the run stood.
      process.off('SIGINT', onSigint);
      spinner?.stop();
      renderer.abandon?.();
      void io.out.drained().then(() => process.kill(process.pid, 'SIGINT'));
      return;
    }
    // Cancelling N tasks builds N CancelledErrors (and N DOMExceptions); after Ctrl-C nobody reads their
    // stacks, and capturing them was a third of the time 10^5 tasks took to wind down. DEBUG keeps them.
    if (!io.env.DEBUG) Error.stackTraceLimit = 0;
    // Acknowledged at once, before any cleanup runs, to the person at the terminal (a script reading
    // stderr gets no chatter): the key was heard.
    const note = `${io.text.ack}\n`;
    if (spinner !== undefined) spinner.note(note);
    else if (io.stderr.isTTY === true) io.err(note);
    stop('sigint');
  };
  process.on('SIGINT', onSigint);
  io.out.onClose(() => stop('closed'));

  // A big --virtual run allocates fast: without a cap, V8 lets its heap grow to 4× its live data (issue 14).
  capHeapGrowth();
  const failures: { message: string; crash: boolean }[] = [];
  try {
    for (const [info, options] of runs) {
      if (controller.signal.aborted) break;
      const result = await runDemo(info, options, {
        seed: common.seed,
        virtual: common.virtual,
        speed: common.speed,
        lang: io.lang,
        signal: controller.signal,
        listeners,
        // Streamed: the renderer writes each event as it comes, checks follow it, nothing keeps the trace.
        keepEvents: false,
        // A reader slower than the run (a pipe) holds a virtual run's clock until stdout drains.
        backpressure: io.out,
        // A --virtual run lets the event loop turn every few jumps, not after each: Ctrl-C lands a few jumps later.
        looksPerTurn: LOOKS_PER_TURN,
      });
      if (result.status === 'failed') failures.push(failure(info.name, result, io));
    }
    renderer.end();
    if (stopped === undefined) await replay?.write();
  } finally {
    spinner?.stop();
    process.off('SIGINT', onSigint);
  }
  if (stopped === 'closed') return;
  if (stopped === 'sigint') throw new Interrupted();
  if (failures.length === 0) return;
  // A crash always goes to stderr; failed checks only when stdout is data (the pretty verdict says it).
  const reportable = failures.filter((f) => f.crash || common.format !== 'pretty').map((f) => f.message);
  throw new RunFailed(reportable.join('\n'), reportable.length > 0);
}

function failure(
  demo: string,
  result: Awaited<ReturnType<typeof runDemo>>,
  io: Io,
): { message: string; crash: boolean } {
  const { error } = result;
  if (error !== undefined) {
    const detail = io.env.DEBUG && error instanceof Error && error.stack ? error.stack : String(error);
    return { message: io.text.crashed(demo, detail), crash: true };
  }
  const failed = result.checks
    .filter((check) => !check.ok)
    .map((check) => `${check.title} (${check.detail})`);
  return { message: io.text.checkFailed(demo, failed.join('; ')), crash: false };
}

/**
 * A spinner only where it helps and cannot hurt: stdout and stderr both a
 * terminal (in `cmd | cat` or `| tee log` stderr is still on the screen, and
 * the spinner's redraws would land inside the piped lines), sized, coloured,
 * not CI, not JSON.
 */
function wantsSpinner(io: Io, common: CommonOptions): boolean {
  const { stderr, env } = io;
  return (
    io.out.isTTY &&
    stderr.isTTY === true &&
    (stderr.columns || 0) > 0 &&
    io.errLevel > 0 &&
    env.CI === undefined &&
    common.format !== 'json'
  );
}
