/**
 * `run()` (a parked `RunCall`, not an acquire promise) and `acquire()` on one
 * primitive, interleaved at random with aborts — before the wake-up, in the
 * window between the wake-up and the resumption, after the admission — and
 * releases, traced and untraced. Checked against a FIFO hand-off model after
 * every batch of commands: who holds, who was rejected, how many wait, how
 * many permits are free; no permit is lost or duplicated, and at the end every
 * permit is back. properties.test.ts does the same for `acquire()` alone.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type Acquirable,
  BoundedSemaphore,
  CancelledError,
  Condition,
  type Held,
  Lock,
  Semaphore,
} from '../../src/index.js';
import { Recorder } from '../../src/trace/recorder.js';
import { PermitModel } from '../helpers/permit-model.js';
import { drain, TokenController } from '../helpers/step.js';

/** `hold`: `fn` returns a promise the test settles (`finish`); the others settle within a drain. */
type Body = 'value' | 'throw' | 'reject' | 'hold';
type SignalKind = 'none' | 'abortSignal' | 'token' | 'preAborted';

type Command =
  | { kind: 'run'; body: Body; signal: SignalKind }
  | { kind: 'acquire'; signal: SignalKind }
  | { kind: 'release'; pick: number; reject: boolean }
  | { kind: 'abort'; pick: number }
  | { kind: 'abortAll' }
  | { kind: 'drain' };

const signalKind = fc.constantFrom<SignalKind>(
  'none',
  'abortSignal',
  'token',
  'abortSignal',
  'token',
  'preAborted',
);

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('run' as const),
      body: fc.constantFrom<Body>('value', 'throw', 'reject', 'hold', 'hold'),
      signal: signalKind,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('acquire' as const), signal: signalKind }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat(), reject: fc.boolean() }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('abort' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'abortAll' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'drain' as const }) },
);

/**
 * The expected behaviour, exactly: a permit goes to the head of the queue at
 * release; a woken caller resumes on the next drain, or, aborted in between,
 * passes its permit to the head of the queue then; a run whose `fn` settles
 * releases on the next drain.
 */
class Model extends PermitModel {
  /** Admitted (acquire resolved or fn called). */
  admitted = new Set<number>();
  /** Runs whose fn was settled by the test: they release on the next drain. */
  finishing: number[] = [];

  constructor(
    permits: number,
    /** Runs whose fn settles by itself, once called. */
    readonly selfFinishing: Set<number>,
  ) {
    super(permits);
  }

  /** A held run's fn settled: it releases on the next drain. */
  finish(id: number): void {
    this.holders.delete(id);
    this.finishing.push(id);
  }

  /** What one drain does: runs release, woken callers resume (and may release at once), in cascade. */
  drain(): void {
    for (const _ of this.finishing) this.handOn();
    this.finishing = [];
    for (let i = 0; i < this.woken.length; i++) {
      const id = this.woken[i] as number;
      if (this.aborted.has(id)) {
        this.rejected.add(id);
        this.handOn();
      } else if (this.selfFinishing.has(id)) {
        this.admitted.add(id);
        this.handOn();
      } else {
        this.admitted.add(id);
        this.holders.add(id);
      }
    }
    this.woken = [];
    this.aborted.clear();
  }
}

interface Subject {
  name: string;
  permits: number;
  make(tracer: Recorder | undefined): { primitive: Acquirable; free(): number; waiting(): number };
}

const lockView = (lock: Lock, primitive: Acquirable = lock) => ({
  primitive,
  free: () => (lock.locked() ? 0 : 1),
  waiting: () => lock.statistics().waiting,
});
const semaphoreView = (sem: Semaphore) => ({
  primitive: sem,
  free: () => sem.value,
  waiting: () => sem.statistics().waiting,
});

const subjects: Subject[] = [
  { name: 'Lock', permits: 1, make: (tracer) => lockView(new Lock({ name: 'p', tracer })) },
  {
    name: 'Condition (its lock)',
    permits: 1,
    make: (tracer) => {
      const cond = new Condition(undefined, { name: 'p', tracer });
      return lockView(cond.lock, cond);
    },
  },
  {
    name: 'Semaphore(1)',
    permits: 1,
    make: (tracer) => semaphoreView(new Semaphore(1, { name: 'p', tracer })),
  },
  {
    name: 'Semaphore(3)',
    permits: 3,
    make: (tracer) => semaphoreView(new Semaphore(3, { name: 'p', tracer })),
  },
  {
    name: 'BoundedSemaphore(2)',
    permits: 2,
    make: (tracer) => semaphoreView(new BoundedSemaphore(2, { name: 'p', tracer })),
  },
];

