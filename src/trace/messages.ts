/**
 * The renderers' words, in each language: event lines, primitive states,
 * section titles, table heads, the verdict. A trace records its language in
 * `run.start` (`data.lang`), so rendering a saved trace speaks it again.
 */
import { isLang, type Lang } from './lang.js';

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

const en = {
  // Event lines (`describeEvent`).
  starts: 'starts',
  sleeps: (time: string, note: string) => `sleeps ${time}${note}`,
  waitsToPut: (on: string) => `waits to put into ${on}`,
  waitsToGet: (on: string) => `waits to get from ${on}`,
  waitsFor: (on: string) => `waits for ${on}`,
  wakesOn: (on: string) => `wakes on ${on}`,
  passes: (on: string, index: string) => `passes ${on} (arrival ${index})`,
  acquires: (on: string) => `acquires ${on}`,
  releases: (on: string) => `releases ${on}`,
  /** A shared (Redis) permit's fencing token: `arrival` when it queued, undefined when granted at once. */
  fenced: (on: string, fence: string, arrival: string | undefined) =>
    `gets fence ${fence} for ${on} (${arrival === undefined ? 'granted at once' : `queued, arrival ${arrival}`})`,
  /** A shared (Redis) permit given up after its lease ran out by the holder's clock (the process stalled). */
  leaseLost: (on: string, fence: string, overdue: string) =>
    `loses ${on} (fence ${fence}): its lease ran out ${overdue} ago, someone else may hold the permit`,
  /** The API call stopped because its permit's lease was lost. */
  abandons: (on: string, fence: string) => `abandons the call: lost ${on} (fence ${fence})`,
  sets: (on: string) => `sets ${on}`,
  clears: (on: string) => `clears ${on}`,
  notifies: (on: string, n: string) => `notifies ${on} (n=${n})`,
  puts: (item: string, on: string) => `puts ${item} into ${on}`,
  gets: (item: string, on: string) => `gets ${item} from ${on}`,
  shutsDown: (on: string) => `shuts down ${on}`,
  submits: (job: string, fn: string, modelled: string | undefined) =>
    `submits job ${job} (${fn}${modelled === undefined ? '' : `, ${modelled} modelled`})`,
  jobStarts: (job: string, where: string, queued: string | undefined) =>
    `job ${job} starts on ${where}${queued === undefined ? '' : `, after ${queued} in the queue`}`,
  jobDone: (job: string, where: string, took: string) => `job ${job} done on ${where} (${took})`,
  jobInQueue: (job: string, status: string) => `job ${job} ${status} in the queue`,
  jobStopped: (job: string, cancelled: boolean, where: string, took: string) =>
    `job ${job} ${cancelled ? 'cancelled' : 'failed'} on ${where} after ${took}`,
  executorError: (on: string, msg: string) => `${on} error: ${msg}`,
  blocks: (time: string, note: string) => `blocks the main thread ${time}${note}`,
  cancelRequested: (note: string) => `cancel requested${note}`,
  cleansUp: (msg: string | undefined) => `cleans up${msg ? `: ${msg}` : ''}`,
  cancelled: 'cancelled',
  failed: (why: string | undefined) => `failed${why === undefined ? '' : `: ${why}`}`,
  done: (result: string | undefined) => `done${result === undefined ? '' : ` → ${result}`}`,
  thread: (id: string) => `thread ${id}`,
  slot: (id: string) => `slot ${id}`,
  // Primitive states (`describeState`).
  permits: (held: number, limit: number) => `${held}/${limit} permits`,
  permitsFree: (free: number) => `${plural(free, 'permit')} free`,
  waiting: (n: number) => `${n} waiting`,
  locked: (locked: boolean): string => (locked ? 'locked' : 'unlocked'),
  isSet: (set: boolean): string => (set ? 'set' : 'not set'),
  size: (size: number, maxsize: number | undefined) =>
    maxsize === undefined ? `size ${size}` : `size ${size}/${maxsize}`,
  getters: (n: number) => `${plural(n, 'getter')} waiting`,
  putters: (n: number) => `${plural(n, 'putter')} waiting`,
  arrived: (waiting: number, parties: number) => `${waiting}/${parties} arrived`,
  workersBusy: (running: number, max: number) => `${running}/${max} workers busy`,
  queued: (n: number) => `${n} queued`,
  waitingForRoom: (n: number) => `${n} waiting for room`,
  // The run's frame (pretty).
  seed: (seed: string) => `seed ${seed}`,
  clock: (clock: string, speed: unknown) =>
    clock === 'real' && speed !== undefined && speed !== 1 ? `real ×${speed} clock` : `${clock} clock`,
  summary: 'Summary',
  executor: 'Executor',
  checks: 'Checks',
  timeline: 'Timeline',
  runs: (runs: number, ok: number) => `${runs} runs: ${ok} ok, ${runs - ok} not ok`,
  stopsWithoutEnd: (demo: string, at: string) => `${demo}: the trace stops at ${at} without run.end`,
  interrupted: (demo: string, at: string, what: string) => `${demo} interrupted at ${at}: ${what}`,
  abandoned: (demo: string, at: string, what: string) =>
    `${demo} interrupted at ${at}, cleanup abandoned (second Ctrl-C): ${what}`,
  crashed: (demo: string, elapsed: string, error: string) => `${demo} crashed after ${elapsed}: ${error}`,
  checksFailed: (demo: string, failed: number, of: number, elapsed: string) =>
    `${demo}: ${failed} of ${of} checks failed after ${elapsed}`,
  passed: (demo: string, checks: number, elapsed: string) =>
    `${demo}: ${checks === 0 ? 'finished' : checks === 1 ? 'its check passed' : `all ${checks} checks passed`} in ${elapsed}`,
  passedUnsure: (demo: string, checks: number, unsure: number, elapsed: string) =>
    `${demo}: ${checks - unsure} of ${checks} checks passed, ${unsure} could not be judged (see ⚠) in ${elapsed}`,
  unsureWarning: (count: number, lagMs: number | undefined, speed: number | undefined) =>
    `machine busy or too fast to time${speed === undefined ? '' : ` at --speed ${speed}`}: ${count === 1 ? '1 timing check' : `${count} timing checks`} could not be judged (${lagMs === undefined ? 'background lag not measured' : `background event-loop lag ${lagMs} ms before the run`}); not counted as failed — run with --virtual for exact timings`,
  noTaskRunning: 'no task was running',
  cancelledTasks: (count: number, names: string, cleanups: number) =>
    `cancelled ${count === 1 ? '1 task' : `${count} tasks`} (${names}), ${cleanups} cleanup${cleanups === 1 ? '' : 's'} ran`,
  moreEvents: (count: number, listed: string, until: string) =>
    `… ${count} more event${count === 1 ? '' : 's'} (${listed}) until ${until}`,
  // Tables.
  summaryHead: ['task', 'start', 'waiting', 'running', 'end', 'status'],
  status: { ok: '✓ ok', cancelled: '✗ cancelled', error: '✗ error', unfinished: '… unfinished' },
  statusCount: (status: string, count: number) => `${count} ${status}`,
  tasks: (n: number) => `${n} tasks`,
  more: (n: number) => `… ${n} more`,
  threadsHead: ['thread / slot', 'jobs', 'busy', 'max queue wait', 'ran jobs for'],
  notOk: (n: number) => ` (${n} not ok)`,
  plusMore: (n: number) => `, +${n} more`,
  // Timeline.
  legend: {
    holding: 'holding',
    running: 'running',
    waiting: 'waiting',
    blocking: 'blocking the main thread',
    job: 'running a job',
  },
  moreTasks: (n: number) => `… ${n} more tasks`,
  moreThreads: (n: number) => `… ${n} more threads`,
};

