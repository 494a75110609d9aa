/**
 * Every demo, described as data. Importing this module imports no demo: each
 * entry's `load()` does, when the demo runs. The CLI builds its commands,
 * `list` and `--help` from here, so adding a demo means adding its module and
 * one entry below — no CLI code.
 */
import type { DemoInfo } from './contract.js';
import {
  API_LIMIT_LEASE_MS,
  BASICS_LONGEST_MS,
  BEATS_AFTER,
  BEATS_BEFORE,
  cpuPlan,
  expectedLongest,
  MAX_LATENCY_MS,
  MAX_PROCESS_MS,
  MAX_PROCESSES,
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

/**
 * `10000000` → `10,000,000`. Not `toLocaleString('en-US')`: this module is
 * loaded by `list` and `--help`, and the first `toLocaleString` initialises
 * ICU's number formatting — about 10 ms of start-up for one number.
 */
const grouped = (n: number): string => String(n).replace(/\B(?=(\d{3})+$)/g, ',');

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
    ko: {
      title: 'createTask로 태스크를 동시에 실행',
      pattern: 'create_task 기초',
      explanation: [
        '태스크 A는 1초, B는 2초 sleep합니다. 태스크로 만들면 둘이 동시에 sleep해서',
        '3초(합)가 아니라 2초(가장 긴 것) 만에 끝납니다. --sequential: 3초.',
      ],
      options: {
        tasks: '태스크 수; n개 중 i번째 태스크는 i/n × 2초 sleep',
        sequential: '다음 태스크를 만들기 전에 각 태스크를 await (sleep 시간이 더해짐)',
      },
    },
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
    ko: {
      title: 'gather, wait, asCompleted로 결과 모으기',
      pattern: 'gather / as_completed',
      explanation: [
        '같은 작업(0–2초 무작위 지연)을 세 가지로 모읍니다: gather(입력 순서대로, 가장',
        '느린 것 뒤에), wait(FIRST_COMPLETED)(먼저 끝난 것에 반응하고 나머지는 유지),',
        'asCompleted(끝나는 대로 하나씩, 빠른 것부터).',
      ],
      options: {
        jobs: '작업 수',
        mode: '보여 줄 수집 방식 (all: 같은 지연으로 차례대로 모두)',
      },
    },
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
    ko: {
      title: '세마포어로 동시 실행 수 제한',
      pattern: '동시성 제한',
      explanation: [
        '각 워커는 세마포어의 허가(--limit) 하나를 얻어야 일할 수 있습니다:',
        '동시에 그 수만큼만 일하고, 나머지는 먼저 온 순서대로 기다립니다.',
      ],
      options: {
        workers: '워커 수',
        limit: '세마포어 크기 (허가 수)',
      },
    },
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
    ko: {
      title: '락으로 공유 상태 보호',
      pattern: '상호 배제',
      explanation: [
        '태스크들이 카운터 하나를 올립니다: 읽고, 다른 태스크에 양보하고, +1을 씁니다.',
        '락 아래에서는 갱신이 하나도 사라지지 않습니다. --no-lock: 사라진 갱신을 셉니다.',
        '--no-shared: 각자 따로 세고 gather로 합칩니다 — 락이 필요 없습니다.',
      ],
      options: {
        tasks: '태스크 수',
        increments: `태스크당 증가 횟수 (태스크 수 × 증가 횟수 ≤ ${grouped(MAX_INCREMENTS)}; 메모리는 일정하고, 증가 한 번마다 시간 ~15 µs, NDJSON 트레이스 ~570바이트가 늘어남)`,
        lock: '락 없이 실행: 사라진 갱신을 셉니다',
        shared: '공유하지 않기: 각 태스크가 따로 세고 gather로 합침 (락 불필요)',
      },
    },
    options: {
      tasks: { kind: 'int', default: 5, min: 1, max: 10_000, description: 'how many tasks' },
      increments: {
        kind: 'int',
        default: 1000,
        min: 1,
        max: MAX_INCREMENTS,
        description: `increments per task (tasks × increments ≤ ${grouped(MAX_INCREMENTS)}; memory stays flat; time and the NDJSON trace grow by ~15 µs and ~570 bytes per increment)`,
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
    // No timed waits: the tasks only yield to each other, so the run is as fast as the CPU.
    validate: ({ tasks, increments }, lang) => {
      if (tasks * increments <= MAX_INCREMENTS) return undefined;
      return lang === 'ko'
        ? `--tasks × --increments는 최대 ${MAX_INCREMENTS}입니다 (실행 시간과 트레이스가 함께 늘어남), 받은 값: ${tasks} × ${increments} = ${tasks * increments}`
        : `--tasks × --increments must be at most ${MAX_INCREMENTS} (a run's time and its trace grow with it), got ${tasks} × ${increments} = ${tasks * increments}`;
    },
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
    ko: {
      title: '이벤트로 기다리는 태스크에 신호 보내기',
      pattern: '신호 브로드캐스트',
      explanation: [
        '대기자들은 설정자가 이벤트를 set할 때까지 막혀 있고, set()은 모두를 깨웁니다.',
        '--clear: 바로 clear()하면 늦게 온 대기자는 다음 set()까지 막힙니다.',
      ],
      options: {
        waiters: '대기자 수',
        delay: '설정자가 이벤트를 set하기 전까지의 초',
        clear: 'set 뒤에 clear(): 늦게 온 대기자는 두 번째 set()까지 막힘',
      },
    },
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
    ko: {
      title: '크기 제한 큐로 생산자와 소비자 연결',
      pattern: '백프레셔가 있는 생산자–소비자',
      explanation: [
        '생산자가 Queue(maxsize 5)를 채우고 소비자 2개가 비웁니다: 큐가 가득 차면',
        'put()이 기다립니다(백프레셔). 소비자마다 넘겨주는 센티널 하나가 끝을 알립니다.',
      ],
      options: {
        items: '생산자가 만드는 항목 수',
        consumers: '소비자 수',
        maxsize: '큐 용량 (0 = 무제한: 백프레셔 없음)',
        end: '소비자가 멈추는 방법: 하나를 돌려 넘기는 null, 소비자마다 null, queue.shutdown() (요즘 방식)',
      },
    },
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
    ko: {
      title: '익스큐터로 블로킹 작업을 이벤트 루프 밖으로',
      pattern: 'run_in_executor',
      explanation: [
        '2초짜리 블로킹 호출이 워커 스레드에서 도는 동안(run_in_executor) 100ms마다',
        '뛰는 하트비트는 박자를 지킵니다. --inline: 2초 동안 멈춥니다.',
        '파이썬은 CPU 작업에 프로세스가 필요하지만(GIL), Node 스레드는 JS를 병렬로 돌립니다.',
      ],
      options: {
        block: '블로킹 호출 하나가 걸리는 초',
        heartbeat: '하트비트 간격 (밀리초)',
        inline: '호출을 메인 스레드에서: 하트비트가 멈춤',
        kind: '블로킹 호출: blockingSleep (Atomics.wait, 동기 I/O처럼) 또는 cpuWork (해싱)',
        jobs: '블로킹 호출 수',
        poolSize: '익스큐터의 워커 스레드 수',
      },
    },
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
    ko: {
      title: 'API 동시 호출 제한, 응답은 워커 스레드에서 처리',
      pattern: '세마포어 + 익스큐터',
      explanation: [
        '튜토리얼처럼 각 워커는 API 호출과 익스큐터의 CPU 1초 동안 Semaphore(5)의',
        '허가를 쥐고 있습니다: 전체에서 동시에 최대 5개.',
        '--release-early: CPU 작업 전에 허가를 돌려줍니다 (작업이 큐에 쌓임).',
      ],
      options: {
        workers: '워커 수',
        limit: '세마포어 허가 수: 동시에 호출하거나 처리하는 워커',
        poolSize: '익스큐터의 워커 스레드 수',
        cpu: `응답 하나의 CPU 초 (실제 시계: 전체 ${REAL_BUDGET_S}초가 넘으면 줄여서)`,
        releaseEarly: 'CPU 작업 전에 허가 반환: 빠르지만 익스큐터 큐가 늘어남',
        processes:
          'OS 프로세스 수, 각자 워커와 자기 Semaphore(limit)을 가짐: 합치면 제한을 넘고, 실행은 그것을 보여 주면 통과 (종료 코드 0) (0: 한 프로세스; 실제 시계 전용; 워커는 API 호출만 함)',
        redis:
          '--processes와 함께: 모든 프로세스가 Redis의 RedisSemaphore 하나를 공유 (url 없이: PATH의 redis-server를 임시 포트로 띄움)',
        killOne: `--redis와 함께: 허가를 쥔 프로세스 하나를 호출 도중 SIGKILL (그 허가는 리스 ${API_LIMIT_LEASE_MS / 1000}초 뒤에 돌아옴)`,
      },
    },
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
      processes: {
        kind: 'int',
        default: 0,
        min: 0,
        max: MAX_PROCESSES,
        quietDefault: true,
        description:
          'OS processes, each with its own workers and its own Semaphore(limit): together they exceed the limit, and the run passes (exit 0) when it shows that (0: one process; real clock only; the workers make the API call only)',
      },
      redis: {
        kind: 'text',
        default: '',
        bare: 'private',
        placeholder: 'url',
        quietDefault: true,
        description:
          'with --processes: one RedisSemaphore in Redis shared by every process (no url: a private redis-server from PATH on a free port)',
      },
      killOne: {
        kind: 'boolean',
        default: false,
        quietDefault: true,
        description: `with --redis: SIGKILL one process while it holds a permit mid-call (its permit comes back after the ${API_LIMIT_LEASE_MS / 1000} s lease)`,
      },
    },
    validate: (options, lang = 'en', run) => {
      const ko = lang === 'ko';
      const { processes, redis, killOne } = options;
      if (processes === 0 && (redis !== '' || killOne))
        return ko
          ? `${redis !== '' ? '--redis' : '--kill-one'}는 --processes <n>(1 이상)과 함께 씁니다: 여러 OS 프로세스 사이의 제한을 보여 줍니다`
          : `${redis !== '' ? '--redis' : '--kill-one'} needs --processes <n> (1 or more): it shows a limit across OS processes`;
      if (processes > 0 && run?.virtual === true)
        return ko
          ? '--virtual은 --processes와 함께 쓸 수 없습니다: 가상 시계는 한 프로세스 안에만 있어 OS 프로세스끼리 나눌 수 없습니다 (실제 시계로 실행하세요)'
          : '--virtual cannot be used with --processes: the virtual clock lives inside one process and separate OS processes cannot share it (run on the real clock)';
      if (killOne && redis === '')
        return ko
          ? '--kill-one은 --redis가 필요합니다: 죽은 프로세스의 허가를 리스 만료로 되찾는 것은 공유 RedisSemaphore뿐입니다'
          : "--kill-one needs --redis: only the shared RedisSemaphore gets a dead process's permit back (when its lease runs out)";
      if (killOne && processes < 2)
        return ko
          ? `--kill-one은 --processes 2 이상이 필요합니다 (하나는 죽고 나머지는 계속함), 받은 값: ${processes}`
          : `--kill-one needs --processes 2 or more (one is killed, the others go on), got ${processes}`;
      if (processes > 0 && options.releaseEarly)
        return ko
          ? '--release-early는 --processes와 함께 쓸 수 없습니다: 프로세스 모드의 워커는 CPU 작업 없이 API 호출만 합니다'
          : '--release-early cannot be used with --processes: in processes the workers make the API call only, there is no CPU work to release before';
      return undefined;
    },
    preflight: async (options, lang) => {
      if (options.processes === 0 || options.redis === '') return undefined;
      return (await import('./which.js')).redisPreflight(options.redis, lang);
    },
    // API calls (0.25 s on average) through `limit` permits, overlapped with the CPU work on the pool (real clock:
    // scaled down to REAL_BUDGET_S), then the last worker's own call and processing.
    estimate: (options) => {
      if (options.processes > 0) {
        // API calls only: each process's `limit` permits, or `limit` shared by all through Redis (plus a lease after a kill).
        const shared = options.redis !== '';
        const calls = (options.workers * (shared ? options.processes : 1) * MAX_LATENCY_MS) / 2;
        return calls / options.limit + MAX_LATENCY_MS / 2 + (options.killOne ? API_LIMIT_LEASE_MS : 0);
      }
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
    ko: {
      title: '태스크를 취소하고 정리가 돌게 하기',
      pattern: '정리가 있는 취소',
      explanation: [
        '10초짜리 태스크를 1초 뒤에 취소합니다: finally 블록이 정리하고, 호출한 쪽의',
        'await는 CancelledError를 던집니다. --swallow: 대신 값을 반환합니다.',
      ],
      options: {
        tasks: '취소할 태스크 수',
        work: '각 태스크의 작업 초',
        after: 'main이 취소하기 전까지의 초',
        cleanup: 'finally의 정리에 걸리는 초 (정리도 await함)',
        swallow: '태스크가 취소를 잡고 값을 반환 (cancelled()는 false)',
      },
    },
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
    estimate: ({ work, after, cleanup }) => 1000 * (after <= work ? after + cleanup : after),
    load: () => import('./cancel.js'),
  }),
];

/** The demo called `name`, if there is one. */
export function findDemo(name: string): AnyDemoInfo | undefined {
  return DEMOS.find((info) => info.name === name);
}