interface Controller {
  readonly signal: AbortSignal | TokenController['signal'];
  abort(reason?: unknown): void;
}

/** The primitive's events: a Condition's come from its lock. */
const ours = (resource: string | undefined): boolean => resource === 'p' || resource === 'p.lock';

function controllerOf(kind: SignalKind): Controller | undefined {
  if (kind === 'none') return undefined;
  const controller = kind === 'token' ? new TokenController() : new AbortController();
  if (kind === 'preAborted') controller.abort(new Error('already aborted'));
  return controller;
}

describe.each(subjects)('$name: random run()/acquire()/abort/release interleavings', (subject) => {
  test.each([false, true])(
    'traced %s: match the FIFO hand-off model; no permit lost or duplicated; FIFO admission; all permits back',
    async (traced) => {
      await fc.assert(
        fc.asyncProperty(fc.array(command, { maxLength: 50 }), async (commands) => {
          const recorder = traced ? new Recorder({ demo: 'props', clock: { now: () => 0 } }) : undefined;
          const prim = subject.make(recorder);
          const selfFinishing = new Set<number>();
          const model = new Model(subject.permits, selfFinishing);
          const controllers = new Map<number, Controller>();
          /** Permits held as the test sees them: acquire handles, and runs whose fn holds. */
          const handles = new Map<number, Held>();
          const holds = new Map<number, { resolve(): void; reject(err: unknown): void }>();
          const rejected = new Set<number>();
          const settled = new Set<number>();
          const admitted = new Set<number>();
          /** Admissions in order, per latency class (with a signal or not: one more tick). */
          const admissions: Record<'plain' | 'checked', number[]> = { plain: [], checked: [] };
          /** Runs whose fn threw or rejected: their run must reject with that error. */
          const failing = new Set<number>();
          const problems: string[] = [];
          let inside = 0;
          let nextId = 0;

          const admit = (id: number, checked: boolean): void => {
            admitted.add(id);
            admissions[checked ? 'checked' : 'plain'].push(id);
            inside++;
            if (inside > subject.permits) problems.push(`op${id} admitted with ${inside - 1} holders`);
            if (recorder !== undefined && recorder.currentTask() !== `op${id}`) {
              problems.push(`op${id} admitted as ${recorder.currentTask()}`);
            }
          };
          const check = (): void => {
            expect(problems).toEqual([]);
            expect([...handles.keys(), ...holds.keys()].sort()).toEqual([...model.holders].sort());
            expect([...admitted].sort()).toEqual([...model.admitted].sort());
            expect([...rejected].sort()).toEqual([...model.rejected].sort());
            expect(prim.waiting()).toBe(model.queue.length);
            expect(prim.free()).toBe(model.free);
          };
          const step = async (): Promise<void> => {
            await drain();
            model.drain();
            check();
          };

          const start = (id: number, c: Command & { kind: 'run' | 'acquire' }): void => {
            const controller = controllerOf(c.signal);
            if (controller !== undefined && c.signal !== 'preAborted') controllers.set(id, controller);
            const options = controller === undefined ? undefined : { signal: controller.signal };
            const checked = c.signal !== 'none';
            const failed = (err: unknown): void => {
              settled.add(id);
              if (err instanceof CancelledError) rejected.add(id);
              else problems.push(`op${id} rejected with ${String(err)}`);
            };
            if (c.kind === 'acquire') {
              prim.primitive.acquire(options).then((held) => {
                settled.add(id);
                handles.set(id, held);
                admit(id, checked);
              }, failed);
              return;
            }
            if (c.body !== 'hold') selfFinishing.add(id);
            if (c.body === 'throw' || c.body === 'reject') failing.add(id);
            const fn = (): unknown => {
              admit(id, checked);
              if (c.body === 'hold') {
                return new Promise<void>((resolve, reject) => {
                  holds.set(id, { resolve, reject });
                });
              }
              inside--;
              if (c.body === 'throw') throw new Error(`e${id}`);
              if (c.body === 'reject') return Promise.reject(new Error(`e${id}`));
              return id;
            };
            prim.primitive.run(fn, options).then(
              (value) => {
                settled.add(id);
                const expected = c.body === 'hold' ? undefined : id;
                if (value !== expected) problems.push(`op${id} resolved to ${String(value)}`);
                if (failing.has(id)) problems.push(`op${id} resolved, but its fn failed`);
              },
              (err: unknown) => {
                settled.add(id);
                if (err instanceof CancelledError) rejected.add(id);
                else if (!(err instanceof Error && err.message === `e${id}` && failing.has(id))) {
                  problems.push(`op${id} rejected with ${String(err)}`);
                }
              },
            );
          };

          for (const c of commands) {
            if (c.kind === 'run' || c.kind === 'acquire') {
              const id = nextId++;
              model.acquire(id, c.signal === 'preAborted');
              if (recorder === undefined) start(id, c);
              else recorder.runAs(`op${id}`, () => start(id, c));
            } else if (c.kind === 'release') {
              const ids = [...handles.keys(), ...holds.keys()];
              if (ids.length === 0) continue;
              const id = ids[c.pick % ids.length] as number;
              inside--;
              const held = handles.get(id);
              if (held !== undefined) {
                handles.delete(id);
                held.release();
                held.release(); // idempotent
                model.release(id);
              } else {
                const hold = holds.get(id) as { resolve(): void; reject(err: unknown): void };
                holds.delete(id);
                if (c.reject) {
                  failing.add(id);
                  hold.reject(new Error(`e${id}`));
                } else hold.resolve();
                model.finish(id);
              }
            } else if (c.kind === 'abort' || c.kind === 'abortAll') {
              // Any op with a live signal: queued, woken, admitted or done (the last two change nothing).
              const ids = [...controllers.keys()];
              if (ids.length === 0) continue;
              for (const id of c.kind === 'abort' ? [ids[c.pick % ids.length] as number] : ids) {
                (controllers.get(id) as Controller).abort(new Error(`abort op${id}`));
                controllers.delete(id);
                model.abort(id);
              }
            } else await step();
          }
          await step();

          // Wind down: abort what can be aborted, release every holder, until nothing is pending.
          for (let round = 0; settled.size < nextId || handles.size + holds.size > 0; round++) {
            expect(round).toBeLessThan(nextId + 2);
            for (const [id, controller] of controllers) {
              controller.abort();
              model.abort(id);
            }
            controllers.clear();
            for (const [id, held] of handles) {
              handles.delete(id);
              inside--;
              held.release();
              model.release(id);
            }
            for (const [id, hold] of holds) {
              holds.delete(id);
              inside--;
              hold.resolve();
              model.finish(id);
            }
            await step();
          }
          expect(inside).toBe(0);
          expect(prim.waiting()).toBe(0);
          expect(prim.free()).toBe(subject.permits);
          expect(prim.primitive.locked()).toBe(false);
          // FIFO: within a latency class, callers that had to wait are admitted in the order they came.
          // (One that took a permit freed after an earlier waiter was handed its own may start first:
          // that waiter lost nothing.)
          for (const all of Object.values(admissions)) {
            const order = all.filter((id) => !model.fast.has(id));
            expect(order).toEqual([...order].sort((a, b) => a - b));
          }
          if (recorder !== undefined) {
            const acquires = recorder.events.filter((e) => e.type === 'acquire' && ours(e.resource));
            expect(acquires.map((e) => e.task).sort()).toEqual([...admitted].map((id) => `op${id}`).sort());
            const releases = recorder.events.filter((e) => e.type === 'release' && ours(e.resource));
            expect(releases).toHaveLength(admitted.size);
          }
        }),
        { numRuns: 120 },
      );
    },
  );
});

