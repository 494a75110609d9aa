import { describe, expect, it, vi } from 'vitest';
import { builtinJobsUrl } from '../../src/node/default-executor.js';
import { Executor } from '../../src/node/executor.js';
import type * as BuiltinJobs from '../../src/node/jobs.js';
import { VirtualClock } from '../../src/primitives/virtual-clock.js';
import { type FixtureJobs, Flags, fixtureJobs, RecordingTracer } from './helpers.js';

const types = (events: { type: string }[]) => events.map((e) => e.type);

describe('Executor tracing in real time', () => {
  it('emits submit/start/end per job, with the thread that ran it, in the submitter task', async () => {
    const tracer = new RecordingTracer();
    await using pool = new Executor<FixtureJobs>(fixtureJobs, { maxWorkers: 1, tracer, name: 'pool' });
    const flags = new Flags();
    const ac = new AbortController();
    const [a, b, c] = await tracer.runAs('producer', async () => {
      const jobs = [
        pool.run('block', [flags.sab, 0, 1]),
        pool.run('throwTyped', ['x']),
        pool.run('mark', [flags.sab, 2], { signal: ac.signal }),
      ];
      await flags.whenSet(0);
      ac.abort();
      flags.open(1);
      return Promise.allSettled(jobs);
    });
    expect([a.status, b.status, c.status]).toEqual(['fulfilled', 'rejected', 'rejected']);
    const thread = (a as PromiseFulfilledResult<number>).value;

    expect(types(tracer.ofJob(1))).toEqual(['executor.submit', 'executor.start', 'executor.end']);
    expect(types(tracer.ofJob(2))).toEqual(['executor.submit', 'executor.start', 'executor.end']);
    expect(types(tracer.ofJob(3))).toEqual(['executor.submit', 'executor.end']);
    for (const e of tracer.events) expect(e).toMatchObject({ resource: 'pool', task: 'producer' });

    const [submit1, start1, end1] = tracer.ofJob(1);
    expect(submit1.data).toEqual({ job: 1, fn: 'block' });
    expect(start1.data).toMatchObject({ job: 1, fn: 'block', threadId: thread });
    expect(start1.data?.queueWait).toBeGreaterThanOrEqual(0);
    expect(end1.data).toMatchObject({ job: 1, threadId: thread, status: 'ok' });
    expect(end1.data?.ms).toBeGreaterThanOrEqual(0);
    expect(end1.state).toEqual({ running: 1, queued: 0, waiting: 0, maxWorkers: 1 }); // job 2 took the slot
    expect(tracer.ofJob(2)[2].data).toMatchObject({ threadId: thread, status: 'error' });
    expect(tracer.ofJob(3)[0].state).toEqual({ running: 1, queued: 2, waiting: 0, maxWorkers: 1 });
    expect(tracer.ofJob(3)[1].data).toEqual({
      job: 3,
      fn: 'mark',
      threadId: null,
      status: 'cancelled',
      ms: 0,
    });
    expect(tracer.ofJob(3)[1].state).toEqual({ running: 1, queued: 1, waiting: 0, maxWorkers: 1 });
    // The slot passes on at the end of a job: job 2 starts after job 1 ended.
    expect(tracer.events.indexOf(end1)).toBeLessThan(tracer.events.indexOf(tracer.ofJob(2)[1]));
  });
});

