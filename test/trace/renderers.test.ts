import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { analyse, LiveCounts } from '../../src/trace/analysis.js';
import { type ChromeEvent, toChromeTrace } from '../../src/trace/renderers/chrome.js';
import { FORMATS, loadRenderer } from '../../src/trace/renderers/index.js';
import { COLLAPSE_AFTER, createPrettyRenderer } from '../../src/trace/renderers/pretty.js';
import { createStyle } from '../../src/trace/renderers/style.js';
import { renderTimeline } from '../../src/trace/renderers/timeline.js';
import type { RenderSettings } from '../../src/trace/renderers/types.js';
import type { TraceEvent } from '../../src/trace/types.js';
import { executorTrace, interruptedTrace, semaphoreTrace, TraceBuilder } from './fixtures.js';
import { schemaErrors } from './schema.js';

const ESC = '\u001b';

function pretty(events: readonly TraceEvent[], settings: Partial<RenderSettings> = {}): string {
  let out = '';
  const renderer = createPrettyRenderer({
    write: (text) => {
      out += text;
    },
    colorLevel: 0,
    width: 80,
    ascii: true,
    ...settings,
  });
  for (const event of events) renderer.event(event);
  renderer.end();
  return out;
}

describe('pretty renderer', () => {
  it('renders a run: header, event lines, timeline, summary, checks, verdict', () => {
    expect(pretty(semaphoreTrace())).toMatchSnapshot();
  });

  it('uses no escape byte with colour off, and only adds colour with it on', () => {
    const plain = pretty(semaphoreTrace(), { ascii: false });
    const coloured = pretty(semaphoreTrace(), { colorLevel: 1, ascii: false });
    expect(plain).not.toContain(ESC);
    expect(coloured).toContain(ESC);
    expect(stripVTControlCharacters(coloured)).toBe(plain);
  });

  it('gives each task one colour, the same in every section', () => {
    const coloured = pretty(semaphoreTrace(), { colorLevel: 1, ascii: false });
    const colours = (name: string) =>
      new Set([...coloured.matchAll(new RegExp(`(\\u001b\\[\\d+m)${name}`, 'g'))].map((m) => m[1]));
    expect(colours('worker-1').size).toBe(1);
    expect(colours('worker-2').size).toBe(1);
    expect([...colours('worker-1')][0]).not.toBe([...colours('worker-2')][0]);
  });

  it('formats the primitive state per kind', () => {
    const out = pretty(semaphoreTrace());
    expect(out).toContain('worker-3    ⏳ waits for sem  [2/2 permits, 1 waiting]');
    const b = new TraceBuilder('queue').start({});
    b.ev('put', 'producer', {
      resource: 'q',
      data: { item: 3 },
      state: { size: 5, maxsize: 5, getters: 0, putters: 2 },
    });
    b.ev('acquire', 'a', { resource: 'lock', state: { locked: true, waiting: 2 } });
    b.ev('event.set', 'main', { resource: 'ev', state: { set: true, waiting: 0 } });
    b.ev('lock.counter', 'a', { data: { value: 41 } });
    const lines = pretty(b.end('ok').events);
    expect(lines).toContain('producer    ⇢ puts 3 into q  [size 5/5, 2 putters waiting]');
    expect(lines).toContain('a           ▶ acquires lock  [locked, 2 waiting]');
    expect(lines).toContain('main        ⚑ sets ev  [set, 0 waiting]');
    expect(lines).toContain('a           · lock.counter value=41');
  });

  it(`collapses a kind of event past ${COLLAPSE_AFTER} into a counted line`, () => {
    const b = new TraceBuilder('lock').start({});
    for (let i = 0; i < 50; i++) {
      b.at(i).ev('acquire', `t${i % 5}`, { resource: 'lock', state: { locked: true, waiting: 0 } });
      b.ev('release', `t${i % 5}`, { resource: 'lock', state: { locked: false, waiting: 0 } });
    }
    b.at(60).ev('log', 'main', { msg: 'the end' });
    const out = pretty(b.end('ok').events);
    const lines = out.split('\n');
    expect(lines.filter((line) => line.includes('▶ acquires lock'))).toHaveLength(COLLAPSE_AFTER);
    expect(lines.filter((line) => line.includes('◀ releases lock'))).toHaveLength(COLLAPSE_AFTER);
    const summary = lines.filter((line) => line.includes('more events'));
    expect(summary).toEqual(['           … 60 more events (acquire ×30, release ×30) until +0.049s']);
    expect(lines.findIndex((line) => line.includes('the end'))).toBeGreaterThan(lines.indexOf(summary[0]!));
  });

  it('ends an interrupted run with what was cancelled and the cleanups, without the timeline', () => {
    const out = pretty(interruptedTrace());
    expect(out).toContain('↺ cleans up: left the queue');
    expect(out).not.toContain('Timeline');
    expect(out).toMatch(
      /⚠ semaphore interrupted at \+0\.700s: cancelled 3 tasks \(worker-1, worker-2, worker-3\), 3 cleanups ran \(seed 1\)/,
    );
  });

  it('reports failed checks and crashes in the verdict', () => {
    const failed = new TraceBuilder()
      .start()
      .check('max concurrency', false, '4 > limit 3')
      .end('failed').events;
    expect(pretty(failed)).toContain('✗ max concurrency 4 > limit 3');
    expect(pretty(failed)).toContain('✗ semaphore: 1 of 1 checks failed');
    const crashed = new TraceBuilder().start().end('failed', { error: 'Error: boom' }).events;
    expect(pretty(crashed)).toContain('✗ semaphore crashed after 0.000s: Error: boom (seed 1)');
  });

  it('with quiet, prints only the checks and the verdict', () => {
    expect(pretty(semaphoreTrace(), { quiet: true })).toMatchInlineSnapshot(`
      "
      Checks
      ✓ max concurrency 2 ≤ limit 2
      ✓ every worker done 3/3
      ✓ FIFO admission 3 admitted in arrival order

      ✓ semaphore: all 3 checks passed in 1.300s (seed 1)

      "
    `);
  });

  it('renders several runs, then a total', () => {
    const out = pretty([...semaphoreTrace(), ...semaphoreTrace()]);
    expect(out.match(/^semaphore — /gm)).toHaveLength(2);
    expect(out).toContain('✓ 2 runs: 2 ok, 0 not ok');
  });

  it('says so when a trace stops before run.end', () => {
    const out = pretty(semaphoreTrace().slice(0, 8));
    expect(out).toContain('the trace stops at +0.000s without run.end');
  });
});

