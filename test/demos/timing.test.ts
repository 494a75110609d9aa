import { describe, expect, it } from 'vitest';
import basics from '../../src/demos/basics.js';
import cancel from '../../src/demos/cancel.js';
import { judgeTime, type TimingNoise, timingNoise, unsure } from '../../src/demos/checks.js';
import event from '../../src/demos/event.js';
import executor, { type ExecutorDemoOptions, TICK } from '../../src/demos/executor.js';
import gather, { type GatherOptions } from '../../src/demos/gather.js';
import { renderChecks, unsureWarning } from '../../src/trace/renderers/checks.js';
import { createStyle } from '../../src/trace/renderers/style.js';
import type { TraceEvent } from '../../src/trace/types.js';
import { edited, runVirtual, verify } from './helpers.js';

/**
 * Real-clock checks judged on deterministic traces that model a busy or
 * fast-forwarded machine: a virtual run's events, made a real-clock run with
 * a measured background lag and `speed`, with some times moved as load
 * would move them.
 */
function asReal(
  events: readonly TraceEvent[],
  { backgroundMs = 1, speed = 1 }: { backgroundMs?: number; speed?: number } = {},
  move: (event: TraceEvent) => TraceEvent | undefined = (e) => e,
): TraceEvent[] {
  return edited(events, (e) => {
    if (e.type !== 'run.start') return move(e);
    e.data = {
      ...e.data,
      clock: 'real',
      speed,
      background: { maxMs: backgroundMs, p99Ms: backgroundMs / 2 },
    };
    return e;
  });
}

const noise = (tolerance: number, backgroundMs = 0, speed = 1): TimingNoise => ({
  virtual: false,
  speed,
  backgroundMs,
  tolerance,
});

describe('timingNoise', () => {
  it('is exact on the virtual clock', async () => {
    const { events } = await runVirtual('basics');
    expect(timingNoise(events)).toEqual({ virtual: true, speed: 1, backgroundMs: 0, tolerance: 0 });
  });

  it('on the real clock: 5 ms of timer noise plus three times the background lag, in wall ms, scaled by --speed', async () => {
    const { events } = await runVirtual('basics');
    expect(timingNoise(asReal(events, { backgroundMs: 0 }))).toMatchObject({ tolerance: 5 });
    expect(timingNoise(asReal(events, { backgroundMs: 40 }))).toMatchObject({
      backgroundMs: 40,
      tolerance: 125,
    });
    expect(timingNoise(asReal(events, { backgroundMs: 2, speed: 10 }))).toMatchObject({ tolerance: 110 });
  });
});

describe('judgeTime', () => {
  it('the nearer prediction wins: a late run still shows what it shows', () => {
    // basics: 2 s if the tasks overlapped, 3 s if they added up.
    expect(judgeTime(2004, 2000, 3000, noise(5))).toBe('expected');
    expect(judgeTime(2400, 2000, 3000, noise(5))).toBe('expected');
    expect(judgeTime(2600, 2000, 3000, noise(5))).toBe('absent');
    expect(judgeTime(3100, 2000, 3000, noise(5))).toBe('absent');
  });

  it('earlier than scheduled by more than the tolerance is absent: no load makes a timer early', () => {
    expect(judgeTime(1500, 2000, 3000, noise(5))).toBe('absent');
    expect(judgeTime(1997, 2000, 3000, noise(5))).toBe('expected');
  });

  it('a timer is never early and at most the tolerance late: a time only one prediction fits decides, one both fit is unsure', () => {
    // Tolerance 600 ms: 2 s fits [1.4, 2.6], 3 s fits [2.4, 3.6].
    expect(judgeTime(2000, 2000, 3000, noise(600, 195))).toBe('expected');
    expect(judgeTime(2500, 2000, 3000, noise(600, 195))).toBe('unsure');
    expect(judgeTime(3000, 2000, 3000, noise(600, 195))).toBe('absent');
    // Later than either fits: the nearer one.
    expect(judgeTime(9000, 2000, 3000, noise(600, 195))).toBe('absent');
    expect(judgeTime(2000, 2000, 3000, noise(499))).toBe('expected');
  });

  it('a measurement far from one prediction decides even when the tolerance is large (event at --speed 100)', () => {
    // A waiter resumed 6 ms after the set; one that missed it would resume a 1 s delay later.
    expect(judgeTime(6, 0, 1000, noise(530, 0.1, 100))).toBe('expected');
    expect(judgeTime(500, 0, 1000, noise(530, 0.1, 100))).toBe('unsure');
    expect(judgeTime(900, 0, 1000, noise(530, 0.1, 100))).toBe('absent');
  });

  it('exact on the virtual clock', () => {
    const virtual = { virtual: true, speed: 1, backgroundMs: 0, tolerance: 0 };
    expect(judgeTime(2000, 2000, 3000, virtual)).toBe('expected');
    expect(judgeTime(2001, 2000, 3000, virtual)).toBe('absent');
  });

  it('with equal predictions, within half the expected time', () => {
    expect(judgeTime(1400, 1000, 1000, noise(5))).toBe('expected');
    expect(judgeTime(1600, 1000, 1000, noise(5))).toBe('absent');
  });
});

