/**
 * The differential fuzzer: random programs (interp.py documents the language)
 * run on CPython asyncio and on this library, traced and untraced; per-task
 * traces, task status and final state are compared. The first divergence of
 * a program is either a documented difference from asyncio (KNOWN, counted
 * by name) or unexplained: then the program is shrunk to a smallest one that
 * still diverges unexplained and printed as Python and as TypeScript.
 */
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRandom, type Random } from '../../src/index.js';
import { type Entry, type Op, type Prim, type Program, type Result, runProgram } from './interp.js';

const INTERP_PY = fileURLToPath(new URL('./interp.py', import.meta.url));

export interface Python {
  path: string;
  version: string;
  /** Queue.shutdown exists (3.13+). */
  shutdown: boolean;
}

/** pyenv's 3.13 where present, else `python3` (3.13-only operations are then not generated). */
export function findPython(): Python {
  const candidates: string[] = [];
  if (process.env.DIFF_PYTHON) candidates.push(process.env.DIFF_PYTHON);
  try {
    const prefix = execFileSync('pyenv', ['prefix', '3.13.0'], { encoding: 'utf8', stdio: 'pipe' }).trim();
    if (prefix) candidates.push(`${prefix}/bin/python3`);
  } catch {
    // no pyenv, or no 3.13 under it
  }
  candidates.push('python3');
  for (const path of candidates) {
    try {
      const version = execFileSync(path, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], {
        encoding: 'utf8',
        stdio: 'pipe',
      }).trim();
      const [major, minor] = version.split('.').map(Number);
      if (major === 3 && minor >= 11) return { path, version, shutdown: minor >= 13 };
    } catch {
      // try the next one
    }
  }
  throw new Error('differential test: needs python3 >= 3.11 (asyncio.Barrier, asyncio.timeout)');
}

/**
 * Runs every program in one python process, in each mode ([yields, compound],
 * see interp.py; [0, 1] is plain asyncio); one Result per program per mode.
 */
export function runPython(
  python: Python,
  programs: Program[],
  modes: number[][] = [[0, 1]],
): Promise<Result[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(python.path, [INTERP_PY], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      err += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`interp.py exited ${code}: ${err}`));
      resolve(
        out
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line)),
      );
    });
    child.stdin.end(JSON.stringify({ programs, modes }));
  });
}

// ---------------------------------------------------------------- generation

export interface GenOptions {
  shutdown: boolean;
}

const KINDS: Prim['kind'][] = [
  'Lock',
  'Semaphore',
  'BoundedSemaphore',
  'Event',
  'Condition',
  'Barrier',
  'Queue',
  'LifoQueue',
  'PriorityQueue',
];

function genPrim(rng: Random): Prim {
  const kind = KINDS[rng.int(0, KINDS.length - 1)];
  switch (kind) {
    case 'Semaphore':
    case 'BoundedSemaphore':
      return { kind, value: rng.int(0, 2) };
    case 'Barrier':
      return { kind, parties: rng.int(2, 3) };
    case 'Queue':
    case 'LifoQueue':
    case 'PriorityQueue':
      return { kind, maxsize: rng.int(0, 2) };
    default:
      return { kind };
  }
}

/** A short run of ops on primitive `p` that uses it the way programs do (plus some misuse). */
function genSnippet(rng: Random, prims: Prim[], p: number, opts: GenOptions): Op[] {
  const kind = prims[p].kind;
  const pick = <T>(xs: T[]): T => xs[rng.int(0, xs.length - 1)];
  const maybeSleep = (): Op[] => (rng.bool(0.4) ? [{ op: 'sleep', ms: rng.int(0, 2) }] : []);
  switch (kind) {
    case 'Lock':
    case 'Semaphore':
    case 'BoundedSemaphore': {
      const look: Op = { op: kind === 'Lock' ? 'locked' : pick(['locked', 'value'] as const), p };
      if (rng.bool(0.25)) return [{ op: pick(['acquire', 'release', 'release'] as const), p }];
      const other = prims.findIndex(
        (q, i) => i !== p && ['Lock', 'Semaphore', 'BoundedSemaphore'].includes(q.kind),
      );
      if (rng.bool(0.15) && other >= 0) {
        // A release too many, after an await that does not wait: in the hand-off window or not.
        return [
          { op: 'acquire', p },
          { op: 'release', p },
          { op: 'acquire', p: other },
          { op: 'release', p },
        ];
      }
      return [{ op: 'acquire', p }, ...maybeSleep(), ...(rng.bool(0.3) ? [look] : []), { op: 'release', p }];
    }
    case 'Condition': {
      const middle: Op[] = pick([
        [{ op: 'wait', p }],
        [{ op: 'waitFor', p, k: rng.int(1, 2) }],
        [{ op: 'notify', p, n: rng.int(1, 2) }],
        [{ op: 'notifyAll', p }],
        [{ op: 'bump' }, { op: 'notifyAll', p }],
      ] as Op[][]);
      if (rng.bool(0.15))
        return [{ op: pick(['acquire', 'release', 'wait', 'notify'] as const), p, n: 1 } as Op];
      return [{ op: 'acquire', p }, ...middle, ...maybeSleep(), { op: 'release', p }];
    }
    case 'Event':
      return [{ op: pick(['set', 'clear', 'wait', 'wait', 'isSet'] as const), p }];
    case 'Barrier':
      return [{ op: pick(['wait', 'wait', 'wait', 'abort', 'reset'] as const), p }];
    default: {
      const ops: Op[] = [
        { op: 'put', p, v: rng.int(1, 5) },
        { op: 'put', p, v: rng.int(1, 5) },
        { op: 'putNowait', p, v: rng.int(1, 5) },
        { op: 'get', p },
        { op: 'get', p },
        { op: 'getNowait', p },
        { op: 'taskDone', p },
        { op: 'join', p },
        { op: 'qsize', p },
      ];
      if (opts.shutdown) ops.push({ op: 'shutdown', p, immediate: rng.bool() });
      return [pick(ops)];
    }
  }
}