describe('timeline', () => {
  const style = createStyle(0);
  const label = (name: string, width: number) => name.padEnd(width);

  it('draws one row per task, scaled to the width', () => {
    const lines = renderTimeline(analyse(semaphoreTrace()), { style, label, width: 50, ascii: true });
    expect(lines.join('\n')).toMatchInlineSnapshot(`
      "Timeline  # holding  - running  . waiting
      worker-1  ###############################
      worker-2  ################
      worker-3  ................########################
                0s                                1.300s"
    `);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(50);
  });

  it('uses block characters when not ASCII', () => {
    const lines = renderTimeline(analyse(semaphoreTrace()), { style, label, width: 40, ascii: false });
    expect(lines[3]).toMatch(/^worker-3 {2}░+█+$/);
  });

  it('caps the rows and counts the rest', () => {
    const b = new TraceBuilder().start({});
    for (let i = 0; i < 30; i++) b.at(i).ev('task.start', `w${i}`);
    const lines = renderTimeline(analyse(b.at(40).end('ok').events), {
      style,
      label,
      width: 60,
      ascii: true,
    });
    expect(lines).toHaveLength(1 + 20 + 2);
    expect(lines.at(-2)).toContain('… 10 more tasks');
  });
});

describe('analysis', () => {
  it('derives waiting and holding from the events', () => {
    const run = analyse(semaphoreTrace());
    expect(run.duration).toBe(1300);
    const w3 = run.tasks.find((task) => task.name === 'worker-3')!;
    expect(w3).toEqual({
      name: 'worker-3',
      start: 0,
      end: 1300,
      status: 'ok',
      waits: [{ from: 0, to: 500 }],
      holds: [{ from: 500, to: 1300 }],
      blocking: [],
    });
    expect(run.threads).toEqual([]);
    // main only narrated: no row for it.
    expect(run.tasks.map((task) => task.name)).toEqual(['worker-1', 'worker-2', 'worker-3']);
  });
});

function checkChrome(events: readonly ChromeEvent[]): void {
  const stacks = new Map<string, string[]>();
  const named = new Set<string>();
  for (const e of events) {
    const track = `${e.pid}:${e.tid}`;
    if (e.ph === 'M') {
      if (e.name === 'thread_name') named.add(track);
      continue;
    }
    expect(Number.isInteger(e.ts)).toBe(true);
    if (e.ph === 'B' || e.ph === 'E') expect(named.has(track)).toBe(true);
    const stack = stacks.get(track) ?? [];
    stacks.set(track, stack);
    if (e.ph === 'B') stack.push(e.name);
    if (e.ph === 'E') expect(stack.pop()).toBe(e.name);
  }
  for (const stack of stacks.values()) expect(stack).toEqual([]);
}

