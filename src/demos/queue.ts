/**
 * queue — producer–consumer with backpressure, with the tutorial's numbers: a
 * producer makes 10 items (0–0.5 s each) into a Queue(maxsize 5); 2 consumers
 * take 0–1 s per item. When the queue is full, `put()` waits for a free slot:
 * the producer is slowed to the consumers' pace. The producer ends the run
 * with one sentinel (`null`, Python's `None`) that each consumer puts back
 * for the next one before it stops. As in asyncio:
 *
 *     queue = asyncio.Queue(maxsize=5)
 *     async def producer():
 *         for i in range(10): await queue.put(i)
 *         await queue.put(None)
 *     async def consumer():
 *         while (item := await queue.get()) is not None: await process(item)
 *         await queue.put(None)   # pass the sentinel on
 *
 * `--end per-consumer` puts one sentinel per consumer instead; `--end
 * shutdown` calls `queue.shutdown()` (Python 3.13): the consumers drain what
 * is left, then `get()` raises `QueueShutDown` — no value reserved as an end
 * marker, no count of consumers to keep right, and a late `put()` fails
 * instead of going unread.
 */
import type { CancelToken } from '../primitives/cancel-token.js';
import { QueueShutDown } from '../primitives/errors.js';
import { gather } from '../primitives/gather.js';
import { Queue } from '../primitives/queue.js';
import type { TraceEvent } from '../trace/types.js';
import { finishedOk } from './checks.js';
import { type DemoContext, defineDemo } from './contract.js';
import { MAX_PROCESS_MS, MAX_PRODUCE_MS } from './timing.js';

export interface QueueOptions {
  items: number;
  consumers: number;
  maxsize: number;
  end: 'sentinel' | 'per-consumer' | 'shutdown';
}

const QUEUE = 'queue';
const PRODUCER = 'producer';
const CONSUMER = 'consumer-';

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** Every human-readable text of this demo, as functions of their values (one place, for translation). */
const en = {
  setup: (consumers: number) =>
    `the producer takes 0–${MAX_PRODUCE_MS / 1000} s to make each item; ${plural(consumers, 'consumer')} take 0–${MAX_PROCESS_MS / 1000} s to process one`,
  bounded: (maxsize: number) =>
    `Queue(maxsize ${maxsize}): once it is full, put() waits for a consumer to take an item — backpressure`,
  unbounded: () => 'Queue(maxsize 0) is unbounded: put() never waits, the queue just grows',
  oneSentinel: (items: number) =>
    `all ${items} items in; now one sentinel (null): each consumer that gets it puts it back for the next, then stops`,
  perConsumer: (items: number, consumers: number) =>
    `all ${items} items in; now one sentinel (null) per consumer — ${consumers} — so each one knows to stop`,
  shutdown: (items: number) =>
    `all ${items} items in; shutdown(): the consumers drain what is left, then get() raises QueueShutDown`,
  whyShutdown: () =>
    'shutdown() is the modern way (Python 3.13): no value reserved as an end marker, no count of consumers to keep right, every blocked get() wakes, and a late put() fails instead of going unread',
  passOn: () => 'got the sentinel: puts it back for the next consumer, then stops',
  doneWaited: (waited: number) =>
    `all done: ${plural(waited, 'put')} had to wait for a free slot — the producer went at the consumers' pace`,
  doneNoWait: () => 'all done: no put had to wait — the queue never filled up',
  doneUnbounded: (peak: number) =>
    `all done: unbounded, the producer never waited; the queue peaked at ${plural(peak, 'item')}`,
  stoppedAfter: (made: number, items: number) => `stopped after putting ${made} of ${items} items`,
  stoppedBetween: () => 'stopped between items',
  unfinished: (item: number) => `item ${item} left unfinished`,
  checkItems: 'every item consumed exactly once',
  never: (item: number, verb: 'put' | 'consumed', missing: number) =>
    `item ${item} never ${verb} (${missing} missing)`,
  twice: (item: number, verb: 'put' | 'consumed') => `item ${item} ${verb} twice`,
  strays: (strays: number, verb: 'put' | 'consumed') => `${strays} unexpected items ${verb}`,
  itemsOk: (items: number) => `${items}/${items} items, none lost or duplicated`,
  checkSize: 'size never above maxsize',
  size: (max: number, maxsize: number) => `max size ${max} ${max <= maxsize ? '≤' : '>'} maxsize ${maxsize}`,
  checkWaits: 'puts wait only when full',
  waitedWithRoom: (task: string, size: number, maxsize: number) =>
    `${task} waited to put at size ${size}/${maxsize || '∞'}`,
  neverPut: (task: string) => `${task} waited to put and never did`,
  unboundedOk: (peak: number) => `unbounded: the producer never waited, the queue peaked at ${peak}`,
  keptUp: () => 'no put waited: the consumers kept up',
  waitsOk: (waits: number, maxsize: number) =>
    `${plural(waits, 'put')} waited at ${maxsize}/${maxsize} (backpressure), each went in once a slot freed`,
  checkStop: 'every consumer stopped cleanly',
  endedOk: (done: number, consumers: number) => `${done}/${consumers} consumers ended ok`,
  relayOk: (consumers: number) => `${consumers}/${consumers} got the one sentinel and passed it on`,
  relayBroken: (sentinels: number, gotOnce: number, passed: number, consumers: number) =>
    `${plural(sentinels, 'sentinel')} put by the producer, ${gotOnce}/${consumers} got it once, ${passed}/${consumers} passed it on`,
  eachOk: (consumers: number) => `${consumers}/${consumers} got one sentinel each`,
  eachBroken: (once: number, consumers: number) => `${once}/${consumers} got exactly one sentinel`,
  neverShut: () => 'the queue was never shut down',
  stoppedEarly: (task: string) => `${task} stopped before shutdown()`,
  shutOk: (consumers: number) => `${consumers}/${consumers} stopped after shutdown(), the queue drained`,
};