function genOps(
  rng: Random,
  prims: Prim[],
  ntasks: number,
  budget: number,
  depth: number,
  opts: GenOptions,
): Op[] {
  const ops: Op[] = [];
  while (ops.length < budget) {
    const r = rng.next();
    if (r < 0.62) ops.push(...genSnippet(rng, prims, rng.int(0, prims.length - 1), opts));
    else if (r < 0.8) ops.push({ op: 'sleep', ms: rng.int(0, 3) });
    else if (r < 0.88) ops.push({ op: 'cancel', t: rng.int(0, ntasks - 1) });
    else if (depth === 0) {
      // The body starts and the block ends on timer turns: how many microtasks
      // withTimeout/waitFor take around them has no counterpart in asyncio.
      const body: Op[] = [
        { op: 'sleep', ms: 1 },
        ...genOps(rng, prims, ntasks, rng.int(1, 3), depth + 1, opts),
      ];
      ops.push(
        { op: rng.bool(0.7) ? 'timeout' : 'waitFor_', ms: rng.int(1, 4), body },
        { op: 'sleep', ms: 1 },
      );
    }
  }
  return ops;
}

export function generate(rng: Random, opts: GenOptions): Program {
  const prims = Array.from({ length: rng.int(1, 2) }, () => genPrim(rng));
  const ntasks = rng.int(2, 4);
  const tasks = Array.from({ length: ntasks }, () => genOps(rng, prims, ntasks, rng.int(1, 6), 0, opts));
  return { prims, tasks };
}

/** `count` programs from `seed`: program i depends only on (seed, i), so a failure is replayable alone. */
export function generateBatch(seed: number, start: number, count: number, opts: GenOptions): Program[] {
  return Array.from({ length: count }, (_, i) => generate(createRandom(seed * 1_000_003 + start + i), opts));
}

// ---------------------------------------------------------------- comparison

export type Verdict =
  | { kind: 'same' }
  | { kind: 'known'; name: string }
  | { kind: 'unexplained'; detail: string };