export type TraceText = typeof en;

const ko: TraceText = {
  starts: '시작',
  sleeps: (time, note) => `${time} sleep${note}`,
  waitsToPut: (on) => `${on}에 넣으려고 대기`,
  waitsToGet: (on) => `${on}에서 꺼내려고 대기`,
  waitsFor: (on) => `${on} 대기`,
  wakesOn: (on) => `${on}에서 깨어남`,
  passes: (on, index) => `${on} 통과 (${index}번째 도착)`,
  acquires: (on) => `${on} 획득`,
  releases: (on) => `${on} 해제`,
  fenced: (on, fence, arrival) =>
    `${on} 펜스 ${fence} 받음 (${arrival === undefined ? '곧바로' : `줄 서서, 도착 ${arrival}`})`,
  leaseLost: (on, fence, overdue) =>
    `${on} 잃음 (펜스 ${fence}): 리스가 ${overdue} 전에 끝남, 다른 이가 허가를 쥐었을 수 있음`,
  abandons: (on, fence) => `호출 포기: ${on} 잃음 (펜스 ${fence})`,
  sets: (on) => `${on} 설정(set)`,
  clears: (on) => `${on} 해제(clear)`,
  notifies: (on, n) => `${on}에 알림 (n=${n})`,
  puts: (item, on) => `${on}에 ${item} 넣음`,
  gets: (item, on) => `${on}에서 ${item} 꺼냄`,
  shutsDown: (on) => `${on} 종료(shutdown)`,
  submits: (job, fn, modelled) =>
    `작업 ${job} 제출 (${fn}${modelled === undefined ? '' : `, ${modelled} 모델링`})`,
  jobStarts: (job, where, queued) =>
    `작업 ${job} 시작: ${where}${queued === undefined ? '' : `, 큐에서 ${queued} 기다린 뒤`}`,
  jobDone: (job, where, took) => `작업 ${job} 완료: ${where} (${took})`,
  jobInQueue: (job, status) => `작업 ${job}: 큐에서 ${status}`,
  jobStopped: (job, cancelled, where, took) =>
    `작업 ${job}: ${where}에서 ${took} 만에 ${cancelled ? '취소됨' : '실패'}`,
  executorError: (on, msg) => `${on} 오류: ${msg}`,
  blocks: (time, note) => `메인 스레드를 ${time} 블로킹${note}`,
  cancelRequested: (note) => `취소 요청${note}`,
  cleansUp: (msg) => `정리${msg ? `: ${msg}` : ''}`,
  cancelled: '취소됨',
  failed: (why) => `실패${why === undefined ? '' : `: ${why}`}`,
  done: (result) => `완료${result === undefined ? '' : ` → ${result}`}`,
  thread: (id) => `스레드 ${id}`,
  slot: (id) => `슬롯 ${id}`,
  permits: (held, limit) => `허가 ${held}/${limit}`,
  permitsFree: (free) => `남은 허가 ${free}개`,
  waiting: (n) => `대기 ${n}`,
  locked: (locked) => (locked ? '잠김' : '풀림'),
  isSet: (set) => (set ? '설정됨' : '설정 안 됨'),
  size: (size, maxsize) => (maxsize === undefined ? `크기 ${size}` : `크기 ${size}/${maxsize}`),
  getters: (n) => `꺼내기 대기 ${n}`,
  putters: (n) => `넣기 대기 ${n}`,
  arrived: (waiting, parties) => `${parties}개 중 ${waiting}개 도착`,
  workersBusy: (running, max) => `워커 ${running}/${max} 사용 중`,
  queued: (n) => `큐 ${n}`,
  waitingForRoom: (n) => `자리 대기 ${n}`,
  seed: (seed) => `시드 ${seed}`,
  clock: (clock, speed) => {
    const name = clock === 'virtual' ? '가상' : clock === 'real' ? '실제' : clock;
    return clock === 'real' && speed !== undefined && speed !== 1 ? `실제 ×${speed} 시계` : `${name} 시계`;
  },
  summary: '요약',
  executor: '익스큐터',
  checks: '검사',
  timeline: '타임라인',
  runs: (runs, ok) => `실행 ${runs}번: 성공 ${ok}, 실패 ${runs - ok}`,
  stopsWithoutEnd: (demo, at) => `${demo}: 트레이스가 run.end 없이 ${at}에서 끝남`,
  interrupted: (demo, at, what) => `${demo} ${at}에 중단됨: ${what}`,
  abandoned: (demo, at, what) => `${demo} ${at}에 중단됨, 정리를 기다리지 않음 (두 번째 Ctrl-C): ${what}`,
  crashed: (demo, elapsed, error) => `${demo} ${elapsed} 만에 비정상 종료: ${error}`,
  checksFailed: (demo, failed, of, elapsed) => `${demo}: 검사 ${of}개 중 ${failed}개 실패 (${elapsed})`,
  passed: (demo, checks, elapsed) =>
    `${demo}: ${checks === 0 ? '완료' : checks === 1 ? '검사 통과' : `검사 ${checks}개 모두 통과`} (${elapsed})`,
  passedUnsure: (demo, checks, unsure, elapsed) =>
    `${demo}: 검사 ${checks}개 중 ${checks - unsure}개 통과, ${unsure}개는 판정 불가 (⚠ 참고) (${elapsed})`,
  unsureWarning: (count, lagMs, speed) =>
    `머신이 바쁘거나${speed === undefined ? '' : ` (--speed ${speed})`} 너무 빨라 시간을 잴 수 없음: 시간 검사 ${count}개를 판정하지 못했습니다 (${lagMs === undefined ? '배경 지연은 측정 안 됨' : `실행 전 이벤트 루프 배경 지연 ${lagMs} ms`}). 실패로 세지 않습니다 — 정확한 시간은 --virtual로 실행하세요`,
  noTaskRunning: '실행 중인 태스크 없음',
  cancelledTasks: (count, names, cleanups) => `태스크 ${count}개 취소 (${names}), 정리 ${cleanups}번 실행`,
  moreEvents: (count, listed, until) => `… 이벤트 ${count}개 생략 (${listed}), ${until}까지`,
  summaryHead: ['태스크', '시작', '대기', '실행', '종료', '상태'],
  status: { ok: '✓ 완료', cancelled: '✗ 취소됨', error: '✗ 오류', unfinished: '… 미완료' },
  statusCount: (status, count) => `${STATUS_KO[status] ?? status} ${count}`,
  tasks: (n) => `태스크 ${n}개`,
  more: (n) => `… ${n}개 더`,
  threadsHead: ['스레드 / 슬롯', '작업', '사용 시간', '최대 큐 대기', '작업한 태스크'],
  notOk: (n) => ` (실패 ${n})`,
  plusMore: (n) => `, 외 ${n}개`,
  legend: {
    holding: '보유',
    running: '실행',
    waiting: '대기',
    blocking: '메인 스레드 블로킹',
    job: '작업 실행',
  },
  moreTasks: (n) => `… 태스크 ${n}개 더`,
  moreThreads: (n) => `… 스레드 ${n}개 더`,
};

const STATUS_KO: Record<string, string> = {
  ok: '완료',
  cancelled: '취소',
  error: '오류',
  unfinished: '미완료',
};

export const TRACE_TEXT: Readonly<Record<Lang, TraceText>> = { en, ko };

/** The words of a run whose `run.start` data is `data` (English when it records none). */
export function traceText(lang: unknown): TraceText {
  return TRACE_TEXT[isLang(lang) ? lang : 'en'];
}
