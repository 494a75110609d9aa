import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyse, coveredTime, RunAnalyser, type TaskLife } from '../../src/trace/analysis.js';
import { createChromeRenderer, toChromeTrace } from '../../src/trace/renderers/chrome.js';
import { createPrettyRenderer } from '../../src/trace/renderers/pretty.js';
import type { TraceEvent } from '../../src/trace/types.js';
import { TraceBuilder } from './fixtures.js';

/**
 * A random run: tasks start, wait, acquire and release two resources, block,
 * end, in any order — except that a task does nothing after its `task.end`.
 */
const traceArb = fc
  .array(
    fc.record({
      task: fc.integer({ min: 1, max: 30 }),
      type: fc.constantFrom(
        'task.start',
        'task.end',
        'wait',
        'acquire',
        'release',
        'sleep',
        'busy',
        'log',
        'cancel',
      ),
      resource: fc.constantFrom('a', 'b'),
      dt: fc.constantFrom(0, 0, 1, 2.5, 10),
      status: fc.constantFrom('ok', 'error', 'cancelled'),
    }),
    // size 'max': lengths spread up to 300 steps (median ~130). With fast-check's default size, maxLength alone
    // gives a median of 4 steps and never more than 10: too few for 30 tasks to wait, hold and end.
    { maxLength: 300, size: 'max' },
  )
  .map((steps) => {
    const b = new TraceBuilder().start();
    let t = 0;
    const ended = new Set<string>();
    for (const step of steps) {
      t += step.dt;
      b.at(t);
      const task = `w-${step.task}`;
      if (ended.has(task)) continue;
      if (step.type === 'task.end') ended.add(task);
      if (step.type === 'task.end') b.ev('task.end', task, { data: { status: step.status } });
      else if (step.type === 'busy') b.ev('busy', task, { data: { ms: step.dt } });
      else b.ev(step.type, task, { resource: step.resource });
    }
    return b.end('ok').events;
  });

/** The totals row as the summary computed it from every task's life, before the analysis kept totals. */
function summed(tasks: readonly TaskLife[]) {
  let waiting = 0;
  let running = 0;
  let start = Number.POSITIVE_INFINITY;
  let end = 0;
  const statuses = new Map<string, number>();
  for (const task of tasks) {
    const spent = coveredTime(task.waits);
    waiting += spent;
    running += Math.max(0, task.end - task.start - spent);
    start = Math.min(start, task.start);
    end = Math.max(end, task.end);
    statuses.set(task.status, (statuses.get(task.status) ?? 0) + 1);
  }
  return { count: tasks.length, start, end, waiting, running, statuses: [...statuses] };
}

const nonEmpty = (life: TaskLife): TaskLife => ({
  ...life,
  waits: life.waits.filter((span) => span.to > span.from),
  holds: life.holds.filter((span) => span.to > span.from),
});

/** The analysis as it was before it streamed: every interval, empty ones included. */
function reference(events: readonly TraceEvent[]) {
  return analyse(events);
}

