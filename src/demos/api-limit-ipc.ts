/**
 * api-limit --processes: what the parent and its child processes say to each
 * other over the fork IPC channel. A child's trace events travel with `at`,
 * the wall time they happened (`performance.timeOrigin + performance.now()`,
 * the same scale in every process on the machine): the parent puts them on
 * its own run clock and merges them into the one trace.
 */
import type { Lang } from '../trace/lang.js';

/** What a child is told to do (its only argument, as JSON). */
export interface ChildConfig {
  /** 1-based: the child's tasks are named `p<index>/…`. */
  index: number;
  workers: number;
  limit: number;
  seed: number;
  speed: number;
  lang: Lang;
  /** The shared semaphore (--redis), or none: a local Semaphore(limit) of its own. */
  redis?: { url: string; key: string; leaseMs: number };
}

/** A trace event without what the parent stamps itself (`v`, `seq`, `t`, `demo`). */
export interface RelayedEvent {
  type: string;
  task: string;
  resource?: string;
  state?: Record<string, unknown>;
  data?: Record<string, unknown>;
  msg?: string;
}

export type ChildMessage =
  | { kind: 'ready' }
  | { kind: 'event'; at: number; event: RelayedEvent }
  | { kind: 'done' }
  | { kind: 'error'; message: string };

export type ParentMessage = { kind: 'go' } | { kind: 'stop' };

/** Wall time in ms, comparable across the processes of one machine. */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

/** The task name of child `index`'s task `task` (`main` is the process itself: `p2`). */
export function processTask(index: number, task: string): string {
  return task === 'main' ? `p${index}` : `p${index}/${task}`;
}

/** The process prefix of a task name (`p2/worker-7` → `p2`), or undefined for the parent's own tasks. */
export function processOf(task: string): string | undefined {
  return /^(p\d+)(?:\/|$)/.exec(task)?.[1];
}