describe('chrome trace', () => {
  it('has a named track per task, balanced slices and microsecond timestamps', () => {
    const trace = toChromeTrace(semaphoreTrace());
    checkChrome(trace.traceEvents);
    const names = trace.traceEvents.filter((e) => e.name === 'thread_name').map((e) => e.args?.name);
    expect(names).toEqual(['main', 'worker-1', 'worker-2', 'worker-3']);
    const hold = trace.traceEvents.filter((e) => e.name === 'hold sem' && e.tid === 4);
    expect(hold.map((e) => [e.ph, e.ts])).toEqual([
      ['B', 500_000],
      ['E', 1_300_000],
    ]);
    const wait = trace.traceEvents.filter((e) => e.name === 'wait sem');
    expect(wait.map((e) => [e.ph, e.ts])).toEqual([
      ['B', 0],
      ['E', 500_000],
    ]);
    const counter = trace.traceEvents.filter((e) => e.ph === 'C').at(-1);
    expect(counter).toMatchObject({
      name: 'sem',
      ts: 1_300_000,
      args: { 'in use': 0, value: 2, waiting: 0 },
    });
    expect(trace.displayTimeUnit).toBe('ms');
  });

  it('keeps slices nested when holds are released out of order, and closes what a cut trace left open', () => {
    const b = new TraceBuilder('nest').start({});
    b.ev('task.start', 'a');
    b.at(1).ev('acquire', 'a', { resource: 'x', state: { locked: true, waiting: 0 } });
    b.at(2).ev('acquire', 'a', { resource: 'y', state: { locked: true, waiting: 0 } });
    b.at(3).ev('release', 'a', { resource: 'x', state: { locked: false, waiting: 0 } });
    b.at(4).ev('wait', 'a', { resource: 'z' });
    const trace = toChromeTrace(b.events);
    checkChrome(trace.traceEvents);
    const y = trace.traceEvents.filter((e) => e.name === 'hold y').map((e) => `${e.ph}${e.ts}`);
    expect(y).toEqual(['B2000', 'E3000', 'B3000', 'E4000']);
  });

  it('gives each run of a multi-run trace its own process', () => {
    const trace = toChromeTrace([...semaphoreTrace(), ...interruptedTrace()]);
    checkChrome(trace.traceEvents);
    const processes = trace.traceEvents.filter((e) => e.name === 'process_name');
    expect(processes.map((e) => [e.pid, e.args?.name])).toEqual([
      [1, 'semaphore (seed 1)'],
      [2, 'semaphore (seed 1)'],
    ]);
  });
});

