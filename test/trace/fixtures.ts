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