describe('unsure()', () => {
  it('passes, is marked unsure, and names the background lag and --virtual', () => {
    const result = unsure(
      {
        en: '2.500 s vs the longest 2.000 s and the sum 3.000 s',
        ko: '2.500 s 대 최댓값 2.000 s, 합 3.000 s',
      },
      noise(600, 195),
    );
    expect(result).toMatchObject({ ok: true, unsure: true });
    expect(result.detail).toMatch(/^could not tell: 2\.500 s vs .*tolerance ± 0\.600 s/);
    expect(result.detail).toContain('machine busy (background event-loop lag 195 ms)');
    expect(result.detail).toContain('--virtual');
  });

  it('blames --speed when the machine was idle', () => {
    expect(unsure({ en: 'x', ko: 'x' }, noise(600, 1, 100)).detail).toContain(
      'at --speed 100 the difference is a few ms of wall time',
    );
  });

  it('speaks Korean under lang ko: what, tolerance and reason', () => {
    const result = unsure(
      {
        en: '2.500 s vs the longest 2.000 s and the sum 3.000 s',
        ko: '2.500 s 대 최댓값 2.000 s, 합 3.000 s',
      },
      noise(600, 195),
      'ko',
    );
    expect(result).toMatchObject({ ok: true, unsure: true });
    expect(result.detail).toMatch(/^판단 불가: 2\.500 s 대 최댓값 .*허용 오차 ± 0\.600 s/);
    expect(result.detail).toContain('기계가 바쁨 (배경 이벤트 루프 지연 195 ms)');
    expect(result.detail).toContain('--virtual');
    expect(result.detail).not.toMatch(/could not tell|tolerance|machine busy|within/);
    expect(unsure({ en: 'x', ko: 'x' }, noise(600, 1, 100), 'ko').detail).toContain('--speed 100에서는');
  });
});