/** Documented differences from asyncio (README "Differences from asyncio", SPEC §2), by name. */
export const KNOWN = {
  /**
   * README: Hand-off instead of wake-and-retry — locked() stays true until the
   * woken waiter resumes (so a Condition's notify/wait there is not refused);
   * asyncio 3.13's Semaphore.locked() counts a woken waiter, ours a free
   * permit, so a newcomer there queues behind the woken waiter, here not.
   */
  'locked-during-handoff': 'Lock/Semaphore.locked() is true between a hand-off and the waiter resuming',
  /**
   * README: Barrier — the last cycle drains at once (no draining state): a
   * reset()/abort() in the same instant as a trip or an arrival breaks other
   * waiters than asyncio's (recognised: a Barrier wait that differs in
   * breaking, with a reset/abort on it at that instant); and a reset() takes
   * effect at once (no resetting state), so an arrival right after it joins
   * the new cycle, where asyncio's waits until the broken waiters have left
   * (recognised: a Barrier wait passing in both, at different times, at an instant
   * at which asyncio's reset/abort broke waiters on it).
   */
  'barrier-drains-at-once': 'a released Barrier waiter is not broken by a reset/abort before it resumes',
  /**
   * README: Barrier assigns indices when it releases, in arrival order among
   * the parties present (the order tasks come back after a trip differs).
   */
  'barrier-index-at-release': 'the same Barrier cycle, other indices',
  /**
   * README: Barrier — a waiter whose signal aborts leaves at once; asyncio's
   * cancelled waiter still counts until the cancellation is delivered, so
   * arrivals at that instant trip the barrier with it (recognised: a Barrier
   * wait differs at an instant at which, in asyncio, waits on that barrier
   * returned a number of indices that is not a multiple of `parties` while a
   * waiter on it, cancelled by a `cancel` op at that instant, raised
   * CancelledError).
   */
  'barrier-cancel-leaves-at-once': 'a cancelled Barrier waiter no longer counts (asyncio: until delivered)',
  /**
   * README: Condition passes a consumed notification on only when the waiter
   * was cancelled after being notified; asyncio 3.13 also calls notify(1) when
   * a wait() cancelled before any notification exits (a spurious wake-up).
   * Recognised: a Condition wait/waitFor that asyncio ended (at time T) while
   * ours had not by then, after a wait/waitFor on that Condition raised
   * CancelledError in asyncio at or before T.
   */
  'condition-no-spurious-notify': 'a cancelled Condition waiter does not wake another (asyncio: notify(1))',
  /** SPEC §2 BoundedSemaphore: counts permits already handed to woken waiters (BS-2). */
  'bounded-semaphore-stricter':
    'BoundedSemaphore refuses a release that asyncio accepts (handed permits count)',
  /**
   * README: Queue hands items and slots directly — a getNowait()/putNowait()
   * cannot take an item or slot already handed to a woken waiter (asyncio's can).
   */
  'queue-direct-handoff': 'an op on a queue with a woken, unresumed waiter (asyncio lets it barge)',
  /**
   * Issue 15 §1 (to be stated in the README by that fix): an abort that lands
   * after the waiter was woken (with a permit, an item or an error) does not
   * undo the wake-up; asyncio throws CancelledError into it instead.
   */
  'abort-after-wakeup': 'a cancel after the wake-up: the waiter keeps its outcome',
  /**
   * README: Cancellation is cooperative — an aborted signal rejects every later
   * wait at once (asyncio: at the next suspension); a body that never waits
   * again ends normally (asyncio: cancelled).
   */
  'cancel-cooperative': 'a cancelled task fails at its next op taking the signal, or not at all',
  /**
   * README: JavaScript's await always yields a microtask — recognised when
   * asyncio, with 1 to 4 sleep(0) after each awaited op that did not suspend
   * (a JS await may take a chain of microtasks; withTimeout/waitFor up to 8
   * times that), or with 30 seeded random choices of 1-3 per await (and 0-3
   * more after a wait() or acquire() that suspended: a woken waiter's promise
   * chain, one step longer with a signal or a tracer), matches
   * the library up to the differences above; each of those also with the
   * yields after a timeout/waitFor_ block's body however that body ended
   * (withTimeout/waitFor settle through their own promise chain after the
   * body's last op, whether it waited or not). No such schedule lets asyncio
   * accept a release while the woken waiter has not resumed, so the
   * two-holders bug of issue 15 stays unexplained.
   */
  'await-yields-microtask': 'an await that did not wait let other tasks run first',
  /**
   * README: Cancellation is cooperative — a call given an aborted signal
   * rejects before it does anything. Recognised when asyncio matches with the
   * schedules of 'await-yields-microtask' in which a cancel (by a `cancel` op)
   * that lands in a yield after an await that did not wait makes the task's
   * next op taking the signal raise at once (interp.py's ABORT flag), instead of
   * being delivered at its next suspension — after, e.g., Condition.wait()
   * released the lock (which the others then take before it re-acquires) or
   * Barrier.wait() counted the arrival.
   */
  'aborted-call-does-nothing':
    "a cancelled task's Condition/Barrier wait rejects before releasing or arriving",
  /**
   * The same README entry, for tasks: a task is done a microtask after its
   * body returns, so a cancel() in between returns true (and changes nothing).
   * Also for a body that has just rejected with its cancellation: the task
   * ended cancelled in both, its last op (CancelledError) at that instant.
   */
  'task-done-after-microtask': 'cancel() of a task whose body has just returned returns true',
} as const;
export type KnownName = keyof typeof KNOWN;

function opAt(program: Program, task: number, path: string): Op | undefined {
  let ops = program.tasks[task];
  let op: Op | undefined;
  for (const part of path.split('.')) {
    op = ops?.[Number(part)];
    ops = op && 'body' in op ? op.body : [];
  }
  return op;
}

const same = (a: Entry | undefined, b: Entry | undefined) =>
  a !== undefined && b !== undefined && a[0] === b[0] && a[1] === b[1] && a[2] === b[2];

/** Whether task `t` had been cancelled (a cancel op on it returned true) by time `at`. */
function cancelledBy(program: Program, traces: Entry[][], t: number, at: number): boolean {
  return traces.some((trace, n) =>
    trace.some((e) => {
      const op = opAt(program, n, e[0]);
      return op?.op === 'cancel' && op.t === t && e[2] === true && e[1] <= at;
    }),
  );
}

/** Whether a cancel op on task `t` returned true at exactly time `at`. */
function cancelledAt(program: Program, traces: Entry[][], t: number, at: number): boolean {
  return traces.some((trace, n) =>
    trace.some((e) => {
      const op = opAt(program, n, e[0]);
      return op?.op === 'cancel' && op.t === t && e[2] === true && e[1] === at;
    }),
  );
}

