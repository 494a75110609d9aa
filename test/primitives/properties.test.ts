import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  CancelledError,
  type Held,
  LifoQueue,
  PriorityQueue,
  Queue,
  QueueShutDown,
} from '../../src/index.js';
import { lockLikes } from '../helpers/lock-likes.js';
import { PermitModel } from '../helpers/permit-model.js';
import { drain, signalKinds } from '../helpers/step.js';

/**
 * Model-based random interleavings. A run is a list of commands executed
 * synchronously in batches; a `drain` command lets every pending promise
 * reaction run. Everything random is in the command list, so a failure
 * shrinks to a minimal list and replays exactly (the seed is printed).
 */

type LockCommand =
  | { kind: 'acquire'; signal: boolean; preAborted: boolean }
  | { kind: 'release'; pick: number; twice: boolean }
  | { kind: 'abort'; pick: number }
  | { kind: 'abortAll' }
  | { kind: 'drain' };

const lockCommand: fc.Arbitrary<LockCommand> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('acquire' as const),
      signal: fc.boolean(),
      preAborted: fc.nat(5).map((n) => n === 0),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat(), twice: fc.boolean() }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('abort' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'abortAll' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'drain' as const }) },
);

describe.each(signalKinds)('with $kind signals', ({ controller: newController, aborted: abortedSignal }) => {
  describe.each(lockLikes)('$name: random acquire/release/abort interleavings', ({ make }) => {
    test('match the FIFO hand-off model; never more holders than permits; permits conserved', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(lockCommand, { maxLength: 60 }), async (commands) => {
          const ll = make();
          const model = new PermitModel(ll.permits);
          const controllers = new Map<number, ReturnType<typeof newController>>();
          const handles = new Map<number, Held>();
          const rejected = new Set<number>();
          const settled = new Set<number>();
          let overflow = 0;
          let nextId = 0;

          const check = () => {
            expect([...handles.keys()].sort()).toEqual([...model.holders].sort());
            expect([...rejected].sort()).toEqual([...model.rejected].sort());
            expect(ll.waiting()).toBe(model.queue.length);
            expect(ll.free()).toBe(model.free);
            expect(overflow).toBe(0);
          };
          const step = async () => {
            await drain();
            model.resume();
            check();
          };

          for (const c of commands) {
            if (c.kind === 'acquire') {
              const id = nextId++;
              const controller = c.signal ? newController() : undefined;
              if (controller) controllers.set(id, controller);
              const signal = c.preAborted ? abortedSignal() : controller?.signal;
              model.acquire(id, c.preAborted);
              ll.primitive.acquire({ signal }).then(
                (held) => {
                  settled.add(id);
                  handles.set(id, held);
                  if (handles.size > ll.permits) overflow++;
                },
                (err) => {
                  settled.add(id);
                  expect(err).toBeInstanceOf(CancelledError);
                  rejected.add(id);
                },
              );
            } else if (c.kind === 'release') {
              const ids = [...handles.keys()];
              if (ids.length === 0) continue;
              const id = ids[c.pick % ids.length];
              const held = handles.get(id) as Held;
              handles.delete(id);
              held.release();
              if (c.twice) held.release();
              model.release(id);
            } else if (c.kind === 'abort' || c.kind === 'abortAll') {
              const ids = [...controllers.keys()].filter((id) => !settled.has(id));
              if (ids.length === 0) continue;
              for (const id of c.kind === 'abort' ? [ids[c.pick % ids.length]] : ids) {
                (controllers.get(id) as ReturnType<typeof newController>).abort();
                controllers.delete(id);
                model.abort(id);
              }
            } else await step();
          }
          await step();

          // Wind down: abort every waiter that can be aborted, release every holder, until nothing is pending.
          for (let round = 0; settled.size < nextId || handles.size > 0; round++) {
            expect(round).toBeLessThan(nextId + 2);
            for (const [id, controller] of controllers) {
              if (!settled.has(id)) {
                controller.abort();
                model.abort(id);
              }
            }
            controllers.clear();
            for (const [id, held] of handles) {
              handles.delete(id);
              held.release();
              model.release(id);
            }
            await step();
          }
          expect(ll.waiting()).toBe(0);
          expect(ll.free()).toBe(ll.permits);
          expect(ll.primitive.locked()).toBe(false);
        }),
        { numRuns: 150 },
      );
    });
  });

  type QueueCommand =
    | { kind: 'put'; signal: boolean }
    | { kind: 'putNowait' }
    | { kind: 'get'; signal: boolean }
    | { kind: 'getNowait' }
    | { kind: 'abort'; pick: number }
    | { kind: 'abortAll' }
    | { kind: 'drain' };

  const queueCommand: fc.Arbitrary<QueueCommand> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('put' as const), signal: fc.boolean() }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'putNowait' as const }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('get' as const), signal: fc.boolean() }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'getNowait' as const }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('abort' as const), pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'abortAll' as const }) },
    { weight: 3, arbitrary: fc.constant({ kind: 'drain' as const }) },
  );

  /**
   * `order` checks what is left at the end: a FIFO holds it in the order the
   * items entered (a put on a queue that is not full enters at once; a putter
   * woken with a reserved slot enters when it resumes, just before its put
   * resolves, and a newcomer that finds another free slot meanwhile may enter
   * first, as in asyncio); a priority queue holds it smallest first.
   */
  const queueKinds = [
    { name: 'Queue', make: (maxsize: number) => new Queue<number>(maxsize), order: 'entry' },
    { name: 'PriorityQueue', make: (maxsize: number) => new PriorityQueue<number>(maxsize), order: 'value' },
    { name: 'LifoQueue', make: (maxsize: number) => new LifoQueue<number>(maxsize), order: 'none' },
  ];

  /** Interleavings that exposed bugs once; they run on every test run. */
  const queueCounterexamples: [number, QueueCommand[]][] = [
    // A woken putter's item went straight to a plain getter; the next putter was never woken.
    [1, [{ kind: 'get', signal: true }, { kind: 'get', signal: false }, ...puts(3)]],
    // An aborted getter passed its item to a plain getter; the waiting putter was never woken.
    [
      1,
      [{ kind: 'get', signal: true }, ...puts(2), { kind: 'abort', pick: 0 }, { kind: 'get', signal: false }],
    ],
    // Two getters handed items and aborted in one tick gave them back in reverse order.
    [2, [{ kind: 'get', signal: true }, { kind: 'get', signal: true }, ...puts(2), { kind: 'abortAll' }]],
  ];

  function puts(n: number): QueueCommand[] {
    return Array.from({ length: n }, () => ({ kind: 'put', signal: false }));
  }

  describe.each(queueKinds)(
    '$name: random put/get/abort with many producers and consumers',
    ({ make, order }) => {
      test('every item is delivered exactly once or still queued; qsize() <= maxsize; no lost wake-up; nothing left waiting', async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.integer({ min: 1, max: 3 }),
            fc.array(queueCommand, { maxLength: 80 }),
            async (maxsize, commands) => {
              const q = make(maxsize);
              let nextItem = 0;
              /** Items whose put succeeded; items whose put was refused or rejected. */
              const accepted = new Set<number>();
              const entered: number[] = [];
              const refused = new Set<number>();
              const delivered: number[] = [];
              const pending = new Map<string, ReturnType<typeof newController> | undefined>();
              let nextOp = 0;

              const invariant = () => {
                expect(q.qsize()).toBeLessThanOrEqual(maxsize);
                expect(q.qsize()).toBeGreaterThanOrEqual(0);
              };
              const settle = (op: string, rejected: boolean, err?: unknown) => {
                pending.delete(op);
                if (rejected)
                  expect(err instanceof CancelledError || err instanceof QueueShutDown).toBe(true);
              };
              const step = async () => {
                await drain();
                invariant();
                const s = q.statistics();
                // No lost wake-up: a putter waits only while the queue is full, a getter only while it is empty.
                if (s.putters > 0) expect(q.full()).toBe(true);
                if (s.getters > 0) expect(q.qsize()).toBe(0);
                expect(accepted.size - delivered.length).toBe(q.qsize());
                expect(s.unfinished).toBe(accepted.size);
              };

              for (const c of commands) {
                if (c.kind === 'put') {
                  const item = nextItem++;
                  const op = `put${nextOp++}`;
                  const controller = c.signal ? newController() : undefined;
                  pending.set(op, controller);
                  // Not full: the item enters now. Else it enters when the putter resumes, just before this callback.
                  const now = !q.full();
                  if (now) entered.push(item);
                  q.put(item, { signal: controller?.signal }).then(
                    () => {
                      accepted.add(item);
                      if (!now) entered.push(item);
                      settle(op, false);
                    },
                    (err) => {
                      refused.add(item);
                      settle(op, true, err);
                    },
                  );
                } else if (c.kind === 'putNowait') {
                  const item = nextItem++;
                  try {
                    q.putNowait(item);
                    accepted.add(item);
                    entered.push(item);
                  } catch {
                    refused.add(item);
                  }
                } else if (c.kind === 'get') {
                  const op = `get${nextOp++}`;
                  const controller = c.signal ? newController() : undefined;
                  pending.set(op, controller);
                  q.get({ signal: controller?.signal }).then(
                    (item) => {
                      delivered.push(item);
                      settle(op, false);
                    },
                    (err) => settle(op, true, err),
                  );
                } else if (c.kind === 'getNowait') {
                  try {
                    delivered.push(q.getNowait());
                  } catch {}
                } else if (c.kind === 'abort' || c.kind === 'abortAll') {
                  const abortable = [...pending].filter(
                    ([, ctl]) => ctl !== undefined && !ctl.signal.aborted,
                  );
                  if (abortable.length === 0) continue;
                  const chosen = c.kind === 'abort' ? [abortable[c.pick % abortable.length]] : abortable;
                  for (const [, ctl] of chosen) (ctl as ReturnType<typeof newController>).abort();
                } else await step();
                invariant();
              }
              await step();

              // Wind down: shutdown() ends every wait; what is left drains with getNowait.
              q.shutdown();
              await drain();
              expect(pending.size).toBe(0);
              const left: number[] = [];
              for (;;) {
                try {
                  left.push(q.getNowait());
                } catch (err) {
                  expect(err).toBeInstanceOf(QueueShutDown);
                  break;
                }
              }
              const all = [...delivered, ...left];
              expect(new Set(all).size).toBe(all.length); // never delivered twice
              expect([...all].sort((a, b) => a - b)).toEqual([...accepted].sort((a, b) => a - b));
              for (const item of refused) expect(all).not.toContain(item);
              if (order === 'entry') expect(left).toEqual(entered.filter((item) => left.includes(item)));
              if (order === 'value') expect(left).toEqual([...left].sort((a, b) => a - b));
              expect(q.statistics()).toMatchObject({ size: 0, getters: 0, putters: 0 });
            },
          ),
          { numRuns: 300, examples: queueCounterexamples },
        );
      });
    },
  );
});