describe('executor on a busy machine (the reproductions of issue 10)', () => {
  const options: ExecutorDemoOptions = {
    block: 2,
    heartbeat: 100,
    inline: false,
    kind: 'cpu',
    jobs: 2,
    poolSize: 2,
  };

  it('offloaded: a 0.221 s heartbeat gap is a late timer, not a blocked loop', async () => {
    const { events } = await runVirtual('executor', { kind: 'cpu', jobs: 2 });
    let delayed = false;
    const late = asReal(events, { backgroundMs: 12 }, (e) => {
      if (e.type === TICK && e.t === 1100 && !delayed) {
        delayed = true;
        return { ...e, t: 1221 };
      }
      return e;
    });
    const result = verify(executor, 'the heartbeat kept ticking', late, options);
    expect(result.ok).toBe(true);
    expect(result.unsure).toBeUndefined();
    expect(result.detail).toMatch(
      /^longest gap 0\.221 s \(beat 100 ms\), far from a blocked loop's 2\.100 s; tolerance ± 0\.041 s/,
    );
  });

  it('offloaded: a gap as long as the call still fails on an idle machine, and is unsure on a swamped one', async () => {
    const { events } = await runVirtual('executor', { kind: 'cpu', jobs: 2 });
    const blocked = (e: TraceEvent) => (e.type === TICK && e.t > 250 && e.t < 2250 ? undefined : e);
    expect(
      verify(executor, 'the heartbeat kept ticking', asReal(events, { backgroundMs: 1 }, blocked), options),
    ).toMatchObject({
      ok: false,
      detail: expect.stringMatching(
        /nearer a blocked loop's 2\.100 s than the 100 ms beat: the loop was blocked$/,
      ),
    });
    const swamped = verify(
      executor,
      'the heartbeat kept ticking',
      asReal(events, { backgroundMs: 700 }, blocked),
      options,
    );
    expect(swamped).toMatchObject({ ok: true, unsure: true });
    expect(swamped.detail).toContain('background event-loop lag 700 ms');
  });

  it("offloaded at --speed 100: a gap from the worker thread's measured start-up is allowed for, and the run says it cannot tell", async () => {
    const { events } = await runVirtual('executor', { kind: 'cpu', jobs: 2 });
    const startup = (e: TraceEvent): TraceEvent | undefined => {
      if (e.type === 'executor.start') return { ...e, data: { ...e.data, queueWait: 40 } };
      return e.type === TICK && e.t > 250 && e.t < 2100 ? undefined : e;
    };
    const fast = verify(
      executor,
      'the heartbeat kept ticking',
      asReal(events, { backgroundMs: 1, speed: 100 }, startup),
      options,
    );
    expect(fast).toMatchObject({ ok: true, unsure: true });
    expect(fast.detail).toContain('+ 40 ms thread start-up, × speed 100');
    expect(fast.detail).toContain(
      'the thread start-up (40 ms of wall time, × speed 100) is as long as the difference',
    );
    // Without the start-up, the same gap at the same speed is judged: blocked.
    const noStartup = (e: TraceEvent) => (e.type === TICK && e.t > 250 && e.t < 2100 ? undefined : e);
    expect(
      verify(
        executor,
        'the heartbeat kept ticking',
        asReal(events, { backgroundMs: 1, speed: 100 }, noStartup),
        options,
      ).ok,
    ).toBe(false);
  });

  it('ran on worker threads: 2.170 s for one round of 2 s passes; a second round fails', async () => {
    const { events } = await runVirtual('executor', { kind: 'cpu', jobs: 2 });
    const stretch = (to: number) => (e: TraceEvent) =>
      e.type === 'executor.end' && e.data?.job === 2 ? { ...e, t: e.t + to } : e;
    const slow = verify(
      executor,
      'ran on worker threads',
      asReal(events, { backgroundMs: 15 }, stretch(170)),
      options,
    );
    expect(slow).toMatchObject({ ok: true });
    expect(slow.detail).toMatch(
      /2\.170 s for 2 × 2\.000 s: nearer 1 round of 2\.000 s than 2 \(4\.000 s\); tolerance ± 0\.050 s/,
    );
    expect(
      verify(executor, 'ran on worker threads', asReal(events, { backgroundMs: 15 }, stretch(2000)), options),
    ).toMatchObject({
      ok: false,
      detail: '4.000 s for 1 round of 2.000 s: nearer 4.000 s, one round more',
    });
  });

  it('inline: the stall is judged against the beat, and unsure when load covers the difference', async () => {
    const { events } = await runVirtual('executor', { inline: true });
    const inline = { ...options, inline: true, kind: 'sleep' as const, jobs: 1 };
    expect(verify(executor, 'the stall is visible', asReal(events, { backgroundMs: 30 }), inline).ok).toBe(
      true,
    );
    const fast = verify(
      executor,
      'the stall is visible',
      asReal(events, { backgroundMs: 6, speed: 100 }),
      inline,
    );
    expect(fast).toMatchObject({ ok: true, unsure: true });
    expect(fast.detail).toContain(
      'could not tell: a gap of 2.050 s vs the 2.000 s block and the 100 ms beat',
    );
    // At the same speed on an idle machine, a 2 s gap cannot be a 100 ms beat run late.
    const idle = verify(
      executor,
      'the stall is visible',
      asReal(events, { backgroundMs: 1, speed: 100 }),
      inline,
    );
    expect(idle).toMatchObject({ ok: true });
    expect(idle.unsure).toBeUndefined();
  });
});

