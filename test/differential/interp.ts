/**
 * Runs a differential-test program on this library, on a VirtualClock: the
 * TypeScript twin of interp.py, whose header documents the program language
 * (read the two side by side; each op is implemented once in each file).
 *
 * Differences of form only: a task's cancellation is its AbortSignal, passed
 * to every op that can wait; `timeout` is `withTimeout`, `waitFor_` is
 * `waitFor` on a task running the body; asyncio's exceptions map to the names
 * interp.py records (InvalidStateError → InvalidState, RangeError → ValueError).
 */
import {
  Barrier,
  BoundedSemaphore,
  Condition,
  createTask,
  Event,
  LifoQueue,
  Lock,
  PriorityQueue,
  Queue,
  Semaphore,
  type Task,
  type Tracer,
  VirtualClock,
  waitFor,
  withTimeout,
} from '../../src/index.js';

export type Prim =
  | { kind: 'Lock' | 'Event' | 'Condition' }
  | { kind: 'Semaphore' | 'BoundedSemaphore'; value: number }
  | { kind: 'Barrier'; parties: number }
  | { kind: 'Queue' | 'LifoQueue' | 'PriorityQueue'; maxsize: number };

export type Op =
  | { op: 'acquire' | 'release' | 'locked' | 'value'; p: number }
  | { op: 'put' | 'putNowait'; p: number; v: number }
  | { op: 'get' | 'getNowait' | 'taskDone' | 'join' | 'qsize'; p: number }
  | { op: 'shutdown'; p: number; immediate: boolean }
  | { op: 'set' | 'clear' | 'isSet' | 'wait' | 'notifyAll' | 'abort' | 'reset'; p: number }
  | { op: 'notify'; p: number; n: number }
  | { op: 'waitFor'; p: number; k: number }
  | { op: 'bump' }
  | { op: 'sleep'; ms: number }
  | { op: 'cancel'; t: number }
  | { op: 'timeout' | 'waitFor_'; ms: number; body: Op[] };

export interface Program {
  prims: Prim[];
  tasks: Op[][];
}

/** [path, virtual time, outcome, why?]: see interp.py. */
export type Entry = [string, number, unknown, unknown?];

export interface Result {
  traces: Entry[][];
  status: ('done' | 'cancelled' | 'pending')[];
  state: Record<string, unknown>[];
  counter: number;
  error?: string;
  /** interp.py only: [queue, time] of each op run while asyncio had a woken, unresumed waiter on that queue. */
  handoffs?: [number, number][];
}

const HORIZON = 100_000;

/** The tracer the demos attach: it does nothing, but makes every primitive take its traced paths. */
const nullTracer: Tracer = { emit() {}, runAs: (_task, fn) => fn() };

// biome-ignore lint/suspicious/noExplicitAny: the interpreter dispatches on the program's kinds
type AnyPrim = any;

function makePrim(spec: Prim, tracer: Tracer | undefined): AnyPrim {
  const options = { tracer };
  switch (spec.kind) {
    case 'Lock':
      return new Lock(options);
    case 'Event':
      return new Event(options);
    case 'Condition':
      return new Condition(undefined, options);
    case 'Semaphore':
      return new Semaphore(spec.value, options);
    case 'BoundedSemaphore':
      return new BoundedSemaphore(spec.value, options);
    case 'Barrier':
      return new Barrier(spec.parties, options);
    case 'Queue':
      return new Queue(spec.maxsize, options);
    case 'LifoQueue':
      return new LifoQueue(spec.maxsize, options);
    case 'PriorityQueue':
      return new PriorityQueue(spec.maxsize, undefined, options);
  }
}

function errorName(err: unknown): string {
  const name = (err as { name?: string }).name;
  if (name === 'InvalidStateError') return 'InvalidState';
  if (name === 'RangeError') return 'ValueError';
  if (name === 'AbortError') return 'CancelledError';
  if (typeof name === 'string' && name !== 'Error' && name !== 'TypeError') return name;
  throw err; // the interpreter or the library broke: not an outcome to compare
}

const isCancelled = (err: unknown) => errorName(err) === 'CancelledError';

class Run {
  readonly clock = new VirtualClock();
  readonly prims: AnyPrim[];
  readonly holders: number[];
  counter = 0;
  readonly traces: Entry[][];
  readonly tasks: Task<void>[] = [];

  constructor(program: Program, tracer: Tracer | undefined) {
    this.prims = program.prims.map((spec) => makePrim(spec, tracer));
    this.holders = program.prims.map(() => 0);
    this.traces = program.tasks.map(() => []);
  }