/**
 * Whether asyncio's Barrier `p` tripped at time `at` counting a waiter that a
 * cancel op cancelled at that instant: its waits returning there are not a
 * whole number of cycles, and such a waiter raised CancelledError there.
 */
function barrierCountedCancelled(program: Program, py: Result, p: number, at: number): boolean {
  const parties = (program.prims[p] as { parties: number }).parties;
  let indices = 0;
  let cancelled = false;
  py.traces.forEach((trace, n) => {
    for (const e of trace) {
      const op = opAt(program, n, e[0]);
      if (op?.op !== 'wait' || op.p !== p || e[1] !== at) continue;
      if (typeof e[2] === 'number') indices++;
      else if (e[2] === 'CancelledError' && cancelledAt(program, py.traces, n, at)) cancelled = true;
    }
  });
  return cancelled && indices % parties !== 0;
}

/** Whether, in `py`, a wait/waitFor on Condition `p` of a task other than `task` raised CancelledError by time `at`. */
function conditionWaiterCancelled(
  program: Program,
  py: Result,
  task: number,
  p: number,
  at: number,
): boolean {
  return py.traces.some(
    (trace, n) =>
      n !== task &&
      trace.some((e) => {
        const op = opAt(program, n, e[0]);
        return (
          (op?.op === 'wait' || op?.op === 'waitFor') && op.p === p && e[2] === 'CancelledError' && e[1] <= at
        );
      }),
  );
}

function explain(
  program: Program,
  task: number,
  py: Entry | undefined,
  ts: Entry | undefined,
  ours: Result,
  theirs: Result,
): KnownName | undefined {
  const at = Math.min(py?.[1] ?? Infinity, ts?.[1] ?? Infinity);
  const touched = [py, ts].map((e) => (e ? opAt(program, task, e[0]) : undefined));
  if (
    touched.some((op) => op && 'p' in op && (theirs.handoffs ?? []).some(([q, t]) => q === op.p && t <= at))
  )
    return 'queue-direct-handoff';
  const barrierOp = touched.find((op) => op && 'p' in op && program.prims[op.p].kind === 'Barrier');
  if (
    barrierOp?.op === 'wait' &&
    ([py?.[2], ts?.[2]].some((o) => o === undefined || o === 'BrokenBarrierError') ||
      // Both passed, in other cycles: asyncio's reset/abort found waiters inside (no resetting state here).
      (py !== undefined &&
        ts !== undefined &&
        typeof py[2] === 'number' &&
        typeof ts[2] === 'number' &&
        py[1] !== ts[1] &&
        theirs.traces.some((trace, n) =>
          trace.some((e) => {
            const other = opAt(program, n, e[0]);
            return (
              other?.op === 'wait' && other.p === barrierOp.p && e[2] === 'BrokenBarrierError' && e[1] === at
            );
          }),
        ))) &&
    [theirs, ours].some((r) =>
      r.traces.some((trace, n) =>
        trace.some((e) => {
          const other = opAt(program, n, e[0]);
          return (other?.op === 'reset' || other?.op === 'abort') && other.p === barrierOp.p && e[1] === at;
        }),
      ),
    )
  )
    return 'barrier-drains-at-once';
  const condOp = py && opAt(program, task, py[0]);
  if (
    py !== undefined &&
    (condOp?.op === 'wait' || condOp?.op === 'waitFor') &&
    program.prims[condOp.p].kind === 'Condition' &&
    py[2] !== 'CancelledError' &&
    (ts === undefined || (ts[0] === py[0] && ts[1] > py[1])) &&
    conditionWaiterCancelled(program, theirs, task, condOp.p, py[1])
  )
    return 'condition-no-spurious-notify';
  if (
    barrierOp?.op === 'wait' &&
    [py?.[2], ts?.[2]].some((o) => typeof o === 'number') &&
    barrierCountedCancelled(program, theirs, barrierOp.p, at)
  )
    return 'barrier-cancel-leaves-at-once';
  if (py === undefined || ts === undefined || py[0] !== ts[0] || py[1] !== ts[1]) {
    // Same op, different time or a task ended early: only cancellation explains that.
    if (ts?.[2] === 'CancelledError' && cancelledBy(program, ours.traces, task, ts[1]))
      return 'cancel-cooperative';
    return undefined;
  }
  const op = opAt(program, task, py[0]);
  const why = (py[3] ?? {}) as { handed?: number; getters?: number; putters?: number };
  if (op?.op === 'getNowait' && ts[2] === 'QueueEmpty' && (why.getters ?? 0) > 0)
    return 'queue-direct-handoff';
  if (op?.op === 'putNowait' && ts[2] === 'QueueFull' && (why.putters ?? 0) > 0)
    return 'queue-direct-handoff';
  if (op?.op === 'qsize' && (why.getters ?? 0) > 0) return 'queue-direct-handoff';
  if (
    op?.op === 'wait' &&
    program.prims[op.p].kind === 'Barrier' &&
    py[2] === 'BrokenBarrierError' &&
    typeof ts[2] === 'number'
  )
    return 'barrier-drains-at-once';
  if (
    op &&
    'p' in op &&
    program.prims[op.p].kind === 'Condition' &&
    py[2] === 'InvalidState' &&
    ts[2] !== 'InvalidState' &&
    (why.handed ?? 0) > 0
  )
    return 'locked-during-handoff';
  if ((op?.op === 'locked' || op?.op === 'value' || op?.op === 'acquire') && (why.handed ?? 0) > 0)
    return 'locked-during-handoff';
  if (
    op?.op === 'wait' &&
    program.prims[op.p].kind === 'Barrier' &&
    typeof py[2] === 'number' &&
    typeof ts[2] === 'number'
  )
    return 'barrier-index-at-release';
  if (
    op?.op === 'release' &&
    program.prims[op.p].kind === 'BoundedSemaphore' &&
    py[2] === 'ok' &&
    ts[2] === 'ValueError'
  )
    return 'bounded-semaphore-stricter';
  if (op?.op === 'cancel' && py[2] === false && ts[2] === true) {
    if (ours.status[op.t] === 'done') return 'task-done-after-microtask';
    const last = (r: Result) => r.traces[op.t].at(-1);
    if (
      ours.status[op.t] === 'cancelled' &&
      theirs.status[op.t] === 'cancelled' &&
      [last(ours), last(theirs)].every((e) => e?.[2] === 'CancelledError' && e[1] === ts[1])
    )
      return 'task-done-after-microtask';
  }
  if (
    py[2] === 'CancelledError' &&
    ts[2] !== 'CancelledError' &&
    cancelledBy(program, ours.traces, task, ts[1])
  )
    return 'abort-after-wakeup';
  if (
    ts[2] === 'CancelledError' &&
    py[2] !== 'CancelledError' &&
    cancelledBy(program, ours.traces, task, ts[1])
  )
    return 'cancel-cooperative';
  return undefined;
}