const ko: typeof en = {
  setup: (consumers) =>
    `생산자는 항목 하나를 만드는 데 0–${MAX_PRODUCE_MS / 1000}초, 소비자 ${consumers}개는 하나를 처리하는 데 0–${MAX_PROCESS_MS / 1000}초가 걸립니다`,
  bounded: (maxsize) =>
    `Queue(maxsize ${maxsize}): 가득 차면 put()은 소비자가 항목을 가져갈 때까지 기다립니다 — 백프레셔`,
  unbounded: () => 'Queue(maxsize 0)는 크기 제한이 없습니다: put()은 기다리지 않고 큐만 계속 커집니다',
  oneSentinel: (items) =>
    `항목 ${items}개를 모두 넣었습니다. 이제 센티널(null) 하나: 받은 소비자는 다음 소비자를 위해 다시 넣고 멈춥니다`,
  perConsumer: (items, consumers) =>
    `항목 ${items}개를 모두 넣었습니다. 이제 소비자마다 센티널(null) 하나씩 — ${consumers}개 — 넣어 각자 멈출 때를 알게 합니다`,
  shutdown: (items) =>
    `항목 ${items}개를 모두 넣었습니다. shutdown(): 소비자는 남은 것을 비운 뒤 get()에서 QueueShutDown을 받습니다`,
  whyShutdown: () =>
    'shutdown()이 요즘 방식입니다 (Python 3.13): 끝 표시로 쓸 값을 따로 정할 필요도, 소비자 수를 맞출 필요도 없고, 막혀 있던 get()은 모두 깨어나며, 늦은 put()은 읽히지 않고 묻히는 대신 실패합니다',
  passOn: () => '센티널을 받음: 다음 소비자를 위해 다시 넣고 멈춥니다',
  doneWaited: (waited) =>
    `모두 완료: put ${waited}번이 빈자리를 기다렸습니다 — 생산자가 소비자의 속도에 맞춰졌습니다`,
  doneNoWait: () => '모두 완료: 기다린 put이 없습니다 — 큐가 가득 찬 적이 없습니다',
  doneUnbounded: (peak) =>
    `모두 완료: 제한이 없어 생산자는 기다리지 않았고, 큐는 최대 ${peak}개까지 찼습니다`,
  stoppedAfter: (made, items) => `항목 ${items}개 중 ${made}개를 넣은 뒤 멈춤`,
  stoppedBetween: () => '항목 사이에서 멈춤',
  unfinished: (item) => `항목 ${item} 처리를 끝내지 못함`,
  checkItems: '모든 항목을 정확히 한 번씩 소비',
  never: (item, verb, missing) =>
    `항목 ${item}: ${verb === 'put' ? '넣은' : '소비한'} 적 없음 (${missing}개 빠짐)`,
  twice: (item, verb) => `항목 ${item}: 두 번 ${verb === 'put' ? '넣음' : '소비함'}`,
  strays: (strays, verb) => `예상하지 못한 항목 ${strays}개를 ${verb === 'put' ? '넣음' : '소비함'}`,
  itemsOk: (items) => `항목 ${items}/${items}개, 잃어버리거나 중복된 것 없음`,
  checkSize: '크기가 maxsize를 넘지 않음',
  size: (max, maxsize) => `최대 크기 ${max} ${max <= maxsize ? '≤' : '>'} maxsize ${maxsize}`,
  checkWaits: 'put은 가득 찼을 때만 기다림',
  waitedWithRoom: (task, size, maxsize) => `${task}: 크기 ${size}/${maxsize || '∞'}에서 put을 기다림`,
  neverPut: (task) => `${task}: put을 기다리다 끝내 넣지 못함`,
  unboundedOk: (peak) => `제한 없음: 생산자는 기다리지 않았고, 큐는 최대 ${peak}개까지 참`,
  keptUp: () => '기다린 put 없음: 소비자가 따라잡음',
  waitsOk: (waits, maxsize) =>
    `put ${waits}번이 ${maxsize}/${maxsize}에서 기다림 (백프레셔), 자리가 나자마자 각각 들어감`,
  checkStop: '모든 소비자가 깔끔하게 멈춤',
  endedOk: (done, consumers) => `소비자 ${done}/${consumers}개가 정상 종료`,
  relayOk: (consumers) => `${consumers}/${consumers}개가 하나뿐인 센티널을 받아 넘겨줌`,
  relayBroken: (sentinels, gotOnce, passed, consumers) =>
    `생산자가 넣은 센티널 ${sentinels}개, 한 번 받은 소비자 ${gotOnce}/${consumers}개, 넘겨준 소비자 ${passed}/${consumers}개`,
  eachOk: (consumers) => `${consumers}/${consumers}개가 센티널을 하나씩 받음`,
  eachBroken: (once, consumers) => `센티널을 정확히 하나 받은 소비자 ${once}/${consumers}개`,
  neverShut: () => '큐가 shutdown되지 않음',
  stoppedEarly: (task) => `${task}: shutdown() 전에 멈춤`,
  shutOk: (consumers) => `${consumers}/${consumers}개가 shutdown() 뒤에 멈춤, 큐는 비워짐`,
};