describe('RunAnalyser (streamed analysis)', () => {
  it('detailed tasks keep exactly the intervals analyse gives, the rest keep their totals', () => {
    fc.assert(
      fc.property(traceArb, fc.integer({ min: 0, max: 12 }), (events, detailed) => {
        const analyser = new RunAnalyser({ detailed });
        for (const event of events) analyser.add(event);
        const streamed = analyser.finish();
        const whole = reference(events);
        expect(streamed.duration).toBe(whole.duration);
        // The first `detailed` lives in full; every task in the totals, summed as the summary always did.
        expect(streamed.tasks).toEqual(whole.tasks.slice(0, detailed).map(nonEmpty));
        expect(streamed.totals).toEqual(whole.totals);
        expect(streamed.totals).toEqual(summed(whole.tasks));
      }),
      { numRuns: 200 },
    );
  });

  it('keeps a life object only for tasks alive and the detailed ones: ended tasks are a row of numbers', () => {
    const b = new TraceBuilder().start();
    const analyser = new RunAnalyser({ detailed: 20 });
    const feed = () => {
      for (const event of b.events.splice(0)) analyser.add(event);
    };
    feed();
    let most = 0;
    for (let i = 0; i < 10_000; i++) {
      const task = `w-${i}`;
      b.ev('task.start', task).ev('wait', task, { resource: 'sem' });
      // Ten tasks alive at a time: each one ends ten tasks later.
      if (i >= 10)
        b.at(i)
          .ev('acquire', `w-${i - 10}`, { resource: 'sem' })
          .ev('release', `w-${i - 10}`, { resource: 'sem' });
      if (i >= 10) b.ev('task.end', `w-${i - 10}`, { data: { status: 'ok' } });
      feed();
      most = Math.max(most, analyser.lives);
    }
    expect(most).toBeLessThanOrEqual(20 + 11);
    const run = analyser.finish();
    expect(run.tasks).toHaveLength(20);
    expect(run.totals.count).toBe(10_000);
    expect(run.totals.statuses).toEqual([
      ['ok', 9_990],
      ['unfinished', 10],
    ]);
  });

  it('forgets an ended task by name unless it is detailed or submitted executor jobs, whose later events still count', () => {
    const b = new TraceBuilder().start();
    b.ev('task.start', 'kept').ev('task.start', 'plain').ev('task.start', 'submitter');
    b.ev('executor.submit', 'submitter', { data: { job: 1, fn: 'hash' } });
    b.at(1).ev('executor.start', 'submitter', { data: { job: 1, fn: 'hash', thread: 3, queueWait: 0 } });
    b.at(2).ev('task.end', 'kept', { data: { status: 'ok' } });
    b.ev('task.end', 'plain', { data: { status: 'ok' } });
    b.ev('task.end', 'submitter', { data: { status: 'cancelled' } });
    const analyser = new RunAnalyser({ detailed: 1 });
    const all = [...b.events];
    for (const event of b.events.splice(0)) analyser.add(event);
    expect(['kept', 'plain', 'submitter'].map((task) => analyser.remembers(task))).toEqual([
      true,
      false,
      true,
    ]);
    // The job outlives its submitter: it still ends on its thread, and no new task appears for it.
    b.at(5).ev('executor.end', 'submitter', { data: { job: 1, status: 'ok' } });
    for (const event of b.end('ok').events) analyser.add(event);
    all.push(...b.events);
    const run = analyser.finish();
    expect(run.totals.count).toBe(3);
    expect(run.threads.map((thread) => thread.jobs.map((job) => [job.from, job.to, job.status]))).toEqual([
      [[1, 5, 'ok']],
    ]);
    // The same totals and threads as the analysis that keeps every task.
    const whole = analyse(all);
    expect(run.totals).toEqual(whole.totals);
    expect(run.threads).toEqual(whole.threads);
  });

  it('what it remembers by name stays with the tasks alive, over 10,000 tasks', () => {
    const b = new TraceBuilder().start();
    const analyser = new RunAnalyser({ detailed: 20 });
    for (let i = 0; i < 10_000; i++) {
      b.ev('task.start', `w-${i}`).ev('wait', `w-${i}`, { resource: 'sem' });
      if (i >= 10) b.at(i).ev('task.end', `w-${i - 10}`, { data: { status: 'ok' } });
    }
    let remembered = 0;
    for (const event of b.end('ok').events) analyser.add(event);
    for (let i = 0; i < 10_000; i++) if (analyser.remembers(`w-${i}`)) remembered++;
    // The 20 detailed tasks and the last 10, still alive.
    expect(remembered).toBe(30);
    expect(analyser.finish().totals.count).toBe(10_000);
  });

  it('keeps no interval of no length (a run whose time never moves keeps none at all)', () => {
    const b = new TraceBuilder().start();
    for (let i = 0; i < 1000; i++) {
      b.ev('wait', 'w', { resource: 'lock' }).ev('acquire', 'w', { resource: 'lock' });
      b.ev('release', 'w', { resource: 'lock' });
    }
    const analyser = new RunAnalyser();
    for (const event of b.end('ok').events) analyser.add(event);
    const [life] = analyser.finish().tasks;
    expect(life?.waits).toEqual([]);
    expect(life?.holds).toEqual([]);
  });
});

describe('pretty renderer (streamed)', () => {
  /** The palette's SGR codes at colour level 1, in order (see style.ts). */
  const CODES = [36, 35, 33, 34, 32, 31, 96, 95, 93, 94, 92, 91];

  /** Many short-lived tasks on many resources: lines stay shown (few repeats) and tasks are forgotten early. */
  const manyTasks = fc
    .array(
      fc.record({
        task: fc.integer({ min: 1, max: 80 }),
        type: fc.constantFrom('task.start', 'task.end', 'wait', 'acquire', 'release'),
        resource: fc.integer({ min: 1, max: 40 }),
      }),
      { minLength: 100, maxLength: 400 },
    )
    .map((steps) => {
      const b = new TraceBuilder().start();
      const ended = new Set<string>();
      steps.forEach((step, i) => {
        const task = `w-${step.task}`;
        if (ended.has(task)) return;
        b.at(i);
        if (step.type === 'task.end') {
          ended.add(task);
          b.ev('task.end', task, { data: { status: 'ok' } });
        } else b.ev(step.type, task, { resource: `r${step.resource}` });
      });
      return b.end('ok').events;
    });

  it("paints every task label in the colour of the task's first event in the run, also after it was forgotten", () => {
    fc.assert(
      fc.property(manyTasks, (events) => {
        let text = '';
        const renderer = createPrettyRenderer({
          write: (t) => (text += t),
          colorLevel: 1,
          width: 80,
          ascii: true,
        });
        for (const event of events) renderer.event(event);
        renderer.end();
        const order = [...new Set(events.map((event) => event.task))];
        const ESC = String.fromCharCode(27);
        const labels = [...text.matchAll(new RegExp(`${ESC}\\[(\\d+)m(w-\\d+)${ESC}\\[39m`, 'g'))];
        // A property over no labels would pass on a renderer that paints none.
        expect(labels.length).toBeGreaterThan(0);
        for (const [, code, task] of labels) {
          expect([task, Number(code)]).toEqual([task, CODES[order.indexOf(task!) % CODES.length]]);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('Chrome renderer (streamed)', () => {
  const render = (events: readonly TraceEvent[]): string => {
    let text = '';
    const renderer = createChromeRenderer({
      write: (t) => (text += t),
      colorLevel: 0,
      width: 80,
      ascii: true,
    });
    for (const event of events) renderer.event(event);
    renderer.end();
    return text;
  };

  it('writes the bytes of JSON.stringify(toChromeTrace(events)), for one run, several, or none', () => {
    fc.assert(
      fc.property(fc.array(traceArb, { maxLength: 3 }), (runs) => {
        const events = runs.flat();
        expect(render(events)).toBe(`${JSON.stringify(toChromeTrace(events))}\n`);
      }),
      { numRuns: 100 },
    );
    expect(render([])).toBe(`${JSON.stringify(toChromeTrace([]))}\n`);
  });
});
