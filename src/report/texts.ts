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

const ko: ReplayTexts = {
  pageTitle: (title) => `${title} — async-sync-demo 리플레이`,
  options: '옵션',
  seed: '시드',
  clock: '시계',
  noOptions: '없음',
  checks: '검사',
  noChecks: '검사 전에 실행이 끝났습니다.',
  status: (status, elapsed) => `실행 결과: ${status} (${elapsed})`,
  reproduce: '이 실행 재현하기',
  copy: '복사',
  copied: '복사됨',
  lanes: '시간에 따른 태스크',
  laneCount: (n) => `태스크 ${n}개`,
  legend: '범례',
  states: {
    running: '실행',
    waiting: '대기',
    holding: '보유',
    sleeping: 'sleep',
    blocking: '메인 스레드 막음',
    cancelled: '취소됨',
    failed: '실패',
    done: '완료',
  },
  waitingOn: (resource) => `${resource} 대기 중`,
  holdingOf: (resource) => `${resource} 보유 중`,
  primitives: '재생 위치의 동기화 도구',
  noPrimitives: '이 실행에는 상태를 가진 동기화 도구가 없습니다.',
  permits: (held, limit) => `허가 ${limit}개 중 ${held}개 사용 중`,
  freeSlot: '빈 자리',
  waitersLine: '대기열 (먼저 온 순서대로)',
  nobodyWaits: '대기자 없음',
  more: (n) => `… ${n}개 더`,
  locked: '잠김',
  unlocked: '풀림',
  flagSet: '설정됨',
  flagClear: '설정 안 됨',
  buffer: (size, maxsize) => (maxsize > 0 ? `항목 ${maxsize}개 중 ${size}개` : `항목 ${size}개 (무제한)`),
  emptySlot: '비어 있음',
  putters: 'put 대기',
  getters: 'get 대기',
  threads: (busy, max) => `워커 ${max}개 중 ${busy}개 사용 중`,
  idle: '쉬는 중',
  jobQueue: '작업 큐',
  job: (job, fn, task) => `작업 ${job} ${fn} (${task})`,
  arrived: (n, parties) => `${parties}개 중 ${n}개 도착`,
  events: '이벤트',
  eventOf: (index, total) => `이벤트 ${total}개 중 ${index}번째`,
  play: '재생',
  pause: '일시정지',
  prev: '이전 이벤트',
  next: '다음 이벤트',
  first: '첫 이벤트',
  last: '마지막 이벤트',
  speed: '속도',
  scrub: '재생 위치',
  keys: '키: 스페이스 재생/일시정지 · ← → 이전/다음 이벤트 · Home/End 처음/끝',
  time: (at, total) => `${at} / ${total}`,
};

/** The catalogues by language; a language without one reads English. */
export const TEXTS: Record<string, ReplayTexts> = { en, ko };

export function textsFor(lang: string): ReplayTexts {
  return TEXTS[lang] ?? en;
}
