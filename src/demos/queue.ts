/**
 * queue — producer–consumer with backpressure. A producer makes an item every
 * 0.1 s; consumers take 0.5–1.5 s per item. The bounded Queue fills up and
 * `put()` waits for a free slot: the producer is slowed to the consumers'
 * pace. The producer ends the run with one sentinel (`null`, Python's `None`)
 * per consumer. As in asyncio:
 *
 *     queue = asyncio.Queue(maxsize=5)
 *     async def producer():
 *         for i in range(10): await queue.put(i)
 *         for _ in consumers: await queue.put(None)
 *     async def consumer():
 *         while (item := await queue.get()) is not None: await process(item)
 *
 * `--end shutdown` ends with `queue.shutdown()` instead (Python 3.13): the
 * consumers drain what is left, then `get()` raises `QueueShutDown`.
 */
import { QueueShutDown } from '../primitives/errors.js';
import { gather } from '../primitives/gather.js';
import { Queue } from '../primitives/queue.js';
import type { TraceEvent } from '../trace/types.js';
import { finishedOk } from './checks.js';
import { type DemoContext, defineDemo } from './contract.js';
import { ITEM_COST_MS, PRODUCE_MS } from './timing.js';

export interface QueueOptions {
  items: number;
  consumers: number;
  maxsize: number;
  end: 'sentinel' | 'shutdown';
}

const QUEUE = 'queue';
const PRODUCER = 'producer';
const CONSUMER = 'consumer-';

type Item = number | null;

/** The items that went into and came out of the queue (sentinels apart), and the sentinels each task got. */
function traffic(events: readonly TraceEvent[]) {
  const put: number[] = [];
  const got: number[] = [];
  const sentinels = new Map<string, number>();
  for (const event of events) {
    if (event.resource !== QUEUE) continue;
    const item = event.data?.item;
    if (event.type === 'put' && item !== null) put.push(item as number);
    if (event.type === 'get') {
      if (item === null) sentinels.set(event.task, (sentinels.get(event.task) ?? 0) + 1);
      else got.push(item as number);
    }
  }
  return { put, got, sentinels };
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
      name: 'every item consumed exactly once',
      verify(events, { items }) {
        const { put, got } = traffic(events);
        for (const [verb, list] of [
          ['put', put],
          ['consumed', got],
        ] as const) {
          const { missing, duplicated } = accountFor(list, items);
          const strays = list.length - (items - missing.length) - duplicated.length;
          if (missing.length > 0)
            return { ok: false, detail: `item ${missing[0]} never ${verb} (${missing.length} missing)` };
          if (duplicated.length > 0) return { ok: false, detail: `item ${duplicated[0]} ${verb} twice` };
          if (strays > 0) return { ok: false, detail: `${strays} unexpected items ${verb}` };
        }
        return { ok: true, detail: `${items}/${items} items, none lost or duplicated` };
      },
    },
    {
      name: 'size never above maxsize',
      when: ({ maxsize }) => maxsize > 0,
      verify(events, { maxsize }) {
        let max = 0;
        for (const event of events) {
          if (event.resource === QUEUE && typeof event.state?.size === 'number')
            max = Math.max(max, event.state.size);
        }
        return {
          ok: max <= maxsize,
          detail: `max size ${max} ${max <= maxsize ? '≤' : '>'} maxsize ${maxsize}`,
        };
      },
    },
    {
      name: 'puts wait only when full',
      verify(events, { maxsize }) {
        let waits = 0;
        const pending = new Set<string>();
        for (const event of events) {
          if (event.resource !== QUEUE) continue;
          if (event.type === 'wait' && event.data?.op === 'put') {
            const size = Number(event.state?.size);
            if (maxsize === 0 || size < maxsize) {
              return { ok: false, detail: `${event.task} waited to put at size ${size}/${maxsize || '∞'}` };
            }
            waits++;
            pending.add(event.task);
          } else if (event.type === 'put') pending.delete(event.task);
        }
        if (pending.size > 0) return { ok: false, detail: `${[...pending][0]} waited to put and never did` };
        if (waits === 0) return { ok: true, detail: 'no put waited: the consumers kept up' };
        return {
          ok: true,
          detail: `${waits} put${waits === 1 ? '' : 's'} waited at ${maxsize}/${maxsize} (backpressure), each went in once a slot freed`,
        };
      },
    },
    {
      name: 'every consumer stopped cleanly',
      verify(events, { consumers, end }) {
        const done = finishedOk(events, CONSUMER);
        if (done !== consumers) return { ok: false, detail: `${done}/${consumers} consumers ended ok` };
        const { sentinels } = traffic(events);
        if (end === 'sentinel') {
          const once = [...sentinels.values()].filter((count) => count === 1).length;
          const ok = once === consumers && sentinels.size === consumers;
          return {
            ok,
            detail: ok
              ? `${consumers}/${consumers} got one sentinel each`
              : `${once}/${consumers} got exactly one sentinel`,
          };
        }
        const shutdown = events.findIndex(
          (event) => event.type === 'queue.shutdown' && event.resource === QUEUE,
        );
        const early = events.findIndex(
          (event, index) => event.type === 'task.end' && event.task.startsWith(CONSUMER) && index < shutdown,
        );
        if (shutdown < 0) return { ok: false, detail: 'the queue was never shut down' };
        if (early >= 0 || sentinels.size > 0)
          return { ok: false, detail: `${events[early]?.task ?? 'a consumer'} stopped before shutdown()` };
        return { ok: true, detail: `${consumers}/${consumers} stopped after shutdown(), the queue drained` };
      },
    },
  ],

  async run(ctx) {
    const { items, consumers, maxsize } = ctx.options;
    const queue = new Queue<Item>(maxsize, { name: QUEUE, tracer: ctx.tracer });
    // Drawn up front, one per item: the seed alone fixes every cost, whoever takes the item.
    const costs = Array.from({ length: items + 1 }, () => ctx.random.int(ITEM_COST_MS.min, ITEM_COST_MS.max));
    ctx.log(
      `the producer makes an item every ${PRODUCE_MS / 1000} s; ${consumers} consumer${consumers === 1 ? '' : 's'} take 0.5–1.5 s each`,
    );
    ctx.log(
      maxsize > 0
        ? `Queue(maxsize ${maxsize}): once it is full, put() waits for a consumer to take an item — backpressure`
        : 'Queue(maxsize 0) is unbounded: put() never waits, the queue just grows',
    );
    const making = ctx.task(PRODUCER, (signal) => producer(ctx, queue, signal));
    const tasks = [];
    for (let i = 1; i <= consumers; i++) {
      tasks.push(ctx.task(`${CONSUMER}${i}`, (signal) => consumer(ctx, queue, costs, signal)));
    }
    const [waited] = await gather([making, ...tasks]);
    const puts = `${waited} put${waited === 1 ? '' : 's'}`;
    ctx.log(
      waited > 0
        ? `all done: ${puts} had to wait for a free slot — the producer went at the consumers' pace`
        : 'all done: no put had to wait — the queue never filled up',
    );
  },
});