describe('run(): an abort that itself wakes the waiter (its signal’s earlier listener releases)', () => {
  const makers = [
    ['Lock', (tracer?: Recorder) => new Lock({ tracer })],
    ['Semaphore(1)', (tracer?: Recorder) => new Semaphore(1, { tracer })],
    ['BoundedSemaphore(1)', (tracer?: Recorder) => new BoundedSemaphore(1, { tracer })],
  ] as const;
  describe.each(makers)('%s', (_, make) => {
    test.each([
      ['AbortSignal', false],
      ['CancelToken', false],
      ['AbortSignal', true],
      ['CancelToken', true],
    ] as const)(
      '%s, traced %s: the run is cancelled and the permit passes to the next waiter',
      async (kind, traced) => {
        const recorder = traced ? new Recorder({ demo: 'd', clock: { now: () => 0 } }) : undefined;
        const prim = make(recorder);
        const held = await prim.acquire();
        const controller = kind === 'AbortSignal' ? new AbortController() : new TokenController();
        (controller.signal as AbortSignal).addEventListener('abort', () => held.release());
        let ran = false;
        const cancelled = prim.run(
          () => {
            ran = true;
          },
          { signal: controller.signal },
        );
        const next = prim.run(() => 'next');
        controller.abort();
        await expect(cancelled).rejects.toBeInstanceOf(CancelledError);
        await expect(next).resolves.toBe('next');
        await drain();
        expect(ran).toBe(false);
        expect(prim.locked()).toBe(false);
        expect(prim.statistics().waiting).toBe(0);
      },
    );
  });
});
