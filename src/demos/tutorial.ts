/**
 * The tutorial this tool is built from, mapped to what shows each part: its
 * nine samples and its six design points, each with the demo and flag (or
 * command) to run. `list` prints it. Texts are kept here, one place, for
 * translation.
 */

/** One line of the map: what the tutorial says, and what to run to see it. */
export interface TutorialEntry {
  readonly topic: string;
  readonly run: string;
}

export const TUTORIAL_TEXT = {
  samples: 'The tutorial, sample by sample',
  points: 'Its design points',
} as const;

export const SAMPLES: readonly TutorialEntry[] = [
  { topic: '1 create_task: run coroutines at once', run: 'basics (--sequential)' },
  { topic: '2 gather / as_completed', run: 'gather (--mode as-completed)' },
  { topic: '3 Semaphore: limit concurrency', run: 'semaphore' },
  { topic: '4 Lock: protect shared state', run: 'lock (--no-lock)' },
  { topic: '5 Event: signal waiting tasks', run: 'event (--clear)' },
  { topic: '6 Queue: producer–consumer', run: 'queue (--end shutdown)' },
  { topic: '7 run_in_executor: blocking work', run: 'executor (--inline)' },
  { topic: '8 Semaphore + executor: API calls', run: 'api-limit (--release-early)' },
  { topic: '9 cancel() and cleanup', run: 'cancel (--swallow)' },
];

export const POINTS: readonly TutorialEntry[] = [
  { topic: 'limit concurrency explicitly', run: 'semaphore, api-limit' },
  { topic: 'reduce shared state; lock the rest', run: 'lock --no-shared, lock' },
  { topic: 'pick gather or as_completed', run: 'gather --mode all' },
  { topic: 'keep blocking work off the loop', run: 'executor --inline' },
  { topic: 'plan cancellation and cleanup', run: 'cancel, Ctrl-C in any demo' },
  { topic: 'abstract time, randomness, I/O', run: 'code testing; --virtual --seed' },
];