describe('texts never contradict verdicts', () => {
  it('cancel at a high speed: a caller that waited for the work fails, and says it was nearer the work', async () => {
    const { events } = await runVirtual('cancel');
    const options = { tasks: 1, work: 10, after: 1, cleanup: 0.2, swallow: false };
    const waited = asReal(events, { backgroundMs: 1, speed: 100 }, (e) =>
      e.type === 'cancel.outcome' ? { ...e, t: 9954 } : e,
    );
    const result = verify(cancel, 'elapsed', waited, options);
    expect(result.ok).toBe(false);
    expect(result.detail).toMatch(
      /^9\.954 s ≠ 1\.000 s \+ 0\.200 s cleanup: nearer the 10\.000 s of work; tolerance ± 0\.800 s/,
    );
  });

  it('basics: a run far off but judged passes only with a text that says how late it was', async () => {
    const { events } = await runVirtual('basics');
    const late = asReal(events, { backgroundMs: 0 }, (e) =>
      e.type === 'task.end' && e.task === 'B' ? { ...e, t: 2300 } : e,
    );
    const result = verify(basics, 'total time', late, { tasks: 2, sequential: false });
    expect(result).toMatchObject({ ok: true });
    expect(result.detail).toMatch(/^2\.300 s 0\.300 s late, nearer the longest 2\.000 s/);
    expect(result.detail).not.toContain('≈');
  });

  it('gather: jobs finishing in swapped order within the tolerance are unsure, beyond it they fail', async () => {
    const options: GatherOptions = { jobs: 5, mode: 'wait' };
    const { events } = await runVirtual('gather', { mode: 'wait' });
    const delays = new Map<string, number>();
    for (const e of events) if (e.type === 'sleep') delays.set(e.task, Number(e.data?.ms));
    const [fastest, second] = [...delays].sort((a, b) => a[1] - b[1]);
    const swap = (e: TraceEvent): TraceEvent => {
      if (e.type !== 'gather.result' || e.data?.step !== 'first') return e;
      return { ...e, data: { ...e.data, done: [Number(/^job-(\d+)/.exec(second![0])![1])] } };
    };
    const gap = second![1] - fastest![1];
    // A tolerance just above the gap: the two could have finished either way round.
    const close = verify(
      gather,
      'wait: first done is the fastest',
      asReal(events, { backgroundMs: gap / 3 }, swap),
      options,
    );
    expect(close).toMatchObject({ ok: true, unsure: true });
    const far = verify(
      gather,
      'wait: first done is the fastest',
      asReal(events, { backgroundMs: 0 }, swap),
      options,
    );
    expect(far.ok).toBe(gap <= 5);
  });

  it('event: waiters resuming late on a busy machine still resume with the set', async () => {
    const { events } = await runVirtual('event');
    const late = asReal(events, { backgroundMs: 25 }, (e) => (e.type === 'wake' ? { ...e, t: e.t + 60 } : e));
    const result = verify(event, 'every waiter resumes after it', late, {
      waiters: 2,
      delay: 1,
      clear: false,
    });
    expect(result.ok).toBe(true);
    expect(result.detail).toContain('the last 0.060 s after it');
  });
});

describe('the machine-busy warning', () => {
  const start = (background: number, speed = 1): TraceEvent[] => [
    {
      v: 1,
      seq: 0,
      t: 0,
      demo: 'basics',
      task: 'main',
      type: 'run.start',
      data: { options: {}, clock: 'real', speed, background: { maxMs: background, p99Ms: 1 } },
    },
  ];
  const outcomes = [
    { name: 'ran concurrently', ok: true, detail: '2/2', unsure: false },
    { name: 'total time', ok: true, detail: 'could not tell: …', unsure: true },
  ];

  it('names the measured background lag and suggests --virtual, only when a check could not be judged', () => {
    expect(unsureWarning(outcomes, start(48.24))).toBe(
      'machine busy or too fast to time: 1 timing check could not be judged (background event-loop lag 48.2 ms before the run); not counted as failed — run with --virtual for exact timings',
    );
    expect(unsureWarning(outcomes, start(1, 100))).toContain('at --speed 100');
    expect(unsureWarning([outcomes[0]!], start(48))).toBeUndefined();
  });

  it('renders an unsure check as ? and adds the warning line after the checks', () => {
    const lines = renderChecks(outcomes, createStyle(0), start(48.24));
    expect(lines).toEqual([
      'Checks',
      '✓ ran concurrently 2/2',
      '? total time could not tell: …',
      expect.stringMatching(/^⚠ machine busy or too fast to time: 1 timing check could not be judged/),
    ]);
  });
});