export const TEXT = { en, ko };

type Item = number | null;

/** The items that went into and came out of the queue (sentinels apart), and the sentinels each task got and put. */
function traffic(events: readonly TraceEvent[]) {
  const put: number[] = [];
  const got: number[] = [];
  const sentinels = new Map<string, number>();
  const sentinelPuts = new Map<string, number>();
  const count = (map: Map<string, number>, task: string) => map.set(task, (map.get(task) ?? 0) + 1);
  for (const event of events) {
    if (event.resource !== QUEUE) continue;
    const item = event.data?.item;
    if (event.type === 'put') {
      if (item === null) count(sentinelPuts, event.task);
      else put.push(item as number);
    }
    if (event.type === 'get') {
      if (item === null) count(sentinels, event.task);
      else got.push(item as number);
    }
  }
  return { put, got, sentinels, sentinelPuts };
}

/** `[1, 2, 4]` with `n` 4 → missing [3]; duplicates listed once each. */
function accountFor(items: readonly number[], n: number): { missing: number[]; duplicated: number[] } {
  const seen = new Uint32Array(n + 1);
  const duplicated: number[] = [];
  for (const item of items) {
    if (Number.isInteger(item) && item >= 1 && item <= n && seen[item]++ === 1) duplicated.push(item);
  }
  const missing: number[] = [];
  for (let i = 1; i <= n; i++) if (seen[i] === 0) missing.push(i);
  return { missing, duplicated };
}

