/**
 * The checks of `api-limit --processes` and their text, apart from the code
 * that forks the processes (`api-limit-processes.ts`): the demo's definition
 * lists every check, so this is imported by every api-limit run, while the
 * process machinery (child_process, the private redis-server) is loaded only
 * when `--processes` is given.
 */
import type { TraceEvent } from '../trace/types.js';
import type { ApiLimitOptions } from './api-limit.js';
import { processOf } from './api-limit-ipc.js';
import { seconds } from './checks.js';
import type { Check, CheckResult } from './contract.js';

export const API = 'api';

const en = {
  setupLocal: (processes: number, workers: number, limit: number) =>
    `${processes} OS processes, each with ${workers} workers and its own Semaphore(${limit}): each worker makes its API call (0–0.5 s) under a permit`,
  setupRedis: (processes: number, workers: number, limit: number, leaseMs: number) =>
    `${processes} OS processes, ${workers} workers each, all sharing one RedisSemaphore(${limit}) (lease ${seconds(leaseMs)}): each worker makes its API call (0–0.5 s) under a permit`,
  serverStarted: (port: number, pid: number) =>
    `started a private redis-server on 127.0.0.1:${port} (pid ${pid}, nothing saved to disk; stopped at the end)`,
  serverStopped: 'private redis-server stopped',
  usingServer: (url: string) => `using the Redis at ${url}`,
  started: (pid: number) => `process started (pid ${pid})`,
  go: (processes: number) => `all ${processes} processes ready: go`,
  killed: (task: string, pid: number) =>
    `SIGKILL (pid ${pid}): the process dies while ${task} holds a permit, mid-call; Redis still counts that permit until its lease runs out`,
  returned: (task: string, after: number) =>
    `the lease of ${task}'s permit ran out ${seconds(after)} after the kill: Redis took it back and granted it to the next in line`,
  exited: 'process exited',
  crashed: (code: string, stderr: string) =>
    `process died unexpectedly (${code})${stderr === '' ? '' : `: ${stderr}`}`,
  failed: (message: string) => `the process failed: ${message}`,
  stopped: 'process stopped (interrupted)',
  inspect: (holders: number, waiting: number) =>
    `Redis at the end: ${holders} permits held, ${waiting} waiting`,
  checkExceeded: 'process-local semaphores exceed the global limit',
  exceeded: (max: number, limit: number, processes: number) =>
    `${max} API calls at once across ${processes} processes > global limit ${limit}: EXCEEDED, as expected — each Semaphore(${limit}) counts only its own process's calls; --redis shares one limit`,
  cannotExceed: (max: number, limit: number, most: number) =>
    `${max} at once ≤ ${limit}: with these options at most ${most} calls can be in flight, so the limit cannot be broken (try more --processes)`,
  notExceeded: (max: number, limit: number) =>
    `only ${max} at once, never above the global limit ${limit}: the run did not show the overrun (machine too busy?)`,
  checkOwn: 'each process within its own limit',
  ownOk: (limit: number, most: string) => `every process ≤ ${limit} at once (${most})`,
  ownOver: (proc: string, max: number, limit: number) => `${proc} had ${max} > ${limit} at once`,
  checkShared: 'API calls in flight across all processes',
  sharedOk: (max: number, limit: number, processes: number) =>
    `${max} ≤ limit ${limit} across ${processes} processes: one RedisSemaphore for all`,
  sharedOver: (max: number, limit: number) => `${max} > limit ${limit}`,
  checkFifo: 'grants in arrival order across processes',
  fifoOk: (queued: number, total: number) =>
    `${total} grants in fence order; the ${queued} that queued were served in the order they arrived`,
  fifoBroken: (later: string, earlier: string) =>
    `${later} was granted before ${earlier}, which had arrived first`,
  checkDone: 'every worker done, in every process',
  doneOk: (done: number, of: number) => `${done}/${of}`,
  doneKilled: (done: number, of: number, proc: string) =>
    `${done}/${of} in the processes that lived (${proc} was killed)`,
  checkExits: 'every process exited cleanly',
  exitsOk: (n: number, killed: string) => `${n}/${n}${killed === '' ? '' : ` (${killed} killed on purpose)`}`,
  exitBad: (proc: string, why: string) => `${proc}: ${why}`,
  exitNever: (proc: string) => `${proc} never exited`,
  checkLease: "a killed holder's permit comes back after its lease",
  leaseOk: (after: number, leaseMs: number) =>
    `back ${seconds(after)} after the kill (lease ${seconds(leaseMs)}, renewed every ${seconds(leaseMs / 3)}): never more than the limit meanwhile`,
  leaseEarly: (after: number, leaseMs: number) =>
    `back ${seconds(after)} after the kill, before the lease (${seconds(leaseMs)}) could have run out`,
  leaseDrained:
    'the line had emptied before the lease ran out (nobody needed the permit); Redis holds nothing at the end',
  noKill: 'no holder was killed: no call lasted long enough',
  notBack: 'the permit never came back',
  checkLost: 'no permit lost',
  lostOk: (limit: number) => `Redis at the end: 0 held, 0 waiting — all ${limit} permits free`,
  lostBad: (holders: number, waiting: number) => `Redis at the end: ${holders} held, ${waiting} waiting`,
  noInspect: 'Redis was not inspected at the end',
};

