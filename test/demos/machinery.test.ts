import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createContext } from '../../src/demos/context.js';
import type { DemoInfo, DemoModule } from '../../src/demos/contract.js';
import { runDemo } from '../../src/demos/runner.js';
import { Random } from '../../src/primitives/random.js';
import { RealClock } from '../../src/primitives/real-clock.js';
import { VirtualClock } from '../../src/primitives/virtual-clock.js';
import { analyse } from '../../src/trace/analysis.js';
import { Recorder } from '../../src/trace/recorder.js';
import { createPrettyRenderer } from '../../src/trace/renderers/pretty.js';
import type { TraceEvent } from '../../src/trace/types.js';
import { cli } from '../cli/helpers.js';
import { TraceBuilder } from '../trace/fixtures.js';

/** What the demos added to the machinery: `Check.when`, `ctx.yield()`, and how a run reads. */

function pretty(events: readonly TraceEvent[]): string {
  let out = '';
  const renderer = createPrettyRenderer({ write: (t) => (out += t), colorLevel: 0, width: 80, ascii: true });
  for (const event of events) renderer.event(event);
  renderer.end();
  return out;
}

describe('Check.when', () => {
  it('runs only the checks that apply to the options', async () => {
    const module: DemoModule<{ lock: boolean }> = {
      checks: [
        { name: 'always', ko: 'always', verify: () => ({ ok: true, detail: '' }) },
        {
          name: 'with the lock',
          ko: 'with the lock',
          when: (o) => o.lock,
          verify: () => ({ ok: false, detail: 'never run' }),
        },
      ],
      async run() {},
    };
    const info: DemoInfo<{ lock: boolean }> = {
      name: 'fake',
      title: 'fake',
      pattern: 'fake',
      explanation: ['fake'],
      options: { lock: { kind: 'boolean', default: true, description: 'x' } },
      ko: { title: '가짜', pattern: '가짜', explanation: ['가짜'], options: { lock: 'x' } },
      estimate: () => 0,
      load: async () => ({ default: module }),
    };
    const settings = { seed: 1, virtual: true, speed: 1, signal: new AbortController().signal };
    const without = await runDemo(info, { lock: false }, settings);
    expect(without.status).toBe('ok');
    expect(without.checks.map((c) => c.name)).toEqual(['always']);
    expect((await runDemo(info, { lock: true }, settings)).status).toBe('failed');
  });
});

describe('ctx.yield()', () => {
  it.each([
    ['virtual', () => new VirtualClock()],
    ['real', () => new RealClock()],
  ])('lets every other ready task run once, untraced, in a turn of the %s clock', async (_, clock) => {
    const recorder = new Recorder({ demo: 'x', clock: clock() });
    const { ctx, settle } = createContext(
      {},
      { clock: clock(), random: new Random(1), recorder, signal: new AbortController().signal },
    );
    const order: string[] = [];
    const step = (name: string) => async () => {
      order.push(`${name}1`);
      await ctx.yield();
      order.push(`${name}2`);
    };
    await Promise.all([ctx.task('a', step('a')), ctx.task('b', step('b'))]);
    await settle();
    expect(order).toEqual(['a1', 'b1', 'a2', 'b2']);
    expect(recorder.events.map((e) => e.type)).toEqual(['task.start', 'task.start', 'task.end', 'task.end']);
  });
});

describe('how a run reads', () => {
  it("a demo's own event reads as its msg, and main reporting one is no task", () => {
    const b = new TraceBuilder('gather').start({});
    b.ev('gather.result', 'main', { data: { results: [1, 2] }, msg: 'gather → [job-1, job-2]' });
    b.ev('task.start', 'job-1')
      .at(10)
      .ev('task.end', 'job-1', { data: { status: 'ok' } });
    const events = b.end('ok').events;
    expect(pretty(events)).toContain('main        · gather → [job-1, job-2]\n');
    expect(analyse(events).tasks.map((task) => task.name)).toEqual(['job-1']);
  });

  it('main, when it acts, lives as long as the run and ends as the run did', () => {
    for (const [status, expected] of [
      ['ok', 'ok'],
      ['failed', 'error'],
      ['interrupted', 'cancelled'],
    ] as const) {
      const b = new TraceBuilder('cancel').start({});
      b.ev('sleep', 'main', { data: { ms: 1000 } }).at(1000);
      const main = analyse(b.end(status).events).tasks[0]!;
      expect([main.name, main.end, main.status]).toEqual(['main', 1000, expected]);
    }
  });

  it('prints a lone collapsed event as itself, not as "1 more event"', () => {
    const b = new TraceBuilder('lock').start({});
    for (let i = 0; i < 21; i++) b.ev('wait', 't', { resource: 'lock', state: { locked: true, waiting: 1 } });
    b.ev('log', 'main', { msg: 'after' });
    const out = pretty(b.end('ok').events);
    expect(out).not.toContain('more event');
    expect(out.match(/waits for lock/g)).toHaveLength(21);
  });

  it('draws no timeline for a run that took no time, and says "its check passed" for one check', () => {
    const b = new TraceBuilder('lock').start({});
    b.ev('task.start', 't')
      .ev('task.end', 't', { data: { status: 'ok' } })
      .check('c', true, 'fine');
    const out = pretty(b.end('ok').events);
    expect(out).not.toContain('Timeline');
    expect(out).toContain('Summary');
    expect(out).toContain('✓ lock: its check passed in 0.000s (seed 1)');
  });
});