export default defineDemo<QueueOptions>({
  checks: [
    {
      name: TEXT.en.checkItems,
      ko: '모든 항목을 정확히 한 번씩 소비',
      verify(events, { items }, lang = 'en') {
        const t = TEXT[lang];
        const { put, got } = traffic(events);
        for (const [verb, list] of [
          ['put', put],
          ['consumed', got],
        ] as const) {
          const { missing, duplicated } = accountFor(list, items);
          const strays = list.length - (items - missing.length) - duplicated.length;
          if (missing.length > 0) return { ok: false, detail: t.never(missing[0]!, verb, missing.length) };
          if (duplicated.length > 0) return { ok: false, detail: t.twice(duplicated[0]!, verb) };
          if (strays > 0) return { ok: false, detail: t.strays(strays, verb) };
        }
        return { ok: true, detail: t.itemsOk(items) };
      },
    },
    {
      name: TEXT.en.checkSize,
      ko: '크기가 maxsize를 넘지 않음',
      when: ({ maxsize }) => maxsize > 0,
      verify(events, { maxsize }, lang = 'en') {
        const t = TEXT[lang];
        const max = peakSize(events);
        return { ok: max <= maxsize, detail: t.size(max, maxsize) };
      },
    },
    {
      name: TEXT.en.checkWaits,
      ko: 'put은 가득 찼을 때만 기다림',
      verify(events, { maxsize }, lang = 'en') {
        const t = TEXT[lang];
        let waits = 0;
        const pending = new Set<string>();
        for (const event of events) {
          if (event.resource !== QUEUE) continue;
          if (event.type === 'wait' && event.data?.op === 'put') {
            const size = Number(event.state?.size);
            if (maxsize === 0 || size < maxsize)
              return { ok: false, detail: t.waitedWithRoom(event.task, size, maxsize) };
            waits++;
            pending.add(event.task);
          } else if (event.type === 'put') pending.delete(event.task);
        }
        if (pending.size > 0) return { ok: false, detail: t.neverPut([...pending][0]!) };
        if (maxsize === 0) return { ok: true, detail: t.unboundedOk(peakSize(events)) };
        if (waits === 0) return { ok: true, detail: t.keptUp() };
        return { ok: true, detail: t.waitsOk(waits, maxsize) };
      },
    },
    {
      name: TEXT.en.checkStop,
      ko: '모든 소비자가 깔끔하게 멈춤',
      verify(events, { consumers, end }, lang = 'en') {
        const t = TEXT[lang];
        const done = finishedOk(events, CONSUMER);
        if (done !== consumers) return { ok: false, detail: t.endedOk(done, consumers) };
        const { sentinels, sentinelPuts } = traffic(events);
        const once = [...sentinels.values()].filter((count) => count === 1).length;
        if (end === 'sentinel') {
          const byProducer = sentinelPuts.get(PRODUCER) ?? 0;
          const passed = [...sentinelPuts].filter(
            ([task, count]) => task.startsWith(CONSUMER) && count === 1 && sentinels.get(task) === 1,
          ).length;
          const ok =
            byProducer === 1 && once === consumers && sentinels.size === consumers && passed === consumers;
          return {
            ok,
            detail: ok ? t.relayOk(consumers) : t.relayBroken(byProducer, once, passed, consumers),
          };
        }
        if (end === 'per-consumer') {
          const ok = once === consumers && sentinels.size === consumers;
          return { ok, detail: ok ? t.eachOk(consumers) : t.eachBroken(once, consumers) };
        }
        const shutdown = events.findIndex(
          (event) => event.type === 'queue.shutdown' && event.resource === QUEUE,
        );
        const early = events.findIndex(
          (event, index) => event.type === 'task.end' && event.task.startsWith(CONSUMER) && index < shutdown,
        );
        if (shutdown < 0) return { ok: false, detail: t.neverShut() };
        if (early >= 0 || sentinels.size > 0)
          return { ok: false, detail: t.stoppedEarly(events[early]?.task ?? `${CONSUMER}?`) };
        return { ok: true, detail: t.shutOk(consumers) };
      },
    },
  ],

  async run(ctx) {
    const t = TEXT[ctx.lang];
    const { items, consumers, maxsize } = ctx.options;
    const queue = new Queue<Item>(maxsize, { name: QUEUE, tracer: ctx.tracer });
    // Drawn up front, one pair per item: the seed alone fixes every time, whoever takes the item.
    const making = Array.from({ length: items + 1 }, () => ctx.random.int(0, MAX_PRODUCE_MS));
    const costs = Array.from({ length: items + 1 }, () => ctx.random.int(0, MAX_PROCESS_MS));
    ctx.log(t.setup(consumers));
    ctx.log(maxsize > 0 ? t.bounded(maxsize) : t.unbounded());
    let peak = 0;
    const produced = ctx.task(PRODUCER, (signal) =>
      producer(ctx, queue, making, signal, () => {
        peak = Math.max(peak, queue.qsize());
      }),
    );
    const tasks = [];
    for (let i = 1; i <= consumers; i++) {
      tasks.push(ctx.task(`${CONSUMER}${i}`, (signal) => consumer(ctx, queue, costs, signal)));
    }
    const [waited] = await gather([produced, ...tasks]);
    if (maxsize === 0) ctx.log(t.doneUnbounded(peak));
    else ctx.log(waited > 0 ? t.doneWaited(waited) : t.doneNoWait());
  },
});

