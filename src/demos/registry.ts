/**
 * Every demo, described as data. Importing this module imports no demo: each
 * entry's `load()` does, when the demo runs. The CLI builds its commands,
 * `list` and `--help` from here, so adding a demo means adding its module and
 * one entry below — no CLI code.
 */
import type { DemoInfo } from './contract.js';

/** A registry entry whose option types are checked against its module's. */
function demo<O>(info: DemoInfo<O> & { options: NoInfer<DemoInfo<O>['options']> }): DemoInfo<O> {
  return info;
}

// biome-ignore lint/suspicious/noExplicitAny: entries differ in their option types; each is checked by `demo()`.
export type AnyDemoInfo = DemoInfo<any>;

export const DEMOS: readonly AnyDemoInfo[] = [
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
    load: () => import('./semaphore.js'),
  }),
];

/** The demo called `name`, if there is one. */
export function findDemo(name: string): AnyDemoInfo | undefined {
  return DEMOS.find((info) => info.name === name);
}
