/**
 * Every text the replay page shows, in one place, per language. Texts are
 * functions of their values (never concatenated fragments), so a language
 * may order the words its own way. A language missing a key is a type error.
 */
import type { LaneState } from './model.js';

export interface ReplayTexts {
  pageTitle(title: string): string;
  options: string;
  seed: string;
  clock: string;
  noOptions: string;
  checks: string;
  noChecks: string;
  status(status: string, elapsed: string): string;
  reproduce: string;
  copy: string;
  copied: string;
  lanes: string;
  laneCount(n: number): string;
  legend: string;
  states: Record<LaneState, string>;
  waitingOn(resource: string): string;
  holdingOf(resource: string): string;
  primitives: string;
  noPrimitives: string;
  permits(held: number, limit: number): string;
  freeSlot: string;
  waitersLine: string;
  nobodyWaits: string;
  more(n: number): string;
  locked: string;
  unlocked: string;
  flagSet: string;
  flagClear: string;
  buffer(size: number, maxsize: number): string;
  emptySlot: string;
  putters: string;
  getters: string;
  threads(busy: number, max: number): string;
  idle: string;
  jobQueue: string;
  job(job: string, fn: string, task: string): string;
  arrived(n: number, parties: number): string;
  events: string;
  eventOf(index: number, total: number): string;
  play: string;
  pause: string;
  prev: string;
  next: string;
  first: string;
  last: string;
  speed: string;
  scrub: string;
  keys: string;
  time(at: string, total: string): string;
}

const en: ReplayTexts = {
  pageTitle: (title) => `${title} — async-sync-demo replay`,
  options: 'Options',
  seed: 'Seed',
  clock: 'Clock',
  noOptions: 'none',
  checks: 'Checks',
  noChecks: 'The run ended before its checks.',
  status: (status, elapsed) => `Run ${status} after ${elapsed}`,
  reproduce: 'Reproduce this run',
  copy: 'Copy',
  copied: 'Copied',
  lanes: 'Tasks over time',
  laneCount: (n) => `${n} ${n === 1 ? 'task' : 'tasks'}`,
  legend: 'Legend',
  states: {
    running: 'running',
    waiting: 'waiting',
    holding: 'holding',
    sleeping: 'sleeping',
    blocking: 'blocking the main thread',
    cancelled: 'cancelled',
    failed: 'failed',
    done: 'done',
  },
  waitingOn: (resource) => `waiting for ${resource}`,
  holdingOf: (resource) => `holding ${resource}`,
  primitives: 'Primitives at the playhead',
  noPrimitives: 'This run uses no primitive with a state.',
  permits: (held, limit) => `${held} of ${limit} permits held`,
  freeSlot: 'free',
  waitersLine: 'Waiting, first come first served',
  nobodyWaits: 'nobody waits',
  more: (n) => `… ${n} more`,
  locked: 'locked',
  unlocked: 'unlocked',
  flagSet: 'set',
  flagClear: 'not set',
  buffer: (size, maxsize) => (maxsize > 0 ? `${size} of ${maxsize} items` : `${size} items (unbounded)`),
  emptySlot: 'empty',
  putters: 'Waiting to put',
  getters: 'Waiting to get',
  threads: (busy, max) => `${busy} of ${max} workers busy`,
  idle: 'idle',
  jobQueue: 'Job queue',
  job: (job, fn, task) => `job ${job} ${fn} (${task})`,
  arrived: (n, parties) => `${n} of ${parties} arrived`,
  events: 'Events',
  eventOf: (index, total) => `event ${index} of ${total}`,
  play: 'Play',
  pause: 'Pause',
  prev: 'Previous event',
  next: 'Next event',
  first: 'First event',
  last: 'Last event',
  speed: 'Speed',
  scrub: 'Playhead',
  keys: 'Keys: space play/pause · ← → previous/next event · Home/End first/last',
  time: (at, total) => `${at} / ${total}`,
};

/** The catalogues by language; a language without one reads English. */
export const TEXTS: Record<string, ReplayTexts> = { en };

export function textsFor(lang: string): ReplayTexts {
  return TEXTS[lang] ?? en;
}
