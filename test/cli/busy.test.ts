import { type ChildProcess, spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers.js';

/**
 * Real-clock runs of the built CLI. What is asserted is never a duration:
 * only that a lesson's check does not fail because the machine is busy, and
 * what the run prints about its seed.
 */
describe('real clock', () => {
  it('under two busy-loop processes, executor --kind cpu --jobs 2 passes, or passes with the machine-busy warning', async () => {
    const loops: ChildProcess[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        loops.push(spawn(process.execPath, ['-e', 'for(;;);'], { stdio: 'ignore' }));
      }
      // Let the loops take their cores before the run measures the background lag.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const { status, stdout, stderr } = cli(['executor', '--kind', 'cpu', '--jobs', '2', '--quiet']);
      expect(stderr).toBe('');
      expect(stdout).not.toContain('✗');
      expect(stdout).toMatch(/✓ executor: (all 3 checks passed|2 of 3 checks passed, 1 could not be judged)/);
      const unsure = stdout.split('\n').filter((line) => line.startsWith('?'));
      if (unsure.length > 0)
        expect(stdout).toMatch(/⚠ machine busy .*background event-loop lag [\d.]+ ms.*--virtual/);
      expect(status).toBe(0);
    } finally {
      for (const loop of loops) loop.kill();
    }
  });

  it('prints a seed only for a demo that draws random numbers', () => {
    const basics = cli(['basics', '--tasks', '1', '--speed', '20', '--seed', '3']);
    expect(basics.status).toBe(0);
    expect(basics.stdout).not.toMatch(/seed/);
    const gather = cli(['gather', '--jobs', '2', '--speed', '20', '--seed', '3', '--quiet']);
    expect(gather.status).toBe(0);
    expect(gather.stdout).toContain('(seed 3)');
  });
});