/** Whether a task cancelled itself (a cancel op naming its own task returned true) by time `at`. */
function selfCancelledBefore(program: Program, traces: Entry[][], at: number): boolean {
  return traces.some((trace, t) =>
    trace.some((e) => {
      const op = opAt(program, t, e[0]);
      return op?.op === 'cancel' && op.t === t && e[2] === true && e[1] <= at;
    }),
  );
}

const show = (e: Entry | undefined) =>
  e === undefined ? '(nothing)' : `op ${e[0]} at t=${e[1]} → ${JSON.stringify(e[2])}`;

export function compare(program: Program, py: Result, ts: Result): Verdict {
  if (py.error) return { kind: 'unexplained', detail: `python interpreter failed: ${py.error}` };
  if (ts.error) return { kind: 'unexplained', detail: `a task failed in TypeScript: ${ts.error}` };
  // The first divergence of each task; the earliest (virtual time) decides.
  const firsts: { task: number; at: number; py?: Entry; ts?: Entry }[] = [];
  py.traces.forEach((pyTrace, task) => {
    const tsTrace = ts.traces[task];
    const n = Math.max(pyTrace.length, tsTrace.length);
    for (let i = 0; i < n; i++) {
      if (!same(pyTrace[i], tsTrace[i])) {
        const at = Math.min(pyTrace[i]?.[1] ?? Infinity, tsTrace[i]?.[1] ?? Infinity);
        firsts.push({ task, at, py: pyTrace[i], ts: tsTrace[i] });
        break;
      }
    }
  });
  if (firsts.length > 0) {
    const at = Math.min(...firsts.map((f) => f.at));
    const earliest = firsts.filter((f) => f.at === at);
    for (const f of earliest) {
      const name = explain(program, f.task, f.py, f.ts, ts, py);
      if (name) return { kind: 'known', name };
    }
    // A task that cancelled itself: its next op rejected at once here, while in asyncio that op
    // ran up to its first suspension (a Barrier arrival, a queued put) before the cancel landed,
    // so the first difference shows in another task's trace.
    if (selfCancelledBefore(program, ts.traces, at)) return { kind: 'known', name: 'cancel-cooperative' };
    const f = earliest[0];
    return { kind: 'unexplained', detail: `task ${f.task}: asyncio ${show(f.py)}; library ${show(f.ts)}` };
  }
  const a = JSON.stringify({ status: py.status, state: py.state, counter: py.counter });
  const b = JSON.stringify({ status: ts.status, state: ts.state, counter: ts.counter });
  if (a !== b) {
    const selfCancelled = py.status.some(
      (s, t) => s === 'cancelled' && ts.status[t] === 'done' && cancelledBy(program, ts.traces, t, Infinity),
    );
    if (selfCancelled && JSON.stringify(py.state) === JSON.stringify(ts.state))
      return { kind: 'known', name: 'cancel-cooperative' };
    return { kind: 'unexplained', detail: `same traces, different end: asyncio ${a}; library ${b}` };
  }
  return { kind: 'same' };
}