const ko: typeof en = {
  setupLocal: (processes, workers, limit) =>
    `OS 프로세스 ${processes}개, 각자 워커 ${workers}개와 자기 Semaphore(${limit}): 워커마다 허가를 쥐고 API 호출(0–0.5초)`,
  setupRedis: (processes, workers, limit, leaseMs) =>
    `OS 프로세스 ${processes}개, 각 워커 ${workers}개, 모두 RedisSemaphore(${limit}) 하나를 공유 (리스 ${seconds(leaseMs)}): 워커마다 허가를 쥐고 API 호출(0–0.5초)`,
  serverStarted: (port, pid) =>
    `임시 redis-server를 127.0.0.1:${port}에 띄움 (pid ${pid}, 디스크에 저장하지 않음; 끝나면 멈춤)`,
  serverStopped: '임시 redis-server 멈춤',
  usingServer: (url) => `${url}의 Redis 사용`,
  started: (pid) => `프로세스 시작 (pid ${pid})`,
  go: (processes) => `프로세스 ${processes}개 모두 준비: 시작`,
  killed: (task, pid) =>
    `SIGKILL (pid ${pid}): ${task}가 호출 도중 허가를 쥔 채로 프로세스가 죽음; 리스가 끝날 때까지 Redis는 그 허가를 계속 셈`,
  returned: (task, after) =>
    `${task}의 허가 리스가 죽은 지 ${seconds(after)} 뒤에 만료: Redis가 되찾아 다음 대기자에게 줌`,
  exited: '프로세스 종료',
  crashed: (code, stderr) => `프로세스가 뜻밖에 죽음 (${code})${stderr === '' ? '' : `: ${stderr}`}`,
  failed: (message) => `프로세스 실패: ${message}`,
  stopped: '프로세스 멈춤 (중단됨)',
  inspect: (holders, waiting) => `끝난 뒤 Redis: 쥔 허가 ${holders}개, 대기 ${waiting}개`,
  checkExceeded: '프로세스마다의 세마포어는 전체 제한을 넘음',
  exceeded: (max, limit, processes) =>
    `프로세스 ${processes}개에서 동시에 API 호출 ${max}개 > 전체 제한 ${limit}: 예상대로 초과 — 각 Semaphore(${limit})는 자기 프로세스의 호출만 셈; --redis는 제한 하나를 공유함`,
  cannotExceed: (max, limit, most) =>
    `동시에 ${max}개 ≤ ${limit}: 이 옵션으로는 최대 ${most}개만 동시에 호출할 수 있어 제한을 넘을 수 없음 (--processes를 늘려 보세요)`,
  notExceeded: (max, limit) =>
    `동시에 ${max}개뿐, 전체 제한 ${limit}을 넘지 않음: 초과를 보여 주지 못함 (기계가 너무 바쁨?)`,
  checkOwn: '각 프로세스가 자기 제한 안',
  ownOk: (limit, most) => `모든 프로세스가 동시에 ${limit}개 이하 (${most})`,
  ownOver: (proc, max, limit) => `${proc}: 동시에 ${max}개 > ${limit}`,
  checkShared: '모든 프로세스에 걸친 동시 API 호출',
  sharedOk: (max, limit, processes) =>
    `프로세스 ${processes}개에서 ${max} ≤ 제한 ${limit}: 모두에 RedisSemaphore 하나`,
  sharedOver: (max, limit) => `${max} > 제한 ${limit}`,
  checkFifo: '프로세스를 넘어 도착 순서대로 허가',
  fifoOk: (queued, total) => `허가 ${total}개가 펜스 순서; 줄을 선 ${queued}개는 도착한 순서대로 받음`,
  fifoBroken: (later, earlier) => `${later}가 먼저 도착한 ${earlier}보다 먼저 허가를 받음`,
  checkDone: '모든 프로세스의 모든 워커 완료',
  doneOk: (done, of) => `${done}/${of}`,
  doneKilled: (done, of, proc) => `살아남은 프로세스에서 ${done}/${of} (${proc}는 죽임)`,
  checkExits: '모든 프로세스가 깨끗이 종료',
  exitsOk: (n, killed) => `${n}/${n}${killed === '' ? '' : ` (${killed}는 일부러 죽임)`}`,
  exitBad: (proc, why) => `${proc}: ${why}`,
  exitNever: (proc) => `${proc}가 끝나지 않음`,
  checkLease: '죽은 보유자의 허가는 리스가 끝난 뒤 돌아옴',
  leaseOk: (after, leaseMs) =>
    `죽인 지 ${seconds(after)} 뒤에 돌아옴 (리스 ${seconds(leaseMs)}, ${seconds(leaseMs / 3)}마다 갱신): 그동안 제한을 넘은 적 없음`,
  leaseEarly: (after, leaseMs) =>
    `죽인 지 ${seconds(after)} 뒤에 돌아옴: 리스(${seconds(leaseMs)})가 끝날 수 있기 전`,
  leaseDrained:
    '리스가 끝나기 전에 줄이 비었음 (그 허가가 필요한 이가 없었음); 끝난 뒤 Redis에는 아무것도 없음',
  noKill: '죽인 보유자가 없음: 충분히 긴 호출이 없었음',
  notBack: '허가가 돌아오지 않음',
  checkLost: '잃어버린 허가 없음',
  lostOk: (limit) => `끝난 뒤 Redis: 쥔 것 0, 대기 0 — 허가 ${limit}개 모두 비어 있음`,
  lostBad: (holders, waiting) => `끝난 뒤 Redis: 쥔 것 ${holders}, 대기 ${waiting}`,
  noInspect: '끝난 뒤 Redis를 살피지 않음',
};