/** The most items the queue held at once. */
function peakSize(events: readonly TraceEvent[]): number {
  let max = 0;
  for (const event of events) {
    if (event.resource === QUEUE && typeof event.state?.size === 'number')
      max = Math.max(max, event.state.size);
  }
  return max;
}

/** Makes and puts the items, then the end marker; returns how many puts found the queue full. */
async function producer(
  ctx: DemoContext<QueueOptions>,
  queue: Queue<Item>,
  making: readonly number[],
  signal: CancelToken,
  onPut: () => void,
): Promise<number> {
  const t = TEXT[ctx.lang];
  const { items, consumers, end } = ctx.options;
  let made = 0;
  let waited = 0;
  const put = async (item: Item): Promise<void> => {
    if (queue.full()) waited++;
    await queue.put(item, { signal });
    onPut();
  };
  try {
    for (let i = 1; i <= items; i++) {
      await ctx.sleep(making[i]!, { signal, note: 'make an item' });
      await put(i);
      made = i;
    }
    if (end === 'sentinel') {
      ctx.log(t.oneSentinel(items));
      await put(null);
    } else if (end === 'per-consumer') {
      ctx.log(t.perConsumer(items, consumers));
      for (let i = 0; i < consumers; i++) await put(null);
    } else {
      ctx.log(t.shutdown(items));
      ctx.log(t.whyShutdown());
      queue.shutdown();
    }
    return waited;
  } finally {
    if (signal.aborted) ctx.cleanup(t.stoppedAfter(made, items));
  }
}

async function consumer(
  ctx: DemoContext<QueueOptions>,
  queue: Queue<Item>,
  costs: readonly number[],
  signal: CancelToken,
): Promise<void> {
  const t = TEXT[ctx.lang];
  let current: number | undefined;
  try {
    for (;;) {
      let item: Item;
      try {
        item = await queue.get({ signal });
      } catch (err) {
        if (err instanceof QueueShutDown) return;
        throw err;
      }
      if (item === null) {
        if (ctx.options.end === 'sentinel') {
          ctx.log(t.passOn());
          await queue.put(null, { signal });
        }
        return;
      }
      current = item;
      await ctx.sleep(costs[item]!, { signal, note: `process item ${item}` });
      current = undefined;
    }
  } finally {
    if (signal.aborted) ctx.cleanup(current === undefined ? t.stoppedBetween() : t.unfinished(current));
  }
}
