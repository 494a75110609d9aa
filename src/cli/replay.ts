/**
 * `--html [file]`: the run's HTML replay. With a file, the page is written
 * there; without one, to a temporary file that is opened in the browser when
 * someone is at a terminal to see it (its path is printed either way).
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { OptionSpec } from '../demos/contract.js';
import { DEMOS } from '../demos/registry.js';
import { ModelBuilder } from '../report/model.js';
import type { TraceListener } from '../trace/recorder.js';
import type { TraceEvent } from '../trace/types.js';
import type { Io } from './io.js';
import { optionFlags } from './options.js';
import { BIN } from './program.js';

/**
 * The command line that reproduces a run: the virtual clock, its seed, and
 * every option that differs from its default (`npx async-sync-demo semaphore
 * --virtual --seed 7 --workers 10000`).
 */
export function reproduceCommand(
  demo: string,
  options: Record<string, unknown>,
  seed: number | null,
): string {
  const info = DEMOS.find((d) => d.name === demo);
  const words = ['npx', BIN, demo, '--virtual'];
  if (seed !== null) words.push('--seed', String(seed));
  for (const [name, spec] of Object.entries((info?.options ?? {}) as Record<string, OptionSpec>)) {
    const value = options[name];
    if (value === undefined || value === spec.default) continue;
    const flag = optionFlags(name, spec).split(' ')[0]!;
    if (spec.kind === 'text' && value === spec.bare) words.push(flag);
    else words.push(...(spec.kind === 'boolean' ? [flag] : [flag, String(value)]));
  }
  return words.join(' ');
}

/**
 * Follows a run for its replay, keeping each event as the replay's model
 * does (columns, not events: see `ModelBuilder`); `write()` writes the page
 * and says where.
 */
export function htmlReplay(io: Io, target: string | true) {
  const builder = new ModelBuilder({ command: reproduceCommand });
  let start: TraceEvent | undefined;
  const listener: TraceListener = (event) => {
    start ??= event;
    builder.add(event);
  };
  return {
    listener,
    async write(): Promise<void> {
      if (start === undefined) return;
      const { renderPage, replayScript } = await pageWriter();
      const page = renderPage(builder.finish(), replayScript());
      const file =
        target === true
          ? join(tmpdir(), `${BIN}-${start.demo}-${String(start.data?.seed ?? 'run')}-${process.pid}.html`)
          : resolve(target);
      writeFileSync(file, page);
      io.err(`HTML replay: ${file}\n`);
      const interactive = io.out.isTTY && io.stderr.isTTY === true && io.env.CI === undefined;
      if (target === true && interactive) openInBrowser(file);
    },
  };
}

async function pageWriter() {
  const [{ renderPage }, { replayScript }] = await Promise.all([
    import('../report/page.js'),
    import('../trace/renderers/html.js'),
  ]);
  return { renderPage, replayScript };
}

function openInBrowser(file: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [file]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', file]]
        : ['xdg-open', [file]];
  try {
    const child = spawn(command, args as string[], { detached: true, stdio: 'ignore' });
    child.on('error', () => {});
    child.unref();
  } catch {
    // No opener: the path printed above is the way to it.
  }
}
