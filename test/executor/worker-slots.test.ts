import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../src/primitives/errors.js';
import { WorkerSlots } from '../../src/primitives/worker-slots.js';

type Command =
  | { op: 'take'; signal: boolean }
  | { op: 'abort'; pick: number }
  | { op: 'release'; pick: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('take' as const), signal: fc.boolean() }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('abort' as const), pick: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('release' as const), pick: fc.nat() }), weight: 2 },
);

/** A queued job is cancelled while a submitter waits for room: the room must pass to it. */
const cancelWhileFull: [number, number, Command[]] = [
  1,
  1,
  [
    { op: 'take', signal: false },
    { op: 'take', signal: true },
    { op: 'take', signal: false },
    { op: 'abort', pick: 0 },
  ],
];

/** Lets every pending promise callback run (the longest chain, room → queue → slot, takes a few ticks). */
async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await null;
}

describe('WorkerSlots', () => {
  it('hands out the lowest free slot, then passes a released slot to the head of the queue', async () => {
    const slots = new WorkerSlots(2, Number.POSITIVE_INFINITY);
    const admitted: number[] = [];
    expect(slots.take(undefined, { admitted: () => admitted.push(1) })).toBe(1);
    expect(slots.take(undefined, { admitted: () => admitted.push(2) })).toBe(2);
    const third = slots.take(undefined, { admitted: () => admitted.push(3) });
    expect(admitted).toEqual([1, 2, 3]);
    slots.release(2);
    expect(await third).toBe(2);
    slots.release(1);
    expect(slots.take(undefined, { admitted: () => {} })).toBe(1);
    expect([slots.running, slots.queued, slots.waiting]).toEqual([2, 0, 0]);
  });

  it('keeps FIFO order, conservation and its bounds under random take/abort/release', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom(0, 1, 2, Number.POSITIVE_INFINITY),
        fc.array(command, { minLength: 4, maxLength: 40, size: 'max' }),
        async (size, maxQueue, commands) => {
          const slots = new WorkerSlots(size, maxQueue);
          const controllers: (AbortController | undefined)[] = [];
          const admitted: number[] = [];
          const granted: number[] = [];
          const cancelled = new Set<number>();
          const holders = new Map<number, number>(); // ticket → slot
          let aborted = 0;
          for (const c of commands) {
            if (c.op === 'take') {
              const ticket = controllers.length;
              const controller = c.signal ? new AbortController() : undefined;
              controllers.push(controller);
              const grant = (slot: number) => {
                granted.push(ticket);
                holders.set(ticket, slot);
              };
              const taken = slots.take(controller?.signal, { admitted: () => admitted.push(ticket) });
              if (typeof taken === 'number') grant(taken);
              else
                taken.then(grant, (err) => {
                  expect(err).toBeInstanceOf(CancelledError);
                  cancelled.add(ticket);
                });
            } else if (c.op === 'abort') {
              const live = controllers.flatMap((ctl, t) =>
                ctl && !ctl.signal.aborted && !granted.includes(t) ? [t] : [],
              );
              if (live.length > 0) {
                controllers[live[c.pick % live.length]]?.abort();
                aborted++;
              }
            } else if (holders.size > 0) {
              const [ticket, slot] = [...holders][c.pick % holders.size];
              holders.delete(ticket);
              slots.release(slot);
            }
            await flush();
            const pending = controllers.length - granted.length - cancelled.size;
            expect(slots.running).toBe(holders.size);
            expect(slots.running).toBeLessThanOrEqual(size);
            expect(new Set(holders.values()).size).toBe(holders.size);
            for (const slot of holders.values()) expect(slot >= 1 && slot <= size).toBe(true);
            expect(slots.queued + slots.waiting).toBe(pending);
            if (slots.queued > 0) expect(slots.running).toBe(size);
            if (slots.waiting > 0) expect(slots.queued).toBe(Math.min(maxQueue, pending));
            expect(cancelled.size).toBe(aborted);
            for (const t of cancelled) expect(granted).not.toContain(t);
            expect(admitted).toEqual([...admitted].sort((a, b) => a - b));
            expect(granted).toEqual([...granted].sort((a, b) => a - b));
          }
          slots.rejectAll(() => new CancelledError());
          await flush();
          expect(slots.queued + slots.waiting).toBe(0);
        },
      ),
      { numRuns: 100, examples: [cancelWhileFull] },
    );
  });
});