export const TEXT = { en, ko };

type Options = ApiLimitOptions;
const multi = (o: Options): boolean => o.processes > 0;
const shared = (o: Options): boolean => o.processes > 0 && o.redis !== '';

/** Events in time order (a child's event can arrive after a later one from elsewhere). */
const byTime = (events: readonly TraceEvent[]): TraceEvent[] =>
  [...events].sort((a, b) => a.t - b.t || a.seq - b.seq);

/** The run's speed (`run.start`): the trace's clock runs this many times the wall clock. */
function speedOf(events: readonly TraceEvent[]): number {
  return Number(events.find((e) => e.type === 'run.start')?.data?.speed ?? 1) || 1;
}

/**
 * API calls in flight across every process, and per process: a killed holder
 * counts until `permit.returned`; a holder whose lease ran out before it let
 * go (`lease.lost`: its process stalled) only until its lease ended — past
 * that, Redis may grant the permit again, and the holder's own clock told it
 * to stop (`api.abandoned`).
 */
function inFlight(events: readonly TraceEvent[]): { max: number; perProcess: Map<string, number> } {
  const speed = speedOf(events);
  const steps: { t: number; step: number; proc: string }[] = [];
  const since = new Map<string, number>();
  for (const event of byTime(events)) {
    if (event.resource !== API) continue;
    const proc = processOf(event.task) ?? 'main';
    if (event.type === 'acquire') {
      since.set(event.task, event.t);
      steps.push({ t: event.t, step: 1, proc });
    } else if (event.type === 'release' || event.type === 'permit.returned') {
      steps.push({ t: event.t, step: -1, proc });
    } else if (event.type === 'lease.lost') {
      // `overdueMs` is wall time, the trace's clock runs `speed` times faster.
      const end = event.t - Math.max(0, Number(event.data?.overdueMs) || 0) * speed;
      steps.push({ t: Math.max(end, since.get(event.task) ?? end), step: -1, proc });
    }
  }
  // Releases first at the same instant: a call that ends as another starts was not concurrent with it.
  steps.sort((a, b) => a.t - b.t || a.step - b.step);
  let now = 0;
  let max = 0;
  const perNow = new Map<string, number>();
  const perProcess = new Map<string, number>();
  for (const { step, proc } of steps) {
    now += step;
    max = Math.max(max, now);
    const mine = (perNow.get(proc) ?? 0) + step;
    perNow.set(proc, mine);
    perProcess.set(proc, Math.max(perProcess.get(proc) ?? 0, mine));
  }
  return { max, perProcess };
}

