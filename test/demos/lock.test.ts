import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/errors.js';
import { demoOptions } from '../../src/cli/options.js';
import lock, { LOCAL, type LockOptions, replayCounter, WRITE } from '../../src/demos/lock.js';
import { findDemo } from '../../src/demos/registry.js';
import { expectAllPassed, runVirtual, trace, verify } from './helpers.js';

const locked: LockOptions = { tasks: 2, increments: 2, lock: true, shared: true };
const unlocked: LockOptions = { ...locked, lock: false };

type Step = ['acquire' | 'release', string] | ['write', string, number, number];

/** A hand-made lock trace: acquire/release on `lock`, writes of the counter (`read`, `value`). */
function lockTrace(options: LockOptions, steps: Step[]) {
  const b = trace('lock', { ...options });
  for (const step of steps) {
    if (step[0] === 'write')
      b.ev(WRITE, step[1], { resource: 'counter', data: { read: step[2], value: step[3] } });
    else b.ev(step[0], step[1], { resource: 'lock', state: { locked: step[0] === 'acquire', waiting: 0 } });
  }
  return b.events;
}

const held = (task: string, read: number): Step[] => [
  ['acquire', task],
  ['write', task, read, read + 1],
  ['release', task],
];

describe('lock demo', () => {
  it('with the lock: 5 × 1000 increments make 5000', async () => {
    const run = await runVirtual('lock');
    expectAllPassed(run);
    expect(replayCounter(run.events)).toEqual({ writes: 5000, final: 5000, lost: 0, staleWrites: 0 });
  });

  it('--no-lock: 1000 instead of 5000, 4000 lost updates counted, and the run passes (exit 0)', async () => {
    const run = await runVirtual('lock', { lock: false });
    expectAllPassed(run);
    expect(replayCounter(run.events)).toEqual({ writes: 5000, final: 1000, lost: 4000, staleWrites: 4000 });
    expect(run.checks).toEqual([
      {
        name: 'lost updates counted',
        title: 'lost updates counted',
        ok: true,
        detail: '1000 = 5000 − 4000 lost, each loss traced to a stale write',
      },
      { name: 'every task done', title: 'every task done', ok: true, detail: '5/5' },
    ]);
    expect(run.events.filter((e) => e.type === 'log').map((e) => e.msg)).toContain(
      'counter = 1000, not 5000: 4000 updates lost',
    );
  });

  it('--no-lock with one task loses nothing, and says so without failing', async () => {
    const run = await runVirtual('lock', { lock: false, tasks: 1, increments: 50 });
    expectAllPassed(run);
    expect(run.checks[0]!.detail).toBe('50 = 50 − 0 lost, each loss traced to a stale write');
  });

  it('caps tasks × increments at 10^7 (time, not memory, bounds it): a usage error naming both options', () => {
    const info = findDemo('lock')!;
    expect(demoOptions(info, { tasks: '10000', increments: '1000' })).toEqual({
      tasks: 10_000,
      increments: 1000,
      lock: true,
      shared: true,
    });
    expect(demoOptions(info, { tasks: '1', increments: '10000000' })).toEqual({
      tasks: 1,
      increments: 10_000_000,
      lock: true,
      shared: true,
    });
    expect(() => demoOptions(info, { tasks: '10000', increments: '1001' })).toThrow(UsageError);
    expect(() => demoOptions(info, { tasks: '10000', increments: '1001' })).toThrow(
      "--tasks × --increments must be at most 10000000 (a run's time and its trace grow with it), got 10000 × 1001 = 10010000",
    );
  });

  it('the replay accounts for every write, whatever the interleaving: final + lost = writes', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(3), fc.boolean()), { maxLength: 60 }), (script) => {
        // Four tasks; each step either reads the counter or writes what that task last read + 1.
        let counter = 0;
        const reads = [0, 0, 0, 0];
        const steps: Step[] = [];
        for (const [task, write] of script) {
          if (!write) reads[task] = counter;
          else {
            steps.push(['write', `task-${task + 1}`, reads[task]!, reads[task]! + 1]);
            counter = reads[task]! + 1;
          }
        }
        const replay = replayCounter(lockTrace(unlocked, steps));
        expect(replay.final).toBe(counter);
        expect(replay.final + replay.lost).toBe(replay.writes);
      }),
    );
  });

  it('--no-shared: each task counts alone, gather adds up 5000, no lock taken, only its own checks', async () => {
    const result = await runVirtual('lock', { shared: false });
    expectAllPassed(result);
    expect(result.checks.map((check) => `${check.name}: ${check.detail}`)).toEqual([
      'no shared state, no update lost: 5000 = 5 × 1000: every task counted alone, gather combined them, no lock taken',
      'every task done: 5/5',
    ]);
    expect(result.events.some((e) => e.resource === 'lock' || e.type === WRITE)).toBe(false);
    // The tasks did interleave (each write yielded), yet none could disturb another's counter.
    const writers = result.events.filter((e) => e.type === LOCAL).map((e) => e.task);
    expect(writers.slice(0, 5)).toEqual(['task-1', 'task-2', 'task-3', 'task-4', 'task-5']);
    expect(result.events.filter((e) => e.type === 'log').at(-1)!.msg).toBe(
      'gather → 5 counts, total 5000 = 5 × 1000: no lock, no update lost',
    );
  });

  it('--no-shared: a lock taken, a task counter changed under it, or a wrong total fail its check', () => {
    const alone = { ...locked, shared: false };
    const name = 'no shared state, no update lost';
    const local = (task: string, read: number, value: number): Step => ['write', task, read, value];
    const build = (steps: Step[]) =>
      lockTrace(alone, steps).map((e) => (e.type === WRITE ? { ...e, type: LOCAL, resource: undefined } : e));
    const good = [local('task-1', 0, 1), local('task-2', 0, 1), local('task-1', 1, 2), local('task-2', 1, 2)];
    expect(verify(lock, name, build(good), alone)).toEqual({
      ok: true,
      detail: '4 = 2 × 2: every task counted alone, gather combined them, no lock taken',
    });
    expect(verify(lock, name, build([['acquire', 'task-1'], ...good]), alone)).toEqual({
      ok: false,
      detail: '1 lock events: a lock was used with nothing shared',
    });
    const stale = [
      local('task-1', 0, 1),
      local('task-1', 0, 1),
      local('task-2', 0, 1),
      local('task-2', 1, 2),
    ];
    expect(verify(lock, name, build(stale), alone)).toEqual({
      ok: false,
      detail: 'task-1 wrote 1 after reading 0: its own counter changed under it',
    });
    expect(verify(lock, name, build(good.slice(0, 3)), alone)).toEqual({
      ok: false,
      detail: 'total 3 ≠ 2 × 2',
    });
  });

  describe('checks fail when the property is broken', () => {
    it('final counter: a stale write under the "lock" loses an update', () => {
      const events = lockTrace(locked, [
        ...held('task-1', 0),
        ...held('task-2', 0),
        ...held('task-1', 1),
        ...held('task-2', 2),
      ]);
      expect(verify(lock, 'final counter', events, locked)).toEqual({
        ok: false,
        detail: '3 ≠ 2 × 2: 1 lost in 4 writes',
      });
    });

    it('one holder at a time: two holders, or a write without the lock', () => {
      const two = lockTrace(locked, [
        ['acquire', 'task-1'],
        ['acquire', 'task-2'],
        ['release', 'task-1'],
        ['release', 'task-2'],
      ]);
      expect(verify(lock, 'one holder at a time', two, locked)).toEqual({
        ok: false,
        detail: '2 tasks held the lock at once',
      });
      const outside = lockTrace(locked, [...held('task-1', 0), ['write', 'task-2', 1, 2]]);
      expect(verify(lock, 'one holder at a time', outside, locked)).toEqual({
        ok: false,
        detail: '1 write made without holding the lock',
      });
    });

    it('lost updates counted: no loss with several tasks, a missing write, or a write that is not read + 1', () => {
      const clean = lockTrace(unlocked, [
        ['write', 'task-1', 0, 1],
        ['write', 'task-2', 1, 2],
        ['write', 'task-1', 2, 3],
        ['write', 'task-2', 3, 4],
      ]);
      expect(verify(lock, 'lost updates counted', clean, unlocked)).toEqual({
        ok: false,
        detail: 'no update lost: the tasks never interleaved',
      });
      expect(verify(lock, 'lost updates counted', clean.slice(0, -1), unlocked)).toEqual({
        ok: false,
        detail: '3 writes, expected 4',
      });
      const jump = lockTrace(unlocked, [
        ['write', 'task-1', 0, 1],
        ['write', 'task-2', 0, 1],
        ['write', 'task-1', 1, 5],
        ['write', 'task-2', 5, 6],
      ]);
      expect(verify(lock, 'lost updates counted', jump, unlocked)).toEqual({
        ok: false,
        detail: 'final 6 + 1 lost ≠ 4: updates unaccounted for',
      });
    });

    it('every task done: a task that failed', () => {
      const b = trace('lock', { ...locked });
      b.ev('task.end', 'task-1', { data: { status: 'ok' } }).ev('task.end', 'task-2', {
        data: { status: 'error' },
      });
      expect(verify(lock, 'every task done', b.events, locked)).toEqual({ ok: false, detail: '1/2' });
    });
  });
});