// ---------------------------------------------------------------- running and shrinking

export interface Divergence {
  program: Program;
  traced: boolean;
  verdict: Extract<Verdict, { kind: 'unexplained' }>;
}

export interface Report {
  programs: number;
  same: number;
  known: Record<string, number>;
  unexplained: Divergence[];
}

/** interp.py's mode flags (a mode's third element): see EXIT and ABORT there. */
const EXIT = 1;
const ABORT = 2;

/** [awaits per op, per withTimeout/waitFor] tried when explaining by 'await-yields-microtask'. */
const AWAITS = [
  ...[1, 2, 3, 4].flatMap((n) => [1, 2, 4, 6, 8].map((c) => [n, c])),
  // Each await its own chain length, drawn from a seeded generator.
  ...Array.from({ length: 30 }, (_, i) => [-(i + 1), 1]),
];

/**
 * The asyncio schedules tried on a run left unexplained, in order, and the
 * documented difference a match stands for: yields after awaits (and after a
 * block's body, however it ended: withTimeout/waitFor settle through their own
 * promise chain); then the same with an absorbed cancel making every later op
 * that takes the signal reject before it acts.
 */
const MODES: { mode: number[]; name: KnownName }[] = [
  ...AWAITS.map((m) => ({ mode: [...m, 0], name: 'await-yields-microtask' as const })),
  ...AWAITS.map((m) => ({ mode: [...m, EXIT], name: 'await-yields-microtask' as const })),
  ...AWAITS.map((m) => ({ mode: [...m, ABORT], name: 'aborted-call-does-nothing' as const })),
];
const YIELDS = MODES.map((m) => m.mode);

/**
 * The verdict on each (program, traced) run: compared with asyncio; what is
 * left unexplained is compared again with asyncio yielding after every
 * awaited op (see KNOWN['await-yields-microtask']).
 */
export async function judge(
  python: Python,
  runs: { program: Program; traced: boolean }[],
): Promise<Verdict[]> {
  const programs = [...new Set(runs.map((r) => r.program))];
  const index = new Map(programs.map((p, i) => [p, i]));
  const pyResults = await runPython(python, programs);
  const tsResults: Result[] = [];
  const verdicts: Verdict[] = [];
  for (const { program, traced } of runs) {
    const ts = await runProgram(program, traced);
    tsResults.push(ts);
    verdicts.push(compare(program, pyResults[index.get(program) as number], ts));
  }
  const again = runs.flatMap((_, i) => (verdicts[i].kind === 'unexplained' ? [i] : []));
  if (again.length > 0) {
    const yielding = await runPython(
      python,
      again.map((i) => runs[i].program),
      YIELDS,
    );
    again.forEach((i, n) => {
      const modes = yielding.slice(n * YIELDS.length, (n + 1) * YIELDS.length);
      const k = modes.findIndex((py) => compare(runs[i].program, py, tsResults[i]).kind !== 'unexplained');
      if (k >= 0) verdicts[i] = { kind: 'known', name: MODES[k].name };
    });
  }
  return verdicts;
}

/** Runs `programs` untraced and traced and counts the verdicts. */
export async function check(python: Python, programs: Program[]): Promise<Report> {
  const runs = programs.flatMap((program) => [false, true].map((traced) => ({ program, traced })));
  const verdicts = await judge(python, runs);
  const report: Report = { programs: runs.length, same: 0, known: {}, unexplained: [] };
  verdicts.forEach((verdict, i) => {
    if (verdict.kind === 'same') report.same++;
    else if (verdict.kind === 'known') report.known[verdict.name] = (report.known[verdict.name] ?? 0) + 1;
    else report.unexplained.push({ ...runs[i], verdict });
  });
  return report;
}

/** Smaller variants of `program`: fewer tasks, fewer ops, flatter bodies, fewer primitives. */
function* shrinks(program: Program): Generator<Program> {
  const { prims, tasks } = program;
  for (let t = 0; t < tasks.length; t++) {
    if (tasks.length > 1 && !tasks.some((ops) => mentions(ops, t))) {
      yield { prims, tasks: tasks.filter((_, i) => i !== t).map((ops) => renumber(ops, t)) };
    }
  }
  for (let t = 0; t < tasks.length; t++) {
    for (const ops of shrinkOps(tasks[t])) yield { prims, tasks: tasks.map((o, i) => (i === t ? ops : o)) };
  }
  for (let p = prims.length - 1; p >= 0; p--) {
    if (!tasks.some((ops) => usesPrim(ops, p))) {
      yield { prims: prims.filter((_, i) => i !== p), tasks: tasks.map((ops) => renumberPrim(ops, p)) };
    }
  }
}