describe('blocking work and the executor in the context', () => {
  function context(clock: VirtualClock | RealClock) {
    const recorder = new Recorder({ demo: 'x', clock });
    const run = createContext(
      {},
      { clock, random: new Random(1), recorder, signal: new AbortController().signal },
    );
    return { ...run, recorder };
  }

  it('busy() on the virtual clock: a token call, then time jumps and a timer due meanwhile fires late', async () => {
    const clock = new VirtualClock();
    const { ctx, recorder } = context(clock);
    const woke = ctx.clock.sleep(100).then(() => clock.now());
    expect(ctx.busy(2000, { note: 'inline' })).toEqual({ fn: 'blockingSleep', args: [1], value: 1 });
    expect(clock.now()).toBe(2000);
    expect(await woke).toBe(2000);
    expect(ctx.busy(500, { kind: 'cpu' })).toEqual({ fn: 'cpuWork', args: [0], value: 4096 });
    expect(recorder.events.map((e) => [e.type, e.t, e.data, e.msg])).toEqual([
      ['busy', 0, { ms: 2000, fn: 'blockingSleep' }, 'inline'],
      ['busy', 2000, { ms: 500, fn: 'cpuWork' }, undefined],
    ]);
    expect(() => ctx.busy(-1)).toThrow(RangeError);
    expect(recorder.events).toHaveLength(2);
  });

  it('busy() on the real clock really blocks, for ms / speed of wall time', () => {
    const { ctx } = context(new RealClock({ speed: 10 }));
    expect(ctx.busy(50)).toEqual({ fn: 'blockingSleep', args: [5], value: 5 });
  });

  it('executor(): opened once, on the run clock, traced; offload() is modelled on the virtual clock; settle() closes it, cancelling what still runs', async () => {
    const clock = new VirtualClock();
    const { ctx, recorder, settle } = context(clock);
    const pool = await ctx.executor({ maxWorkers: 2, name: 'pool' });
    expect(await ctx.executor({ maxWorkers: 2, name: 'pool' })).toBe(pool);
    await expect(ctx.executor({ maxWorkers: 3, name: 'pool' })).rejects.toThrow(
      'the run\'s executor is "pool" with 2 workers, asked for "pool" with 3',
    );
    expect(await ctx.offload(pool, 500)).toEqual({ fn: 'blockingSleep', args: [1], value: 1 });
    expect(clock.now()).toBe(500);
    expect(recorder.events.find((e) => e.type === 'executor.start')?.data).toEqual({
      job: 1,
      fn: 'blockingSleep',
      threadId: 1,
      queueWait: 0,
      cost: 500,
    });
    const left = ctx.offload(pool, 10_000, { kind: 'cpu' }).then(
      () => 'resolved',
      (err: Error) => err.name,
    );
    await ctx.clock.sleep(100);
    await settle();
    expect(await left).toBe('CancelledError');
    expect(pool.closed).toBe(true);
    expect(recorder.events.at(-1)?.data).toMatchObject({ job: 2, status: 'cancelled', ms: 100 });
  });

  it('list, --help and a demo without jobs never load the worker pool (piscina)', () => {
    const refuse = fileURLToPath(new URL('./fixtures/refuse-piscina.cjs', import.meta.url));
    const env = { NODE_OPTIONS: `--require=${refuse}` };
    for (const args of [['list'], ['executor', '--help'], ['semaphore', '--virtual', '--quiet']]) {
      const { status, stderr } = cli(args, { env });
      expect([args, status, stderr]).toEqual([args, 0, '']);
    }
    // The control: the hook does refuse piscina to a demo that opens the executor.
    const control = cli(['executor', '--virtual', '--quiet'], { env });
    expect(control.status).toBe(1);
    expect(control.stderr).toContain('piscina was loaded');
  });
});
