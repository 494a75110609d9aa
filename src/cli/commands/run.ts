import { randomInt } from 'node:crypto';
import type { AnyDemoInfo } from '../../demos/registry.js';
import { DEMOS } from '../../demos/registry.js';
import { runDemo } from '../../demos/runner.js';
import type { TraceListener } from '../../trace/recorder.js';
import { loadRenderer } from '../../trace/renderers/index.js';
import { Interrupted, RunFailed } from '../errors.js';
import { type Io, renderSettings } from '../io.js';
import { type CommonOptions, commonOptions, demoOptions, MAX_SEED } from '../options.js';

type Raw = Record<string, unknown>;

/** `<demo> [options]`: one demo. */
export function demoCommand(info: AnyDemoInfo) {
  return async (io: Io, raw: Raw): Promise<void> => {
    const values = demoOptions(info, raw);
    await runAll(io, [[info, values]], commonOptions(raw, randomSeed));
  };
}

/** `all [options]`: every demo in turn, its own options at their defaults. */
export async function allCommand(io: Io, raw: Raw): Promise<void> {
  const common = commonOptions(raw, randomSeed);
  await runAll(
    io,
    DEMOS.map((info) => [info, demoOptions(info, {})]),
    common,
  );
}

function randomSeed(): number {
  return randomInt(0, MAX_SEED);
}

/** Why a run was stopped from outside. */
type StopReason = 'sigint' | 'closed';

/**
 * Runs demos one after the other, streaming their events to the renderer
 * (and the spinner). Ctrl-C cancels the running demo through its signal; its
 * cleanup runs and is rendered, then `Interrupted` tells main to re-raise
 * SIGINT. A second Ctrl-C does not wait for the cleanup. A closed stdout
 * stops the run quietly.
 */
async function runAll(io: Io, runs: [AnyDemoInfo, Raw][], common: CommonOptions): Promise<void> {
  const renderer = (await loadRenderer(common.format))({ ...renderSettings(io), quiet: common.quiet });
  const spinner = wantsSpinner(io, common)
    ? new (await import('../spinner.js')).LiveSpinner(io.stderr, io.errLevel)
    : undefined;
  // The spinner first: ora redraws it around each line the renderer writes, already with the new counts.
  const listeners: TraceListener[] =
    spinner === undefined ? [renderer.event] : [spinner.update, renderer.event];

  const controller = new AbortController();
  let stopped: StopReason | undefined;
  const stop = (reason: StopReason): void => {
    stopped ??= reason;
    controller.abort(new Error(reason === 'sigint' ? 'interrupted (Ctrl-C)' : 'output closed'));
  };
  const onSigint = (): void => {
    if (controller.signal.aborted) {
      // Second Ctrl-C: stop waiting for cleanup.
      process.off('SIGINT', onSigint);
      spinner?.stop();
      process.kill(process.pid, 'SIGINT');
      return;
    }
    stop('sigint');
  };
  process.on('SIGINT', onSigint);
  io.out.onClose(() => stop('closed'));

  const failures: { message: string; crash: boolean }[] = [];
  try {
    for (const [info, options] of runs) {
      if (controller.signal.aborted) break;
      const result = await runDemo(info, options, {
        seed: common.seed,
        virtual: common.virtual,
        speed: common.speed,
        signal: controller.signal,
        listeners,
        // Streamed: the renderer writes each event as it comes, checks follow it, nothing keeps the trace.
        keepEvents: false,
      });
      if (result.status === 'failed') failures.push(failure(info.name, result, io.env));
    }
    renderer.end();
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
  env: NodeJS.ProcessEnv,
): { message: string; crash: boolean } {
  const { error } = result;
  if (error !== undefined) {
    const detail = env.DEBUG && error instanceof Error && error.stack ? error.stack : String(error);
    return { message: `demo '${demo}' crashed: ${detail}`, crash: true };
  }
  const failed = result.checks.filter((check) => !check.ok).map((check) => `${check.name} (${check.detail})`);
  return { message: `demo '${demo}': check failed: ${failed.join('; ')}`, crash: false };
}

/** A spinner only where it helps and cannot hurt: a real, sized, coloured terminal on stderr, not CI, not JSON. */
function wantsSpinner(io: Io, common: CommonOptions): boolean {
  const { stderr, env } = io;
  return (
    stderr.isTTY === true &&
    (stderr.columns || 0) > 0 &&
    io.errLevel > 0 &&
    env.CI === undefined &&
    common.format !== 'json'
  );
}
