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

/** The same map in Korean: the topics translated, what to run unchanged. */
const KO_TOPICS = {
  samples: [
    '1 create_task: 코루틴을 동시에 실행',
    '2 gather / as_completed',
    '3 세마포어: 동시성 제한',
    '4 락: 공유 상태 보호',
    '5 이벤트: 기다리는 태스크에 신호',
    '6 큐: 생산자–소비자',
    '7 run_in_executor: 블로킹 작업',
    '8 세마포어 + 익스큐터: API 호출',
    '9 cancel()과 정리',
  ],
  points: [
    '동시성은 명시적으로 제한',
    '공유 상태는 줄이고, 남은 것은 락으로',
    'gather와 as_completed 중 골라 쓰기',
    '블로킹 작업은 루프 밖으로',
    '취소와 정리를 미리 설계',
    '시간, 난수, I/O를 추상화',
  ],
} as const;

/** The tutorial map in one language. */
export interface TutorialMap {
  samplesTitle: string;
  pointsTitle: string;
  samples: readonly TutorialEntry[];
  points: readonly TutorialEntry[];
}

export const TUTORIAL: Readonly<Record<'en' | 'ko', TutorialMap>> = {
  en: {
    samplesTitle: TUTORIAL_TEXT.samples,
    pointsTitle: TUTORIAL_TEXT.points,
    samples: SAMPLES,
    points: POINTS,
  },
  ko: {
    samplesTitle: '튜토리얼, 샘플별로',
    pointsTitle: '튜토리얼의 설계 포인트',
    samples: SAMPLES.map((entry, i) => ({ ...entry, topic: KO_TOPICS.samples[i]! })),
    points: POINTS.map((entry, i) => ({ ...entry, topic: KO_TOPICS.points[i]! })),
  },
};
