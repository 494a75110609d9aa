import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, ESC, ROOT, sh } from './helpers.js';

/** Runs `command` in a pty of 80×24 (util-linux `script`); returns what the terminal received and the status. */
function inPty(command: string, env: Record<string, string> = {}) {
  const { stdout, status } = sh(
    `script -qec ${JSON.stringify(`stty cols 80 rows 24; ${command}`)} /dev/null`,
    env,
  );
  return { screen: stdout, status };
}

describe('on a real terminal (script)', () => {
  it('shows the spinner with live counts on stderr, and colour', () => {
    const { screen, status } = inPty('node bin/async-sync-demo.js semaphore --seed 1 --speed 20');
    expect(status).toBe(0);
    expect(screen).toMatch(/semaphore {2}\d+ running · \d+ waiting {2}\+\d+\.\d{3}s/);
    expect(screen).toContain(`${ESC}[32m▶ acquires sem`);
    expect(screen).toContain('all 3 checks passed');
  });

  it('shows no spinner under CI, with --json, or on a terminal without a width', () => {
    for (const [command, env] of [
      ['node bin/async-sync-demo.js semaphore --seed 1 --speed 50', { CI: 'true' }],
      ['node bin/async-sync-demo.js semaphore --seed 1 --speed 50 --json', {}],
      ['stty cols 0; node bin/async-sync-demo.js semaphore --seed 1 --speed 50', {}],
    ] as const) {
      const { screen, status } = inPty(command, env);
      expect(status, command).toBe(0);
      expect(screen, command).not.toContain('running ·');
    }
  });
});

const SOCKET = `async-sync-demo-test-${process.pid}`;
const tmux = (...args: string[]) =>
  spawnSync('tmux', ['-L', SOCKET, ...args], { cwd: ROOT, env: cleanEnv(), encoding: 'utf8' });

/** Polls the pane until `pattern` shows up, or fails after `ms`. */
async function waitForPane(pattern: RegExp, ms: number): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const pane = tmux('capture-pane', '-p', '-J', '-S', '-200', '-t', 'run').stdout;
    if (pattern.test(pane)) return pane;
    if (Date.now() > deadline) throw new Error(`pane never showed ${pattern}:\n${pane}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Ctrl-C on a real terminal (tmux)', () => {
  afterAll(() => {
    tmux('kill-server');
  });

  it('cancels the run, shows the cleanup and the interruption, and exits 130', async () => {
    // The shell traps SIGINT so it survives to report the status; node gets the default disposition.
    const script =
      'trap : INT; node bin/async-sync-demo.js semaphore --seed 1 --speed 0.5; echo EXIT=$?; sleep 60';
    const started = tmux('new-session', '-d', '-s', 'run', '-x', '120', '-y', '50', `sh -c '${script}'`);
    expect(started.status, started.stderr).toBe(0);
    await waitForPane(/worker-4 +▶ acquires sem/, 20_000);
    tmux('send-keys', '-t', 'run', 'C-c');
    const pane = await waitForPane(/EXIT=\d+/, 20_000);
    expect(pane).toMatch(/EXIT=130/);
    expect(pane).toMatch(/⚠ cancel requested/);
    expect(pane).toMatch(/↺ cleans up: work abandoned, permit given back/);
    expect(pane).toMatch(/↺ cleans up: left the queue/);
    expect(pane).toMatch(/⚠ semaphore interrupted at \+\d+\.\d{3}s: cancelled \d+ tasks/);
    expect(pane).not.toMatch(/checks passed/);
  });
});