function* shrinkOps(ops: Op[]): Generator<Op[]> {
  for (let i = 0; i < ops.length; i++) yield [...ops.slice(0, i), ...ops.slice(i + 1)];
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    if ('body' in op) {
      yield [...ops.slice(0, i), ...op.body, ...ops.slice(i + 1)];
      for (const body of shrinkOps(op.body)) yield [...ops.slice(0, i), { ...op, body }, ...ops.slice(i + 1)];
    }
    if (op.op === 'sleep' && op.ms > 0)
      yield [...ops.slice(0, i), { op: 'sleep', ms: 0 }, ...ops.slice(i + 1)];
  }
}

const walk = (ops: Op[]): Op[] => ops.flatMap((op) => ('body' in op ? [op, ...walk(op.body)] : [op]));
const mentions = (ops: Op[], t: number) => walk(ops).some((op) => op.op === 'cancel' && op.t === t);
const usesPrim = (ops: Op[], p: number) => walk(ops).some((op) => 'p' in op && op.p === p);
const mapOps = (ops: Op[], f: (op: Op) => Op): Op[] =>
  ops.map((op) => f('body' in op ? { ...op, body: mapOps(op.body, f) } : op));
const renumber = (ops: Op[], gone: number) =>
  mapOps(ops, (op) => (op.op === 'cancel' && op.t > gone ? { ...op, t: op.t - 1 } : op));
const renumberPrim = (ops: Op[], gone: number) =>
  mapOps(ops, (op) => ('p' in op && op.p > gone ? { ...op, p: op.p - 1 } : op));

/** Greedy delta debugging: keeps taking the first smaller variant that still diverges unexplained. */
export async function minimise(python: Python, found: Divergence): Promise<Divergence> {
  let best = found;
  let improved = true;
  while (improved) {
    improved = false;
    const candidates = [...shrinks(best.program)];
    const verdicts = await judge(
      python,
      candidates.map((program) => ({ program, traced: best.traced })),
    );
    const i = verdicts.findIndex((v) => v.kind === 'unexplained');
    if (i >= 0) {
      best = { program: candidates[i], traced: best.traced, verdict: verdicts[i] as Divergence['verdict'] };
      improved = true;
    }
  }
  return best;
}

// ---------------------------------------------------------------- printing

const PY_CTOR: Record<Prim['kind'], (p: Prim) => string> = {
  Lock: () => 'asyncio.Lock()',
  Event: () => 'asyncio.Event()',
  Condition: () => 'asyncio.Condition()',
  Semaphore: (p) => `asyncio.Semaphore(${(p as { value: number }).value})`,
  BoundedSemaphore: (p) => `asyncio.BoundedSemaphore(${(p as { value: number }).value})`,
  Barrier: (p) => `asyncio.Barrier(${(p as { parties: number }).parties})`,
  Queue: (p) => `asyncio.Queue(${(p as { maxsize: number }).maxsize})`,
  LifoQueue: (p) => `asyncio.LifoQueue(${(p as { maxsize: number }).maxsize})`,
  PriorityQueue: (p) => `asyncio.PriorityQueue(${(p as { maxsize: number }).maxsize})`,
};

function pyOp(op: Op, indent: string): string[] {
  const p = 'p' in op ? `p${op.p}` : '';
  const line = (s: string) => [indent + s];
  switch (op.op) {
    case 'acquire':
    case 'join':
    case 'abort':
    case 'reset':
    case 'wait':
      return line(`await ${p}.${op.op}()`);
    case 'get':
      return line(`await ${p}.get()`);
    case 'put':
      return line(`await ${p}.put(${op.v})`);
    case 'putNowait':
      return line(`${p}.put_nowait(${op.v})`);
    case 'getNowait':
      return line(`${p}.get_nowait()`);
    case 'taskDone':
      return line(`${p}.task_done()`);
    case 'qsize':
    case 'locked':
    case 'release':
    case 'set':
    case 'clear':
      return line(`${p}.${op.op}()`);
    case 'isSet':
      return line(`${p}.is_set()`);
    case 'value':
      return line(`${p}._value`);
    case 'shutdown':
      return line(`${p}.shutdown(${op.immediate ? 'True' : 'False'})`);
    case 'notify':
      return line(`${p}.notify(${op.n})`);
    case 'notifyAll':
      return line(`${p}.notify_all()`);
    case 'waitFor':
      return line(`await ${p}.wait_for(lambda: counter >= ${op.k})`);
    case 'bump':
      return line('counter += 1');
    case 'sleep':
      return line(`await asyncio.sleep(${op.ms})  # virtual ms; 0 is a timer too`);
    case 'cancel':
      return line(`tasks[${op.t}].cancel()`);
    case 'timeout':
      return [
        `${indent}async with asyncio.timeout(${op.ms}):`,
        ...op.body.flatMap((o) => pyOp(o, `${indent}    `)),
      ];
    case 'waitFor_':
      return [
        `${indent}async def body():`,
        ...op.body.flatMap((o) => pyOp(o, `${indent}    `)),
        `${indent}await asyncio.wait_for(asyncio.create_task(body()), ${op.ms})`,
      ];
  }
}