/** Makes and puts the items, then the end marker; returns how many puts found the queue full. */
async function producer(
  ctx: DemoContext<QueueOptions>,
  queue: Queue<Item>,
  signal: AbortSignal,
): Promise<number> {
  const { items, consumers, end } = ctx.options;
  let made = 0;
  let waited = 0;
  const put = (item: Item): Promise<void> => {
    if (queue.full()) waited++;
    return queue.put(item, { signal });
  };
  try {
    for (let i = 1; i <= items; i++) {
      await ctx.sleep(PRODUCE_MS, { signal, note: 'make an item' });
      await put(i);
      made = i;
    }
    if (end === 'sentinel') {
      ctx.log(`all ${items} items in; now one sentinel (null) per consumer, so each one knows to stop`);
      for (let i = 0; i < consumers; i++) await put(null);
    } else {
      ctx.log(
        `all ${items} items in; shutdown(): the consumers drain what is left, then get() raises QueueShutDown`,
      );
      queue.shutdown();
    }
    return waited;
  } finally {
    if (signal.aborted) ctx.cleanup(`stopped after putting ${made} of ${items} items`);
  }
}

async function consumer(
  ctx: DemoContext<QueueOptions>,
  queue: Queue<Item>,
  costs: readonly number[],
  signal: AbortSignal,
): Promise<void> {
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
      if (item === null) return;
      current = item;
      await ctx.sleep(costs[item]!, { signal, note: `process item ${item}` });
      current = undefined;
    }
  } finally {
    if (signal.aborted)
      ctx.cleanup(current === undefined ? 'stopped between items' : `item ${current} left unfinished`);
  }
}