function killEvent(events: readonly TraceEvent[]): TraceEvent | undefined {
  return events.find((event) => event.type === 'process.kill');
}

/** The checks of the multi-process runs (each applies only when `processes` > 0). */
export const PROCESS_CHECKS: Check<Options>[] = [
  {
    name: en.checkExceeded,
    ko: ko.checkExceeded,
    when: (o) => multi(o) && !shared(o),
    verify(events, { processes, workers, limit }, lang = 'en') {
      const t = TEXT[lang];
      const { max } = inFlight(events);
      const most = processes * Math.min(workers, limit);
      if (max > limit) return { ok: true, detail: t.exceeded(max, limit, processes) };
      if (most <= limit) return { ok: true, detail: t.cannotExceed(max, limit, most) };
      return { ok: false, detail: t.notExceeded(max, limit) };
    },
  },
  {
    name: en.checkOwn,
    ko: ko.checkOwn,
    when: (o) => multi(o) && !shared(o),
    verify(events, { limit }, lang = 'en') {
      const t = TEXT[lang];
      const { perProcess } = inFlight(events);
      for (const [proc, max] of perProcess)
        if (max > limit) return { ok: false, detail: t.ownOver(proc, max, limit) };
      const most = [...perProcess].map(([proc, max]) => `${proc} ${max}`).join(', ');
      return { ok: true, detail: t.ownOk(limit, most) };
    },
  },
  {
    name: en.checkShared,
    ko: ko.checkShared,
    when: shared,
    verify(events, { limit, processes }, lang = 'en') {
      const t = TEXT[lang];
      const { max } = inFlight(events);
      if (max > limit) return { ok: false, detail: t.sharedOver(max, limit) };
      return { ok: true, detail: t.sharedOk(max, limit, processes) };
    },
  },
  {
    name: en.checkFifo,
    ko: ko.checkFifo,
    when: shared,
    verify(events, _options, lang = 'en') {
      const t = TEXT[lang];
      // Redis's own order: fences grow with every grant; `arrival` numbers the waiters as they queued.
      const grants = events
        .filter((event) => event.type === 'api.grant')
        .sort((a, b) => Number(a.data?.fence) - Number(b.data?.fence));
      let last: TraceEvent | undefined;
      let queued = 0;
      for (const grant of grants) {
        const arrival = grant.data?.arrival;
        if (typeof arrival !== 'number') continue;
        queued++;
        if (last !== undefined && arrival < Number(last.data?.arrival))
          return { ok: false, detail: t.fifoBroken(grant.task, last.task) };
        last = grant;
      }
      return { ok: true, detail: t.fifoOk(queued, grants.length) };
    },
  },
  {
    name: en.checkDone,
    ko: ko.checkDone,
    when: multi,
    verify(events, { processes, workers }, lang = 'en') {
      const t = TEXT[lang];
      const killed = killEvent(events);
      const dead = killed === undefined ? undefined : processOf(killed.task);
      const done = events.filter(
        (event) =>
          event.type === 'task.end' &&
          event.data?.status === 'ok' &&
          /^p\d+\/worker-/.test(event.task) &&
          processOf(event.task) !== dead,
      ).length;
      const of = (dead === undefined ? processes : processes - 1) * workers;
      const detail = dead === undefined ? t.doneOk(done, of) : t.doneKilled(done, of, dead);
      return { ok: done === of, detail };
    },
  },
  {
    name: en.checkExits,
    ko: ko.checkExits,
    when: multi,
    verify(events, { processes }, lang = 'en') {
      const t = TEXT[lang];
      const killed = processOf(killEvent(events)?.task ?? '') ?? '';
      for (let i = 1; i <= processes; i++) {
        const proc = `p${i}`;
        const exit = events.find((event) => event.type === 'process.exit' && event.task === proc);
        if (exit === undefined) return { ok: false, detail: t.exitNever(proc) };
        const status = exit.data?.status;
        if (status !== 'ok' && !(status === 'killed' && proc === killed))
          return { ok: false, detail: t.exitBad(proc, exit.msg ?? String(status)) };
      }
      return { ok: true, detail: t.exitsOk(processes, killed) };
    },
  },
  {
    name: en.checkLease,
    ko: ko.checkLease,
    when: (o) => shared(o) && o.killOne,
    verify(events, _options, lang = 'en'): CheckResult {
      const t = TEXT[lang];
      const kill = killEvent(events);
      if (kill === undefined) return { ok: false, detail: t.noKill };
      const speed = speedOf(events);
      const leaseMs = Number(kill.data?.leaseMs);
      const back = events.find((event) => event.type === 'permit.returned');
      if (back === undefined) {
        const end = events.find((event) => event.type === 'redis.inspect');
        const empty = end?.data?.holders === 0 && end?.data?.waiting === 0;
        return empty ? { ok: true, detail: t.leaseDrained } : { ok: false, detail: t.notBack };
      }
      // Wall ms: the lease runs on Redis's clock, the trace on the run's (× speed).
      const after = (back.t - kill.t) / speed;
      // Renewed every lease/3, the permit was renewed at most lease/3 before the kill: it cannot expire sooner than 2/3 lease after it.
      if (after < (leaseMs * 2) / 3 - 20) return { ok: false, detail: t.leaseEarly(after, leaseMs) };
      return { ok: true, detail: t.leaseOk(after, leaseMs) };
    },
  },
  {
    name: en.checkLost,
    ko: ko.checkLost,
    when: shared,
    verify(events, { limit }, lang = 'en') {
      const t = TEXT[lang];
      const end = events.find((event) => event.type === 'redis.inspect');
      if (end === undefined) return { ok: false, detail: t.noInspect };
      const holders = Number(end.data?.holders);
      const waiting = Number(end.data?.waiting);
      if (holders === 0 && waiting === 0) return { ok: true, detail: t.lostOk(limit) };
      return { ok: false, detail: t.lostBad(holders, waiting) };
    },
  },
];
