import { describe, expect, expectTypeOf, it } from 'vitest';
import * as pkg from '../../src/index.js';
import { createTask, type Task } from '../../src/index.js';

describe('package root', () => {
  it('exports every task and time name', () => {
    for (const name of [
      'ALL_COMPLETED',
      'FIRST_COMPLETED',
      'FIRST_EXCEPTION',
      'RealClock',
      'Random',
      'Task',
      'TaskGroup',
      'VirtualClock',
      'asCompleted',
      'createRandom',
      'createTask',
      'gather',
      'shield',
      'sleep',
      'wait',
      'waitFor',
      'withTimeout',
    ]) {
      expect(pkg, name).toHaveProperty(name);
    }
  });

  it('Task<T> is covariant: a Task<number> is a Task<unknown>', async () => {
    const t: Task<unknown> = createTask(() => 1);
    expectTypeOf(createTask(async () => 'x')).toEqualTypeOf<Task<string>>();
    const [a, b] = await pkg.gather([createTask(() => 1), Promise.resolve('s')]);
    expectTypeOf(a).toEqualTypeOf<number>();
    expectTypeOf(b).toEqualTypeOf<string>();
    expect(await t).toBe(1);
  });
});

describe('the Node entry (async-sync-demo/node)', () => {
  const nodeOnly = [
    'Executor',
    'LoopLagMonitor',
    'Recorder',
    'WorkerCrashedError',
    'builtinJobsUrl',
    'defaultExecutor',
    'jobs',
    'measureLoopLag',
    'runInExecutor',
    'shutdownDefaultExecutor',
  ];

  it('holds the Node-only names; the portable root does not', async () => {
    const node = await import('../../src/node/index.js');
    for (const name of nodeOnly) {
      expect(node, name).toHaveProperty(name);
      expect(pkg, name).not.toHaveProperty(name);
    }
  });

  it('re-exports every root name as the same object', async () => {
    const node: Record<string, unknown> = await import('../../src/node/index.js');
    for (const [name, value] of Object.entries(pkg)) expect(node[name], name).toBe(value);
  });
});