  async runOps(ops: Op[], trace: Entry[], prefix: string, signal: AbortSignal): Promise<void> {
    for (const [i, op] of ops.entries()) {
      const path = `${prefix}${i}`;
      try {
        const pending = this.runOp(op, trace, path, signal);
        let outcome = pending instanceof Promise ? await pending : pending;
        if (op.op === 'acquire') outcome = ++this.holders[op.p];
        trace.push([path, this.clock.now(), outcome ?? 'ok']);
      } catch (err) {
        trace.push([path, this.clock.now(), errorName(err)]);
        if (isCancelled(err)) throw err;
      }
    }
  }

  /**
   * The op's outcome (undefined: "ok"), or a promise of it when the op is an
   * `await` — only then, as asyncio does not yield on the others either.
   */
  runOp(op: Op, trace: Entry[], path: string, signal: AbortSignal): unknown {
    const prim = 'p' in op ? this.prims[op.p] : undefined;
    const opts = { signal };
    switch (op.op) {
      case 'acquire':
        return prim.acquire(opts); // its outcome: the holders counted in runOps
      case 'release':
        prim.release();
        this.holders[op.p]--;
        return 'ok';
      case 'locked':
        return prim.locked();
      case 'value':
        return prim.value;
      case 'put':
        return prim.put(op.v, opts);
      case 'putNowait':
        prim.putNowait(op.v);
        return 'ok';
      case 'get':
        return prim.get(opts);
      case 'getNowait':
        return prim.getNowait();
      case 'taskDone':
        prim.taskDone();
        return 'ok';
      case 'join':
        return prim.join(opts);
      case 'qsize':
        return prim.qsize();
      case 'shutdown':
        prim.shutdown(op.immediate);
        return 'ok';
      case 'set':
        prim.set();
        return 'ok';
      case 'clear':
        prim.clear();
        return 'ok';
      case 'isSet':
        return prim.isSet();
      case 'wait':
        return prim.wait(opts);
      case 'notify':
        prim.notify(op.n);
        return 'ok';
      case 'notifyAll':
        prim.notifyAll();
        return 'ok';
      case 'waitFor': {
        const k = op.k;
        return prim.waitFor(() => this.counter >= k, opts);
      }
      case 'bump':
        return ++this.counter;
      case 'abort':
      case 'reset':
        return prim[op.op]();
      case 'sleep':
        return this.clock.sleep(op.ms, opts);
      case 'cancel':
        return this.tasks[op.t].cancel();
      case 'timeout':
        return withTimeout(op.ms, (inner) => this.runOps(op.body, trace, `${path}.`, inner), {
          clock: this.clock,
          signal,
        }).then(
          () => 'ok',
          (err) => (errorName(err) === 'TimeoutError' ? 'TimeoutError' : Promise.reject(err)),
        );
      case 'waitFor_':
        return waitFor(
          createTask((inner) => this.runOps(op.body, trace, `${path}.`, inner)),
          op.ms,
          { clock: this.clock, signal },
        ).then(
          () => 'ok',
          (err) => (errorName(err) === 'TimeoutError' ? 'TimeoutError' : Promise.reject(err)),
        );
    }
  }

  finalState(): Record<string, unknown>[] {
    return this.prims.map((prim) => {
      if (prim instanceof Lock || prim instanceof Condition) return { locked: prim.locked() };
      if (prim instanceof Semaphore) return { value: prim.value };
      if (prim instanceof Event) return { set: prim.isSet() };
      if (prim instanceof Barrier) return { waiting: prim.nWaiting, broken: prim.broken };
      const stats = (prim as Queue<unknown>).statistics();
      return { size: stats.size, unfinished: stats.unfinished };
    });
  }
}

/** Runs `program` on a fresh VirtualClock, with `tracer` attached to every primitive (or none). */
export async function runProgram(program: Program, traced: boolean): Promise<Result> {
  const run = new Run(program, traced ? nullTracer : undefined);
  program.tasks.forEach((ops, n) => {
    run.tasks.push(createTask((signal) => run.runOps(ops, run.traces[n], '', signal)));
  });
  const horizon = new AbortController();
  const settled = Promise.allSettled(run.tasks).then(() => horizon.abort());
  await run.clock.sleep(HORIZON, { signal: horizon.signal }).catch(() => {});
  const status = run.tasks.map((t) => (!t.done() ? 'pending' : t.cancelled() ? 'cancelled' : 'done'));
  const failed = run.tasks.find((t) => t.done() && !t.cancelled() && t.exception() !== undefined);
  const traces = run.traces.map((trace) => [...trace]); // the leftovers' cancellation must not show
  const result: Result = { traces, status, state: run.finalState(), counter: run.counter };
  if (failed) result.error = String(failed.exception());
  // Leftovers (blocked at the horizon) are cancelled and left to end on their own.
  for (const task of run.tasks) task.cancel();
  void settled;
  return result;
}
