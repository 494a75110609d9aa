import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CancelledError,
  createTask,
  gather,
  Random,
  sleep,
  type Tracer,
  VirtualClock,
} from '../../src/index.js';
import { looksPerTurn } from '../../src/primitives/virtual-clock.js';
import { WaitQueue } from '../../src/primitives/wait-queue.js';
import { recorder } from '../helpers/recorder.js';

/** A minimal FIFO limiter (the lead's Semaphore is not on this branch): hands a freed slot to the head waiter. */
class Limiter {
  #free: number;
  readonly #queue = new WaitQueue<void>();
  constructor(
    limit: number,
    readonly tracer: Tracer,
  ) {
    this.#free = limit;
  }
  async acquire(): Promise<void> {
    if (this.#free > 0 && this.#queue.size === 0) this.#free--;
    else {
      this.tracer.emit('wait', { resource: 'limiter' });
      await this.#queue.park();
    }
    this.tracer.emit('acquire', { resource: 'limiter' });
  }
  release(): void {
    this.tracer.emit('release', { resource: 'limiter' });
    if (!this.#queue.wakeHead(undefined)) this.#free++;
  }
}

/** Ten workers, each doing three rounds of (acquire, seeded random sleep, release) under a limit of 3. */
async function scenario(seed: number): Promise<{ lines: string[]; maxRunning: number; end: number }> {
  const clock = new VirtualClock();
  const rng = new Random(seed);
  const { tracer, events } = recorder(clock);
  const limiter = new Limiter(3, tracer);
  let running = 0;
  let maxRunning = 0;
  const workers = Array.from({ length: 10 }, (_, i) =>
    createTask(
      async (signal) => {
        for (let round = 0; round < 3; round++) {
          await limiter.acquire();
          running++;
          maxRunning = Math.max(maxRunning, running);
          await sleep(rng.int(10, 200), { clock, signal, tracer });
          running--;
          limiter.release();
          await sleep(rng.float(0, 50), { clock, signal, tracer });
        }
      },
      { name: `worker-${i}`, tracer },
    ),
  );
  await gather(workers);
  const lines = events.map((e) => `${e.t} ${e.task} ${e.type}${e.data ? ` ${JSON.stringify(e.data)}` : ''}`);
  return { lines, maxRunning, end: clock.now() };
}

describe('VirtualClock: determinism', () => {
  it('ten workers with seeded random sleeps under a FIFO limit give the same events and timestamps on every run', async () => {
    const first = await scenario(42);
    const second = await scenario(42);
    expect(second.lines).toEqual(first.lines);
    expect(second.end).toBe(first.end);
    expect(first.lines.length).toBe(
      10 * 2 + 10 * 3 * 4 + first.lines.filter((l) => l.includes(' wait')).length,
    );
    expect(first.maxRunning).toBe(3);
    expect(first.end).toBeGreaterThan(200);
    // A different seed gives a different run: the comparison above is not vacuous.
    expect((await scenario(7)).lines).not.toEqual(first.lines);
  });

  it('time only moves when everything is idle: a long microtask chain finishes before the next timer', async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    const a = createTask(async () => {
      await clock.sleep(10);
      for (let i = 0; i < 1000; i++) await null;
      log.push(`a@${clock.now()}`);
    });
    const b = createTask(async () => {
      await clock.sleep(11);
      log.push(`b@${clock.now()}`);
    });
    await gather([a, b]);
    expect(log).toEqual(['a@10', 'b@11']);
  });
});

describe('VirtualClock: timers', () => {
  it('starts at 0 and jumps straight to each deadline', async () => {
    const clock = new VirtualClock();
    expect(clock.now()).toBe(0);
    await clock.sleep(60_000);
    expect(clock.now()).toBe(60_000);
    await clock.sleep(0.5);
    expect(clock.now()).toBe(60_000.5);
  });

  it('fires equal deadlines in the order the timers were set (FIFO), whoever set them when', async () => {
    const clock = new VirtualClock();
    const order: number[] = [];
    const tasks = Array.from({ length: 8 }, (_, i) =>
      createTask(async () => {
        await clock.sleep(1000);
        order.push(i);
      }),
    );
    // Set at t=500 for the same deadline t=1000: after the eight above.
    const late = createTask(async () => {
      await clock.sleep(500);
      await clock.sleep(500);
      order.push(8);
    });
    await gather([...tasks, late]);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('a wake-up can cancel a timer due at the same instant (each wake-up runs before the next fires)', async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    const first = clock.sleep(10).then(() => controller.abort('first woke'));
    const second = clock.sleep(10, { signal: controller.signal });
    await first;
    await expect(second).rejects.toBeInstanceOf(CancelledError);
    expect(clock.pending).toBe(0);
  });

  it('a sleep(0) set while a batch fires waits for the next look, after the batch', async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    const a = clock.sleep(5).then(async () => {
      log.push('a');
      await clock.sleep(0);
      log.push('a again');
    });
    const b = clock.sleep(5).then(() => log.push('b'));
    await Promise.all([a, b]);
    expect(log).toEqual(['a', 'b', 'a again']);
    expect(clock.now()).toBe(5);
  });

  it('fires timers in (deadline, creation) order and never goes backwards, whatever is set or cancelled when', async () => {
    const op = fc.record({
      at: fc.integer({ min: 0, max: 30 }),
      ms: fc.integer({ min: 0, max: 30 }),
      cancelAfter: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 15 }), async (ops) => {
        const clock = new VirtualClock();
        const fired: { deadline: number; seq: number; now: number }[] = [];
        let seq = 0;
        let last = 0;
        const run = ops.map((o) =>
          createTask(async () => {
            await clock.sleep(o.at);
            const mine = { deadline: clock.now() + o.ms, seq: seq++ };
            const controller = new AbortController();
            if (o.cancelAfter !== undefined) {
              createTask(async () => {
                await clock.sleep(o.cancelAfter as number);
                controller.abort();
              });
            }
            try {
              await clock.sleep(o.ms, { signal: controller.signal });
            } catch (err) {
              expect(err).toBeInstanceOf(CancelledError);
              return;
            }
            expect(clock.now()).toBeGreaterThanOrEqual(last);
            last = clock.now();
            fired.push({ ...mine, now: clock.now() });
          }),
        );
        await gather(run);
        await clock.sleep(50); // let every canceller finish
        for (const f of fired) expect(f.now).toBe(f.deadline);
        const sorted = [...fired].sort((x, y) => x.deadline - y.deadline || x.seq - y.seq);
        expect(fired).toEqual(sorted);
        expect(clock.pending).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  it('an abort removes the timer at once and rejects with CancelledError (cause = reason)', async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(1000, { signal: controller.signal });
    expect(clock.pending).toBe(1);
    controller.abort('why');
    expect(clock.pending).toBe(0);
    await expect(sleeping).rejects.toMatchObject({ name: 'CancelledError', cause: 'why' });
    await expect(clock.sleep(1, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(CancelledError);
    expect(clock.pending).toBe(0);
    expect(clock.now()).toBe(0);
  });

  it('busy(ms) advances now() synchronously without firing; overdue timers then fire late, in order', async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    const a = clock.sleep(10).then(() => log.push(`a@${clock.now()}`));
    const b = clock.sleep(20).then(() => log.push(`b@${clock.now()}`));
    const c = clock.sleep(80).then(() => log.push(`c@${clock.now()}`));
    clock.busy(50);
    expect(clock.now()).toBe(50);
    expect(log).toEqual([]);
    await Promise.all([a, b, c]);
    expect(log).toEqual(['a@50', 'b@50', 'c@80']);
  });

  it('runs a thousand simulated seconds of timers (speed is measured in bench/virtual-clock.ts)', async () => {
    const clock = new VirtualClock();
    let fired = 0;
    const workers = Array.from({ length: 2 }, () =>
      createTask(async () => {
        for (let i = 0; i < 500; i++) {
          await clock.sleep(2000);
          fired++;
        }
      }),
    );
    await gather(workers);
    expect(fired).toBe(1000);
    expect(clock.now()).toBe(1_000_000);
  });

  it('rejects bad arguments, naming them', () => {
    const clock = new VirtualClock();
    expect(() => clock.sleep(Number.NaN)).toThrow(
      /VirtualClock.sleep: ms must be a finite number >= 0, got NaN/,
    );
    expect(() => clock.sleep(-1)).toThrow(RangeError);
    expect(() => clock.sleep(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => clock.sleep('1' as never)).toThrow(TypeError);
    expect(() => clock.sleep(1, { signal: 'x' as never })).toThrow(/signal must be an AbortSignal/);
    expect(() => clock.busy(-1)).toThrow(/VirtualClock.busy: ms must be/);
    expect(() => clock.track(3 as never)).toThrow(/VirtualClock.track: work must be a promise, got 3/);
    expect(clock.pending).toBe(0);
  });
});

describe('VirtualClock: tracked work', () => {
  const realDelay = (ms: number, log: string[], clock: VirtualClock, what: string): Promise<void> =>
    new Promise((resolve) =>
      setTimeout(() => {
        log.push(`${what}@${clock.now()}`);
        resolve();
      }, ms),
    );

  it('does not jump while tracked work is in flight: a virtual timer due earlier waits for it', async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    const job = clock.track(realDelay(15, log, clock, 'job'));
    expect(clock.inFlight).toBe(1);
    const timer = clock.sleep(1).then(() => log.push(`timer@${clock.now()}`));
    await Promise.all([job, timer]);
    expect(log).toEqual(['job@0', 'timer@1']);
    expect(clock.inFlight).toBe(0);
  });

  it('control: the same real work, untracked, is jumped past', async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    const job = realDelay(15, log, clock, 'job');
    const timer = clock.sleep(1).then(() => log.push(`timer@${clock.now()}`));
    await Promise.all([job, timer]);
    expect(log).toEqual(['timer@1', 'job@1']);
  });

  it('still fires timers already due while work is in flight (that is not a jump)', async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    const job = clock.track(realDelay(15, log, clock, 'job'));
    const due = clock.sleep(0).then(() => log.push(`due@${clock.now()}`));
    await Promise.all([job, due]);
    expect(log).toEqual(['due@0', 'job@0']);
  });

  it('returns the work’s outcome, failures included, and counts it down either way', async () => {
    const clock = new VirtualClock();
    await expect(clock.track(Promise.resolve('v'))).resolves.toBe('v');
    await expect(clock.track(Promise.reject(new Error('job failed')))).rejects.toThrow('job failed');
    expect(clock.inFlight).toBe(0);
    await clock.sleep(5);
    expect(clock.now()).toBe(5);
  });
});

describe('VirtualClock[looksPerTurn] (internal: the CLI’s knob)', () => {
  /** Tasks sleeping random durations in turn (some at the same instant), logging each wake-up and every turn of the loop. */
  async function run(n: number | undefined, seed: number): Promise<{ log: string[]; turns: number[] }> {
    const clock = new VirtualClock();
    if (n !== undefined) clock[looksPerTurn](n);
    const random = new Random(seed);
    const log: string[] = [];
    const turns: number[] = [];
    let done = false;
    const turn = (): void => {
      turns.push(clock.now());
      if (!done) setImmediate(turn);
    };
    setImmediate(turn);
    await Promise.all(
      Array.from({ length: 6 }, async (_, task) => {
        for (let i = 0; i < 8; i++) {
          await clock.sleep(random.int(0, 3) * 10);
          log.push(`${task}@${clock.now()}`);
        }
      }),
    );
    done = true;
    return { log, turns };
  }

  it('leaves the wake-ups, their order and their times unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 2, max: 40 }),
        async (seed, n) => {
          expect((await run(n, seed)).log).toEqual((await run(undefined, seed)).log);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('lets the event loop turn at least every n jumps (1, the default: every jump)', async () => {
    for (const n of [1, 3]) {
      const { turns } = await run(n === 1 ? undefined : n, 7);
      const times = [...new Set(turns)];
      // Between two turns, the clock moved through at most n distinct instants.
      const instants = (await run(undefined, 7)).log.map((entry) => Number(entry.split('@')[1]));
      const distinct = [...new Set(instants)];
      // Enough turns that the bound below checks something: one per n jumps (an instant after 0 is a jump).
      expect(times.length).toBeGreaterThanOrEqual(Math.ceil(distinct.filter((t) => t > 0).length / n));
      for (let i = 1; i < times.length; i++) {
        const jumped = distinct.filter((t) => t > times[i - 1]! && t <= times[i]!).length;
        expect(jumped).toBeLessThanOrEqual(n);
      }
    }
  });

  it('takes an integer ≥ 1', () => {
    expect(() => new VirtualClock()[looksPerTurn](0)).toThrow(RangeError);
  });
});
