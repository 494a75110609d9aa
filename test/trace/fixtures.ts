import type { TraceEvent, TraceFields } from '../../src/trace/types.js';

/** Builds a trace by hand: `at(t).ev(type, task, fields)` appends an event with the next `seq`. */
export class TraceBuilder {
  readonly events: TraceEvent[] = [];
  #t = 0;

  constructor(readonly demo = 'semaphore') {}

  at(t: number): this {
    this.#t = t;
    return this;
  }

  ev(type: string, task: string, fields: Omit<TraceFields, 'task'> = {}): this {
    const event: TraceEvent = { v: 1, seq: this.events.length, t: this.#t, demo: this.demo, task, type };
    if (fields.resource !== undefined) event.resource = fields.resource;
    if (fields.state !== undefined) event.state = fields.state;
    if (fields.data !== undefined) event.data = fields.data;
    if (fields.msg !== undefined) event.msg = fields.msg;
    this.events.push(event);
    return this;
  }

  start(options: Record<string, unknown> = { workers: 3, limit: 2 }, seed = 1): this {
    return this.ev('run.start', 'main', {
      data: {
        options,
        seed,
        clock: 'virtual',
        title: 'Limit concurrency with a Semaphore',
        pattern: 'limit concurrency',
        explanation: ['Workers share a Semaphore.', 'The others wait, in FIFO order.'],
      },
    });
  }

  sem(type: 'wait' | 'acquire' | 'release', task: string, value: number, waiting: number, limit = 2): this {
    return this.ev(type, task, { resource: 'sem', state: { value, limit, waiting } });
  }

  check(name: string, ok: boolean, detail: string): this {
    return this.ev('check', 'main', { data: { name, ok, detail } });
  }

  end(status: 'ok' | 'failed' | 'interrupted', extra: Record<string, unknown> = {}): this {
    const checks = this.events
      .filter((e) => e.type === 'check')
      .map((e) => ({ name: e.data?.name, ok: e.data?.ok }));
    return this.ev('run.end', 'main', { data: { status, elapsed: this.#t, checks, ...extra } });
  }
}

/**
 * Three workers on Semaphore(2): w1 works 1 s, w2 0.5 s, w3 waits for w2's
 * permit then works 0.8 s. Ends at 1.3 s with three passing checks.
 */
export function semaphoreTrace(): TraceEvent[] {
  const b = new TraceBuilder().start();
  b.ev('log', 'main', { msg: '3 workers share Semaphore(2)' });
  for (const w of ['worker-1', 'worker-2', 'worker-3']) b.ev('task.start', w);
  b.sem('acquire', 'worker-1', 1, 0).ev('sleep', 'worker-1', { data: { ms: 1000 }, msg: 'work' });
  b.sem('acquire', 'worker-2', 0, 0).ev('sleep', 'worker-2', { data: { ms: 500 }, msg: 'work' });
  b.sem('wait', 'worker-3', 0, 1);
  b.at(500)
    .sem('release', 'worker-2', 0, 0)
    .ev('task.end', 'worker-2', { data: { status: 'ok' } });
  b.sem('acquire', 'worker-3', 0, 0).ev('sleep', 'worker-3', { data: { ms: 800 }, msg: 'work' });
  b.at(1000)
    .sem('release', 'worker-1', 1, 0)
    .ev('task.end', 'worker-1', { data: { status: 'ok' } });
  b.at(1300)
    .sem('release', 'worker-3', 2, 0)
    .ev('task.end', 'worker-3', { data: { status: 'ok' } });
  b.check('max concurrency', true, '2 ≤ limit 2');
  b.check('every worker done', true, '3/3');
  b.check('FIFO admission', true, '3 admitted in arrival order');
  return b.end('ok').events;
}

/** The same start, interrupted at 0.7 s: everyone cancelled, cleanup shown. */
export function interruptedTrace(): TraceEvent[] {
  const b = new TraceBuilder().start();
  for (const w of ['worker-1', 'worker-2', 'worker-3']) b.ev('task.start', w);
  b.sem('acquire', 'worker-1', 1, 0).ev('sleep', 'worker-1', { data: { ms: 1000 } });
  b.sem('acquire', 'worker-2', 0, 0).ev('sleep', 'worker-2', { data: { ms: 1500 } });
  b.sem('wait', 'worker-3', 0, 1);
  b.at(700);
  for (const w of ['worker-1', 'worker-2', 'worker-3']) b.ev('cancel', w);
  b.sem('release', 'worker-1', 0, 1).ev('cleanup', 'worker-1', { msg: 'work abandoned, permit given back' });
  b.ev('task.end', 'worker-1', { data: { status: 'cancelled' } });
  b.sem('release', 'worker-2', 1, 0).ev('cleanup', 'worker-2', { msg: 'work abandoned, permit given back' });
  b.ev('task.end', 'worker-2', { data: { status: 'cancelled' } });
  b.ev('cleanup', 'worker-3', { msg: 'left the queue' }).ev('task.end', 'worker-3', {
    data: { status: 'cancelled' },
  });
  return b.end('interrupted').events;
}

/**
 * Four modelled jobs on a pool of 2 slots: a (1 s) on slot 1, b (0.5 s) on
 * slot 2, c (0.6 s) queued until b frees slot 2 at 0.5 s, d cancelled in the
 * queue at 0.2 s; then main blocks the main thread for 0.1 s at 1 s.
 */
export function executorTrace(): TraceEvent[] {
  const b = new TraceBuilder('executor').start({});
  const state = (running: number, queued: number) => ({ running, queued, waiting: 0, maxWorkers: 2 });
  const job = (
    type: string,
    task: string,
    data: Record<string, unknown>,
    counts: [number, number],
  ): TraceBuilder => b.ev(type, task, { resource: 'pool', data, state: state(...counts) });
  for (const task of ['a', 'b', 'c', 'd']) b.ev('task.start', task);
  job('executor.submit', 'a', { job: 1, fn: 'cpuWork', cost: 1000 }, [1, 0]);
  job('executor.start', 'a', { job: 1, fn: 'cpuWork', threadId: 1, queueWait: 0, cost: 1000 }, [1, 0]);
  job('executor.submit', 'b', { job: 2, fn: 'cpuWork', cost: 500 }, [2, 0]);
  job('executor.start', 'b', { job: 2, fn: 'cpuWork', threadId: 2, queueWait: 0, cost: 500 }, [2, 0]);
  job('executor.submit', 'c', { job: 3, fn: 'cpuWork', cost: 600 }, [2, 1]);
  job('executor.submit', 'd', { job: 4, fn: 'cpuWork', cost: 300 }, [2, 2]);
  b.at(200);
  job(
    'executor.end',
    'd',
    { job: 4, fn: 'cpuWork', threadId: null, status: 'cancelled', ms: 0, cost: 300 },
    [2, 1],
  );
  b.ev('task.end', 'd', { data: { status: 'cancelled' } });
  b.at(500);
  job('executor.end', 'b', { job: 2, fn: 'cpuWork', threadId: 2, status: 'ok', ms: 500, cost: 500 }, [2, 0]);
  job('executor.start', 'c', { job: 3, fn: 'cpuWork', threadId: 2, queueWait: 500, cost: 600 }, [2, 0]);
  b.ev('task.end', 'b', { data: { status: 'ok' } });
  b.at(1000);
  job(
    'executor.end',
    'a',
    { job: 1, fn: 'cpuWork', threadId: 1, status: 'ok', ms: 1000, cost: 1000 },
    [1, 0],
  );
  b.ev('task.end', 'a', { data: { status: 'ok' } });
  b.ev('busy', 'main', { data: { ms: 100, fn: 'blockingSleep' }, msg: 'inline' });
  b.at(1100);
  job('executor.end', 'c', { job: 3, fn: 'cpuWork', threadId: 2, status: 'ok', ms: 600, cost: 600 }, [0, 0]);
  b.ev('task.end', 'c', { data: { status: 'ok' } });
  return b.end('ok').events;
}