function tsOp(op: Op, indent: string, signal: string): string[] {
  const p = 'p' in op ? `p${op.p}` : '';
  const opts = `{ signal: ${signal} }`;
  const line = (s: string) => [indent + s];
  switch (op.op) {
    case 'acquire':
    case 'join':
    case 'get':
    case 'wait':
      return line(`await ${p}.${op.op}(${opts});`);
    case 'abort':
    case 'reset':
      return line(`await ${p}.${op.op}();`);
    case 'put':
      return line(`await ${p}.put(${op.v}, ${opts});`);
    case 'putNowait':
      return line(`${p}.putNowait(${op.v});`);
    case 'value':
      return line(`${p}.value;`);
    case 'shutdown':
      return line(`${p}.shutdown(${op.immediate});`);
    case 'notify':
      return line(`${p}.notify(${op.n});`);
    case 'waitFor':
      return line(`await ${p}.waitFor(() => counter >= ${op.k}, ${opts});`);
    case 'bump':
      return line('counter += 1;');
    case 'sleep':
      return line(`await clock.sleep(${op.ms}, ${opts});`);
    case 'cancel':
      return line(`tasks[${op.t}].cancel();`);
    case 'timeout':
      return [
        `${indent}await withTimeout(${op.ms}, async (inner) => {`,
        ...op.body.flatMap((o) => tsOp(o, `${indent}  `, 'inner')),
        `${indent}}, { clock, signal: ${signal} });`,
      ];
    case 'waitFor_':
      return [
        `${indent}await waitFor(createTask(async (inner) => {`,
        ...op.body.flatMap((o) => tsOp(o, `${indent}  `, 'inner')),
        `${indent}}), ${op.ms}, { clock, signal: ${signal} });`,
      ];
    default:
      return line(`${p}.${op.op}();`);
  }
}

/** The program as CPython and as TypeScript source (each op's outcome is recorded in the interpreters). */
export function render(program: Program, traced: boolean): string {
  const py = [
    '# Python (virtual-time loop of test/differential/interp.py; time in ms)',
    ...program.prims.map((p, i) => `p${i} = ${PY_CTOR[p.kind](p)}`),
    ...program.tasks.flatMap((ops, t) => [
      `async def task${t}():`,
      ...(ops.length ? ops.flatMap((op) => pyOp(op, '    ')) : ['    pass']),
    ]),
    `tasks = [asyncio.create_task(t()) for t in (${program.tasks.map((_, t) => `task${t}`).join(', ')})]`,
  ];
  const tracer = traced ? ', { tracer: { emit() {}, runAs: (_t, fn) => fn() } }' : '';
  const ts = [
    `// TypeScript (VirtualClock clock; ${traced ? 'traced: a tracer on every primitive' : 'untraced'})`,
    ...program.prims.map(
      (p, i) =>
        `const p${i} = new ${p.kind}(${'value' in p ? p.value : 'parties' in p ? p.parties : 'maxsize' in p ? p.maxsize : p.kind === 'Condition' ? 'undefined' : ''}${tracer ? (p.kind === 'Lock' || p.kind === 'Event' ? tracer.slice(2) : p.kind === 'PriorityQueue' ? `, undefined${tracer}` : tracer) : ''});`,
    ),
    ...program.tasks.flatMap((ops, t) => [
      `const task${t} = async (signal) => {`,
      ...ops.flatMap((op) => tsOp(op, '  ', 'signal')),
      '};',
    ]),
    `const tasks = [${program.tasks.map((_, t) => `task${t}`).join(', ')}].map((fn) => createTask(fn));`,
  ];
  return [...py, '', ...ts].join('\n');
}

/** A human report of one divergence: program in both languages, the first difference, both traces. */
export async function describe(python: Python, d: Divergence): Promise<string> {
  const [py] = await runPython(python, [d.program]);
  const ts = await runProgram(d.program, d.traced);
  const traces = (r: Result) =>
    r.traces.map((t, i) => `  task ${i}: ${JSON.stringify(t.map((e) => e.slice(0, 3)))}`).join('\n');
  return [
    `first unexplained difference (${d.traced ? 'traced' : 'untraced'}): ${d.verdict.detail}`,
    render(d.program, d.traced),
    `traces [op, t, outcome] — asyncio:\n${traces(py)}\n  status ${JSON.stringify(py.status)} state ${JSON.stringify(py.state)}`,
    `library:\n${traces(ts)}\n  status ${JSON.stringify(ts.status)} state ${JSON.stringify(ts.state)}`,
    `JSON: ${JSON.stringify(d.program)}`,
  ].join('\n\n');
}