describe('executor jobs and blocking calls in every view', () => {
  it('the fixture is a valid trace', () => {
    for (const event of executorTrace()) expect(schemaErrors(event)).toEqual([]);
  });

  it('analysis: the jobs each thread ran, and each submitter waiting from submission to the end of its job', () => {
    const run = analyse(executorTrace());
    expect(
      run.threads.map((thread) => [
        thread.name,
        thread.jobs.map((j) => [j.job, j.task, j.from, j.to, j.status]),
      ]),
    ).toEqual([
      ['slot 1', [[1, 'a', 0, 1000, 'ok']]],
      [
        'slot 2',
        [
          [2, 'b', 0, 500, 'ok'],
          [3, 'c', 500, 1100, 'ok'],
        ],
      ],
    ]);
    expect(run.threads[1]!.jobs[1]!.queueWait).toBe(500);
    const life = (name: string) => run.tasks.find((task) => task.name === name)!;
    expect(life('c').waits).toEqual([{ from: 0, to: 1100 }]);
    expect(life('d').waits).toEqual([{ from: 0, to: 200 }]);
    expect(life('main').blocking).toEqual([{ from: 1000, to: 1100 }]);
  });

  it('pretty: which job runs where, its queue wait and the pool in words; a timeline row per slot; an Executor table', () => {
    const out = pretty(executorTrace());
    for (const line of [
      'a           ⇥ submits job 1 (cpuWork, 1.000s modelled)  [1/2 workers busy, 0 queued]',
      'a           ⚙ job 1 starts on slot 1  [1/2 workers busy, 0 queued]',
      'd           ⚙ job 4 cancelled in the queue  [2/2 workers busy, 1 queued]',
      'c           ⚙ job 3 starts on slot 2, after 0.500s in the queue  [2/2 workers busy, 0 queued]',
      'a           ⚙ job 1 done on slot 1 (1.000s)  [1/2 workers busy, 0 queued]',
      'main        ■ blocks the main thread 0.100s (inline)',
    ])
      expect(out).toContain(line);
    expect(out).toContain('! blocking the main thread  = running a job');
    expect(out).toMatch(/\nslot 1 {2}=+\n/);
    expect(out).toMatch(/\nmain {4}\s+!+\n/);
    expect(out).toContain('│ slot 2        │ 2    │ 1.100s │ 0.500s         │ b, c         │');
    expect(out).toMatchSnapshot();
  });

  it('names a real thread by its id, and a job that failed or was cancelled while running', () => {
    const b = new TraceBuilder('x').start({});
    const data = { job: 1, fn: 'fib', threadId: 7, queueWait: 0 };
    b.ev('executor.start', 't', { resource: 'pool', data });
    b.at(5).ev('executor.end', 't', { resource: 'pool', data: { ...data, status: 'error', ms: 5 } });
    b.ev('executor.error', 'main', { resource: 'pool', msg: 'Error: worker died' });
    const out = pretty(b.end('ok').events);
    expect(out).toContain('t           ⚙ job 1 starts on thread 7\n');
    expect(out).toContain('t           ⚙ job 1 failed on thread 7 after 0.005s\n');
    expect(out).toContain('main        ⚠ pool error: Error: worker died\n');
    expect(out).toContain('│ thread 7      │ 1 (1 not ok) │');
  });

  it('live counts: a task awaiting its job counts as waiting until the job ends', () => {
    const counts = new LiveCounts();
    const seen: string[] = [];
    for (const event of executorTrace()) {
      counts.update(event);
      if (event.type.startsWith('executor.')) seen.push(`${counts.running}/${counts.waiting}`);
    }
    // a, b, c, d alive; each waits from its submit to its job's end.
    expect(seen).toEqual(['3/1', '3/1', '2/2', '2/2', '1/3', '0/4', '1/3', '1/2', '1/2', '1/1', '1/0']);
  });

  it('chrome: a track per slot with a slice per job, an await slice on each submitter, the block as a slice', () => {
    const trace = toChromeTrace(executorTrace());
    checkChrome(trace.traceEvents);
    const names = new Map(
      trace.traceEvents.filter((e) => e.name === 'thread_name').map((e) => [e.tid, e.args?.name]),
    );
    const slices = (track: string) =>
      trace.traceEvents
        .filter((e) => names.get(e.tid) === track && (e.ph === 'B' || e.ph === 'E'))
        .map((e) => `${e.ph} ${e.name} ${e.ts}`);
    expect(slices('pool slot 2')).toEqual([
      'B job 2 cpuWork 0',
      'E job 2 cpuWork 500000',
      'B job 3 cpuWork 500000',
      'E job 3 cpuWork 1100000',
    ]);
    expect(slices('c')).toEqual(['B c 0', 'B await job 3 0', 'E await job 3 1100000', 'E c 1100000']);
    const sorted = trace.traceEvents.filter((e) => e.name === 'thread_sort_index');
    const threadSort = sorted.filter((e) => String(names.get(e.tid)).startsWith('pool'));
    const taskSort = sorted.filter((e) => !String(names.get(e.tid)).startsWith('pool'));
    const index = (e: ChromeEvent) => e.args?.sort_index as number;
    expect(Math.min(...threadSort.map(index))).toBeGreaterThan(Math.max(...taskSort.map(index)));
    const busy = trace.traceEvents.find((e) => e.ph === 'X');
    expect(busy).toMatchObject({ name: 'blocks the main thread', ts: 1_000_000, dur: 100_000 });
  });

  it('chrome: a job cancelled in the queue ran on no thread, so it adds no thread track', () => {
    const trace = toChromeTrace(executorTrace());
    const names = trace.traceEvents.filter((e) => e.name === 'thread_name').map((e) => e.args?.name);
    expect(names).toEqual(['a', 'b', 'c', 'd', 'pool slot 1', 'pool slot 2', 'main']);
  });
});

describe('renderer registry', () => {
  it('loads every format by name and the json one writes one event per line', async () => {
    expect(FORMATS).toEqual(['pretty', 'json', 'chrome', 'html']);
    let out = '';
    const json = (await loadRenderer('json'))({
      write: (t) => (out += t),
      colorLevel: 0,
      width: 80,
      ascii: true,
    });
    for (const event of semaphoreTrace()) json.event(event);
    json.end();
    expect(
      out
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual(semaphoreTrace());
  });
});
