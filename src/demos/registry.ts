/**
 * Every demo, described as data. Importing this module imports no demo: each
 * entry's `load()` does, when the demo runs. The CLI builds its commands,
 * `list` and `--help` from here, so adding a demo means adding its module and
 * one entry below — no CLI code.
 */
import type { DemoInfo } from './contract.js';
import {
  BASICS_LONGEST_MS,
  BEATS_AFTER,
  BEATS_BEFORE,
  cpuPlan,
  expectedLongest,
  MAX_LATENCY_MS,
  MAX_PROCESS_MS,
  MAX_PRODUCE_MS,
  REAL_BUDGET_S,
  WORK_MAX_MS,
} from './timing.js';

/** A registry entry whose option types are checked against its module's. */
function demo<O>(info: DemoInfo<O> & { options: NoInfer<DemoInfo<O>['options']> }): DemoInfo<O> {
  return info;
}

/** The lock demo's cap on increments in all: each one is about four events, all kept for the summary and checks. */
const MAX_INCREMENTS = 10_000_000;

// biome-ignore lint/suspicious/noExplicitAny: entries differ in their option types; each is checked by `demo()`.
export type AnyDemoInfo = DemoInfo<any>;

export const DEMOS: readonly AnyDemoInfo[] = [
  demo({
    name: 'basics',
    seeded: false,
    title: 'Run tasks concurrently with createTask',
    pattern: 'create_task basics',
    explanation: [
      'Task A sleeps 1 s, task B 2 s. Created as tasks they sleep at the same time:',
      'both are done after 2 s (the longest), not 3 s (the sum). --sequential: 3 s.',
    ],
    options: {
      tasks: {
        kind: 'int',
        default: 2,
        min: 1,
        max: 100_000,
        description: 'how many tasks; task i of n sleeps i/n × 2 s',
      },
      sequential: {
        kind: 'boolean',
        default: false,
        description: 'await each task before creating the next (the sleeps add up)',
      },
    },
    // Together: the longest sleep. --sequential: the sleeps add up, i/n × 2 s for i = 1…n.
    estimate: ({ tasks, sequential }) =>
      sequential ? (BASICS_LONGEST_MS * (tasks + 1)) / 2 : BASICS_LONGEST_MS,
    load: () => import('./basics.js'),
  }),
  demo({
    name: 'gather',
    title: 'Collect results with gather, wait and asCompleted',
    pattern: 'gather / as_completed',
    explanation: [
      'The same jobs (random 0–2 s delays), collected three ways: gather (results in',
      'input order, after the slowest), wait(FIRST_COMPLETED) (react to the first one',
      'done, keep the rest) and asCompleted (each result as it comes, fastest first).',
    ],
    options: {
      jobs: { kind: 'int', default: 5, min: 1, max: 100_000, description: 'how many jobs' },
      mode: {
        kind: 'choice',
        choices: ['all', 'gather', 'wait', 'as-completed'],
        default: 'all',
        description: 'which collector to show (all: each in turn, on the same delays)',
      },
    },
    // Each round waits for the slowest job; --mode all runs three rounds on the same delays.
    estimate: ({ jobs, mode }) => (mode === 'all' ? 3 : 1) * expectedLongest(jobs, WORK_MAX_MS),
    load: () => import('./gather.js'),
  }),
  demo({
    name: 'semaphore',
    title: 'Limit concurrency with a Semaphore',
    pattern: 'limit concurrency',
    explanation: [
      "Each worker needs one of the Semaphore's permits (--limit) to do its work:",
      'at most that many work at once; the others wait, first come, first served.',
    ],
    options: {
      workers: { kind: 'int', default: 10, min: 1, max: 100_000, description: 'how many workers' },
      limit: { kind: 'int', default: 3, min: 1, max: 100_000, description: 'the semaphore size (permits)' },
    },
    // The work (1 s on average per worker) shared by `limit` permits, and never less than the slowest worker.
    estimate: ({ workers, limit }) =>
      Math.max((workers * WORK_MAX_MS) / 2 / limit, expectedLongest(workers, WORK_MAX_MS)),
    load: () => import('./semaphore.js'),
  }),
  demo({
    name: 'lock',
    seeded: false,
    title: 'Protect shared state with a Lock',
    pattern: 'mutual exclusion',
    explanation: [
      'Tasks increment one counter: read it, yield to the others, write it + 1.',
      'Under a Lock no update is lost; --no-lock shows the lost updates, counted;',
      '--no-shared: each task counts alone and gather adds up — no lock needed.',
    ],
    options: {
      tasks: { kind: 'int', default: 5, min: 1, max: 10_000, description: 'how many tasks' },
      increments: {
        kind: 'int',
        default: 1000,
        min: 1,
        max: MAX_INCREMENTS,
        description: `increments per task (tasks × increments ≤ ${MAX_INCREMENTS.toLocaleString('en-US')}; memory stays flat; time and the NDJSON trace grow by ~15 µs and ~570 bytes per increment)`,
      },
      lock: {
        kind: 'boolean',
        default: true,
        description: 'run without the Lock: the lost updates, counted',
      },
      shared: {
        kind: 'boolean',
        default: true,
        description: 'share nothing: each task counts alone, gather adds up (no lock needed)',
      },
    },
    validate: ({ tasks, increments }) =>
      tasks * increments > MAX_INCREMENTS
        ? `--tasks × --increments must be at most ${MAX_INCREMENTS} (a run's time and its trace grow with it), got ${tasks} × ${increments} = ${tasks * increments}`
        : undefined,
    // No timed waits: the tasks only yield to each other, so the run is as fast as the CPU.
    estimate: () => 0,
    load: () => import('./lock.js'),
  }),
  demo({
    name: 'event',
    seeded: false,
    title: 'Signal waiting tasks with an Event',
    pattern: 'broadcast a signal',
    explanation: [
      'Waiters block on an Event until the setter sets it; set() wakes them all.',
      '--clear: clear() it right after; a latecomer then blocks until the next set().',
    ],
    options: {
      waiters: { kind: 'int', default: 2, min: 1, max: 100_000, description: 'how many waiters' },
      delay: {
        kind: 'number',
        default: 1,
        min: 0,
        max: 3600,
        description: 'seconds before the setter sets the event',
      },
      clear: {
        kind: 'boolean',
        default: false,
        description: 'clear() after the set; a late waiter then blocks until a second set()',
      },
    },
    // The setter sets after --delay; with --clear, again --delay later (the latecomer comes in between).
    estimate: ({ delay, clear }) => delay * 1000 * (clear ? 2 : 1),
    load: () => import('./event.js'),
  }),
  demo({
    name: 'queue',
    title: 'Producer and consumers on a bounded Queue',
    pattern: 'producer–consumer with backpressure',
    explanation: [
      'A producer fills a Queue(maxsize 5) that 2 consumers drain: once it is full,',
      'put() waits (backpressure). One sentinel, passed on by each consumer, ends it.',
    ],
    options: {
      items: {
        kind: 'int',
        default: 10,
        min: 1,
        max: 100_000,
        description: 'how many items the producer makes',
      },
      consumers: { kind: 'int', default: 2, min: 1, max: 10_000, description: 'how many consumers' },
      maxsize: {
        kind: 'int',
        default: 5,
        min: 0,
        max: 100_000,
        description: 'the queue capacity (0 = unbounded: no backpressure)',
      },
      end: {
        kind: 'choice',
        choices: ['sentinel', 'per-consumer', 'shutdown'],
        default: 'sentinel',
        description:
          'how the consumers stop: one null each passes on, a null per consumer, or queue.shutdown() (the modern way)',
      },
    },
    // The slower of the producer (one item per 0.1 s) and the consumers (1 s on average per item, shared).
    estimate: ({ items, consumers }) =>
      Math.max(((items + 1) * MAX_PRODUCE_MS) / 2, (items * MAX_PROCESS_MS) / 2 / consumers) +
      MAX_PROCESS_MS / 2,
    load: () => import('./queue.js'),
  }),
  demo({
    name: 'executor',
    seeded: false,
    title: 'Keep blocking work off the event loop with an executor',
    pattern: 'run_in_executor',
    explanation: [
      'A heartbeat ticks every 100 ms while a 2 s blocking call runs on a worker',
      'thread (run_in_executor): it keeps its beat. --inline: it stalls for 2 s.',
      'Python needs processes for CPU work (GIL); Node threads run JS in parallel.',
    ],
    options: {
      block: {
        kind: 'number',
        default: 2,
        min: 0.01,
        max: 3600,
        description: 'seconds each blocking call takes',
      },
      heartbeat: {
        kind: 'int',
        default: 100,
        min: 10,
        max: 10_000,
        description: 'milliseconds between heartbeat ticks',
      },
      inline: {
        kind: 'boolean',
        default: false,
        description: 'make the call on the main thread: the heartbeat stalls',
      },
      kind: {
        kind: 'choice',
        choices: ['sleep', 'cpu'],
        default: 'sleep',
        description: 'the blocking call: blockingSleep (Atomics.wait, like sync I/O) or cpuWork (hashing)',
      },
      jobs: { kind: 'int', default: 1, min: 1, max: 1000, description: 'how many blocking calls' },
      poolSize: {
        kind: 'int',
        default: 2,
        min: 1,
        max: 64,
        description: "the executor's worker threads",
      },
    },
    // The heartbeat before and after, and the calls: one after the other inline, in rounds of --pool-size offloaded.
    estimate: ({ block, heartbeat, inline, jobs, poolSize }) =>
      heartbeat * (BEATS_BEFORE + BEATS_AFTER) + block * 1000 * (inline ? jobs : Math.ceil(jobs / poolSize)),
    load: () => import('./executor.js'),
  }),
  demo({
    name: 'api-limit',
    title: 'Limit concurrent API calls, process each response on worker threads',
    pattern: 'Semaphore + executor',
    explanation: [
      "Each worker holds one of Semaphore(5)'s permits across its API call and 1 s",
      'of CPU on the executor, as the tutorial does: at most 5 in flight in all.',
      '--release-early: the permit goes back before the CPU work (the jobs queue up).',
    ],
    options: {
      workers: { kind: 'int', default: 20, min: 1, max: 10_000, description: 'how many workers' },
      limit: {
        kind: 'int',
        default: 5,
        min: 1,
        max: 10_000,
        description: 'semaphore permits: workers calling or processing at once',
      },
      poolSize: {
        kind: 'int',
        default: 4,
        min: 1,
        max: 64,
        description: "the executor's worker threads",
      },
      cpu: {
        kind: 'number',
        default: 1,
        min: 0.001,
        max: 600,
        description: `seconds of CPU per response (real clock: scaled down past ${REAL_BUDGET_S} s in all)`,
      },
      releaseEarly: {
        kind: 'boolean',
        default: false,
        description: 'give the permit back before the CPU work: faster, but the executor queue grows',
      },
    },
    // API calls (0.25 s on average) through `limit` permits, overlapped with the CPU work on the pool (real clock:
    // scaled down to REAL_BUDGET_S), then the last worker's own call and processing.
    estimate: (options) => {
      const { ms } = cpuPlan(options, false);
      const slots = Math.min(options.limit, options.workers);
      // Held across the CPU work (the default), a permit covers the call and the job.
      const held = options.releaseEarly ? MAX_LATENCY_MS / 2 : MAX_LATENCY_MS / 2 + ms;
      const calls = (options.workers * held) / slots;
      const processing = (options.workers * ms) / Math.min(options.poolSize, slots);
      return Math.max(calls, processing) + MAX_LATENCY_MS / 2 + ms;
    },
    load: () => import('./api-limit.js'),
  }),
  demo({
    name: 'cancel',
    seeded: false,
    title: 'Cancel a task and let its cleanup run',
    pattern: 'cancellation with cleanup',
    explanation: [
      'A 10 s task is cancelled after 1 s: its finally block cleans up, then the',
      "caller's await raises CancelledError. --swallow: it returns a value instead.",
    ],
    options: {
      tasks: { kind: 'int', default: 1, min: 1, max: 100_000, description: 'how many tasks to cancel' },
      work: { kind: 'number', default: 10, min: 0, max: 86_400, description: "seconds of each task's work" },
      after: { kind: 'number', default: 1, min: 0, max: 86_400, description: 'seconds before main cancels' },
      cleanup: {
        kind: 'number',
        default: 0.2,
        min: 0,
        max: 3600,
        description: 'seconds the cleanup in finally takes (it awaits too)',
      },
      swallow: {
        kind: 'boolean',
        default: false,
        description: 'the task catches the cancellation and returns a value (cancelled() is false)',
      },
    },
    // Main cancels after --after; a task still working then runs its --cleanup (all at once).
    estimate: ({ work, after, cleanup }) => 1000 * (after < work ? after + cleanup : after),
    load: () => import('./cancel.js'),
  }),
];

/** The demo called `name`, if there is one. */
export function findDemo(name: string): AnyDemoInfo | undefined {
  return DEMOS.find((info) => info.name === name);
}
