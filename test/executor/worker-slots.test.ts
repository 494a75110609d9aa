import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SlotJob, WorkerSlots } from '../../src/node/worker-slots.js';
import { CancelledError } from '../../src/primitives/errors.js';

type Command =
  | { op: 'submit'; signal: boolean }
  | { op: 'abort'; pick: number }
  | { op: 'finish'; pick: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('submit' as const), signal: fc.boolean() }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('abort' as const), pick: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('finish' as const), pick: fc.nat() }), weight: 2 },
);

/** A queued job is cancelled while a submitter waits for room: the room must pass to it. */
const cancelWhileFull: [number, number, Command[]] = [
  1,
  1,
  [
    { op: 'submit', signal: false },
    { op: 'submit', signal: true },
    { op: 'submit', signal: false },
    { op: 'abort', pick: 0 },
  ],
];

/** Lets every pending promise callback run (the longest chain, room → queue → slot, takes a few ticks). */
async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await null;
}

interface TestJob extends SlotJob {
  ticket: number;
  finish?: () => void;
}

/** A WorkerSlots whose jobs run until the test finishes them, recording what happens. */
function harness(size: number, maxQueue: number) {
  const log = { admitted: [] as number[], started: [] as number[], dropped: [] as number[] };
  const running = new Map<number, { slot: number; job: TestJob }>();
  const slots = new WorkerSlots<TestJob>(size, maxQueue, {
    start(job, slot) {
      log.started.push(job.ticket);
      running.set(job.ticket, { slot, job });
      return new Promise<unknown>((resolve) => {
        job.finish = () => {
          running.delete(job.ticket);
          resolve(`done ${job.ticket}`);
        };
      });
    },
    dropped(job, error) {
      expect(error).toBeInstanceOf(CancelledError);
      log.dropped.push(job.ticket);
    },
  });
  let tickets = 0;
  const submit = (signal?: AbortSignal) => {
    const job: TestJob = { ticket: tickets++, signal, admitted: () => log.admitted.push(job.ticket) };
    return { job, result: slots.submit(job) };
  };
  return { slots, log, running, submit };
}

describe('WorkerSlots', () => {
  it('starts on the lowest free slot, then hands a released slot to the head of the queue', async () => {
    const { slots, log, running, submit } = harness(2, Number.POSITIVE_INFINITY);
    const a = submit();
    const b = submit();
    const c = submit();
    expect(log.admitted).toEqual([0, 1, 2]);
    expect([...running.values()].map((r) => r.slot)).toEqual([1, 2]);
    expect([slots.running, slots.queued]).toEqual([2, 1]);
    b.job.finish?.();
    expect(await b.result).toBe('done 1');
    expect(running.get(2)?.slot).toBe(2); // c took b's slot
    a.job.finish?.();
    c.job.finish?.();
    expect(await c.result).toBe('done 2');
    expect([slots.running, slots.queued, slots.waiting]).toEqual([0, 0, 0]);
  });

  it('reports the counts a submission or a release will lead to', async () => {
    const { slots, submit } = harness(1, 1);
    expect(slots.afterSubmit()).toEqual({ running: 1, queued: 0, waiting: 0 });
    const a = submit();
    expect(slots.afterSubmit()).toEqual({ running: 1, queued: 1, waiting: 0 });
    const b = submit();
    expect(slots.afterSubmit()).toEqual({ running: 1, queued: 1, waiting: 1 });
    submit();
    const predicted = slots.afterRelease();
    expect(predicted).toEqual({ running: 1, queued: 1, waiting: 0 });
    a.job.finish?.();
    await a.result;
    expect({ running: slots.running, queued: slots.queued, waiting: slots.waiting }).toEqual(predicted);
    expect(slots.afterRelease()).toEqual({ running: 1, queued: 0, waiting: 0 });
    b.job.finish?.();
  });

  it('keeps FIFO order, conservation and its bounds under random submit/abort/finish', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom(0, 1, 2, Number.POSITIVE_INFINITY),
        fc.array(command, { minLength: 4, maxLength: 40, size: 'max' }),
        async (size, maxQueue, commands) => {
          const { slots, log, running, submit } = harness(size, maxQueue);
          const controllers: (AbortController | undefined)[] = [];
          const cancelled = new Set<number>();
          let aborted = 0;
          for (const c of commands) {
            if (c.op === 'submit') {
              const controller = c.signal ? new AbortController() : undefined;
              controllers.push(controller);
              const { job, result } = submit(controller?.signal);
              result.catch((err) => {
                expect(err).toBeInstanceOf(CancelledError);
                cancelled.add(job.ticket);
              });
            } else if (c.op === 'abort') {
              const live = controllers.flatMap((ctl, t) =>
                ctl && !ctl.signal.aborted && !log.started.includes(t) ? [t] : [],
              );
              if (live.length > 0) {
                controllers[live[c.pick % live.length] as number]?.abort();
                aborted++;
              }
            } else if (running.size > 0) {
              [...running.values()][c.pick % running.size]?.job.finish?.();
            }
            await flush();
            const pending = controllers.length - log.started.length - cancelled.size;
            expect(slots.running).toBe(running.size);
            expect(slots.running).toBeLessThanOrEqual(size);
            const held = [...running.values()].map((r) => r.slot);
            expect(new Set(held).size).toBe(held.length);
            for (const slot of held) expect(slot >= 1 && slot <= size).toBe(true);
            expect(slots.queued + slots.waiting).toBe(pending);
            if (slots.queued > 0) expect(slots.running).toBe(size);
            if (slots.waiting > 0) expect(slots.queued).toBe(Math.min(maxQueue, pending));
            expect(cancelled.size).toBe(aborted);
            expect([...cancelled].sort()).toEqual([...log.dropped].sort());
            for (const t of cancelled) expect(log.started).not.toContain(t);
            for (const t of log.started) expect(log.admitted).toContain(t);
            expect(log.admitted).toEqual([...log.admitted].sort((a, b) => a - b));
            expect(log.started).toEqual([...log.started].sort((a, b) => a - b));
          }
          slots.rejectAll(() => new CancelledError());
          await flush();
          expect(slots.queued + slots.waiting).toBe(0);
          expect(log.started.length + cancelled.size).toBe(controllers.length);
        },
      ),
      { numRuns: 100, examples: [cancelWhileFull] },
    );
  });
});