describe('Executor with a clock', () => {
  it('tracks a real-time job: a virtual clock does not jump while it is in flight', async () => {
    const clock = new VirtualClock();
    await using pool = new Executor<typeof BuiltinJobs>(builtinJobsUrl(), { maxWorkers: 1, clock });
    const woke = clock.sleep(1000).then(() => clock.now());
    expect(await pool.run('blockingSleep', [30])).toBe(30);
    expect(clock.now()).toBe(0);
    expect(await woke).toBe(1000);
    expect(clock.inFlight).toBe(0);
  });

  /**
   * Five modelled jobs on two slots; the last is cancelled while queued at t=150.
   * `realWork` sets how long each job really runs: the trace must not depend on it.
   */
  async function modelledRun(realWork: number[]) {
    const clock = new VirtualClock();
    const tracked = vi.spyOn(clock, 'track');
    const tracer = new RecordingTracer(clock);
    const pool = new Executor<typeof BuiltinJobs>(builtinJobsUrl(), {
      maxWorkers: 2,
      clock,
      tracer,
      name: 'model',
    });
    const ac = new AbortController();
    const costs = [300, 100, 200, 100, 50];
    const outcomes = costs.map((cost, i) =>
      tracer.runAs(`t${i + 1}`, () =>
        pool.run('blockingSleep', [realWork[i]], { cost, signal: i === 4 ? ac.signal : undefined }).then(
          () => `ok@${clock.now()}`,
          (err: Error) => `${err.name}@${clock.now()}`,
        ),
      ),
    );
    tracer.runAs('canceller', () => clock.sleep(150).then(() => ac.abort('late')));
    const settled = await Promise.all(outcomes);
    await pool.close();
    return {
      settled,
      tracer,
      clock,
      tracked: tracked.mock.calls.length,
      trace: JSON.stringify(tracer.events),
    };
  }

  it('models a pool in virtual time: byte-identical traces whatever the real work took', async () => {
    const first = await modelledRun([40, 0, 5, 20, 0]);
    const second = await modelledRun([0, 30, 0, 5, 10]);
    expect(second.trace).toBe(first.trace);
    expect(first.settled).toEqual(['ok@300', 'ok@100', 'ok@300', 'ok@400', 'CancelledError@150']);
    expect(first.tracked).toBe(4); // the real work of each job that started was tracked…
    expect(first.clock.inFlight).toBe(0);

    const { tracer } = first;
    const span = (job: number) => {
      const start = tracer.ofJob(job).find((e) => e.type === 'executor.start');
      const end = tracer.ofJob(job).find((e) => e.type === 'executor.end');
      return [start?.t, end?.t, start?.data?.threadId, end?.data?.status, start?.data?.queueWait];
    };
    expect(span(1)).toEqual([0, 300, 1, 'ok', 0]);
    expect(span(2)).toEqual([0, 100, 2, 'ok', 0]);
    expect(span(3)).toEqual([100, 300, 2, 'ok', 100]);
    expect(span(4)).toEqual([300, 400, 1, 'ok', 300]);
    expect(span(5)).toEqual([undefined, 150, undefined, 'cancelled', undefined]);
    for (let job = 1; job <= 5; job++) {
      for (const e of tracer.ofJob(job)) expect(e.task).toBe(`t${job}`);
    }
  });

  it("states the pool after the event: a modelled start counts the submitter its slot's release admitted", async () => {
    const clock = new VirtualClock();
    const tracer = new RecordingTracer(clock);
    await using pool = new Executor<typeof BuiltinJobs>(builtinJobsUrl(), {
      maxWorkers: 1,
      maxQueue: 1,
      clock,
      tracer,
    });
    // Job 1 runs, job 2 is queued, job 3 waits for room; job 1's end hands its slot to 2 and the room to 3.
    await Promise.all([1, 2, 3].map(() => pool.run('blockingSleep', [0], { cost: 100 })));
    const at100 = tracer.events.filter((e) => e.t === 100).map((e) => [e.type, e.data?.job, e.state]);
    const after = { running: 1, queued: 1, waiting: 0, maxWorkers: 1 };
    expect(at100).toEqual([
      ['executor.end', 1, after],
      ['executor.start', 2, after],
    ]);
  });

  it('cancels a running modelled job at the virtual instant of the abort; its slot passes on', async () => {
    const clock = new VirtualClock();
    const tracer = new RecordingTracer(clock);
    await using pool = new Executor<typeof BuiltinJobs>(builtinJobsUrl(), { maxWorkers: 1, clock, tracer });
    const ac = new AbortController();
    const first = pool.run('blockingSleep', [5], { cost: 100, signal: ac.signal });
    const second = pool.run('fib', [10], { cost: 10 });
    await clock.sleep(40);
    ac.abort('enough');
    await expect(first).rejects.toMatchObject({ name: 'CancelledError', cause: 'enough' });
    expect(clock.now()).toBe(40);
    expect(await second).toBe(55);
    expect(clock.now()).toBe(50);
    expect(tracer.ofJob(1).at(-1)?.data).toMatchObject({ status: 'cancelled', ms: 40, threadId: 1 });
    expect(tracer.ofJob(2).find((e) => e.type === 'executor.start')).toMatchObject({
      t: 40,
      data: { threadId: 1 },
    });
  });
});
