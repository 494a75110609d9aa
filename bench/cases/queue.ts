/**
 * Case 4: a bounded producer/consumer queue (capacity 100) carrying N items,
 * with 1 producer / 1 consumer and 4 / 4. The floor is the same tasks doing
 * one `await null` per item each instead of a put or a get.
 *
 * Peers: @esfx/async-queue is unbounded, so its bound is an
 * @esfx/async-semaphore of 100 slots (wait before put, release after get);
 * p-queue is a task queue, so a "put" waits for `onSizeLessThan(100)` and adds
 * a job that consumes the item, with `concurrency` = the number of consumers.
 *
 * Every variant checks what came out: with one consumer, every item in order;
 * with four, every item exactly once (count and sum).
 */

import { AsyncQueue } from '@esfx/async-queue';
import { AsyncSemaphore } from '@esfx/async-semaphore';
import PQueue from 'p-queue';
import { caseArgs, compare, emit, type Sample, type Variant } from '../harness.js';
import { loadLibrary } from '../lib.js';

const CAPACITY = 100;
const { quick } = caseArgs();
const lib = await loadLibrary();
const items = quick ? 100_000 : 1_000_000;
const opts = quick
  ? { rounds: 3, warmup: 1, gc: 'minor' as const }
  : { rounds: 7, warmup: 1, gc: 'minor' as const };

/** Tracks what the consumers received. */
class Tally {
  count = 0;
  sum = 0;
  inOrder = true;

  constructor(
    readonly consumers: number,
    readonly items: number,
  ) {}

  take(item: number): void {
    if (this.consumers === 1 && item !== this.count) this.inOrder = false;
    this.count++;
    this.sum += item;
  }

  result(): Sample {
    const { items } = this;
    const expected = (items * (items - 1)) / 2;
    if (this.count !== items || this.sum !== expected) {
      return { ops: items, broken: `${this.count}/${items} items received, sum ${this.sum} ≠ ${expected}` };
    }
    if (!this.inOrder) return { ops: items, broken: 'items out of order with one consumer' };
    return { ops: items };
  }
}

interface Workload {
  name: string;
  role: Variant['role'];
  key?: string;
  /** Moves `items` items through; reports what came out. */
  run(items: number): Promise<Sample>;
}

/** Samples move every item; the prime after the pre-sample GC moves a tenth of them. */
function asVariant(w: Workload): Variant {
  return {
    name: w.name,
    role: w.role,
    key: w.key,
    sample: () => w.run(items),
    prime: async () => {
      await w.run(items / 10);
    },
  };
}

function variants(producers: number, consumers: number): Variant[] {
  const workloads: Workload[] = [
    {
      name: `await null ×2 per item (floor)`,
      role: 'floor',
      async run(items) {
        const perConsumer = items / consumers;
        const tally = new Tally(consumers, items);
        const producer = async (p: number) => {
          for (let i = p; i < items; i += producers) await null;
        };
        const consumer = async () => {
          for (let i = 0; i < perConsumer; i++) {
            await null;
            tally.take(tally.count);
          }
        };
        const tasks: Promise<void>[] = [];
        for (let p = 0; p < producers; p++) tasks.push(producer(p));
        for (let c = 0; c < consumers; c++) tasks.push(consumer());
        await Promise.all(tasks);
        return tally.result();
      },
    },
    {
      name: `Queue(${CAPACITY}): put / get`,
      role: 'ours',
      key: 'queue',
      async run(items) {
        const perConsumer = items / consumers;
        const q = new lib.Queue<number>(CAPACITY);
        const tally = new Tally(consumers, items);
        const producer = async (p: number) => {
          for (let i = p; i < items; i += producers) await q.put(i);
        };
        const consumer = async () => {
          for (let i = 0; i < perConsumer; i++) tally.take(await q.get());
        };
        const tasks: Promise<void>[] = [];
        for (let p = 0; p < producers; p++) tasks.push(producer(p));
        for (let c = 0; c < consumers; c++) tasks.push(consumer());
        await Promise.all(tasks);
        return tally.result();
      },
    },
    {
      name: `@esfx AsyncQueue + AsyncSemaphore(${CAPACITY})`,
      role: 'peer',
      async run(items) {
        const perConsumer = items / consumers;
        const q = new AsyncQueue<number>();
        const slots = new AsyncSemaphore(CAPACITY);
        const tally = new Tally(consumers, items);
        const producer = async (p: number) => {
          for (let i = p; i < items; i += producers) {
            await slots.wait();
            q.put(i);
          }
        };
        const consumer = async () => {
          for (let i = 0; i < perConsumer; i++) {
            tally.take(await q.get());
            slots.release();
          }
        };
        const tasks: Promise<void>[] = [];
        for (let p = 0; p < producers; p++) tasks.push(producer(p));
        for (let c = 0; c < consumers; c++) tasks.push(consumer());
        await Promise.all(tasks);
        return tally.result();
      },
    },
    {
      name: `p-queue({ concurrency: ${consumers} }) + onSizeLessThan(${CAPACITY})`,
      role: 'peer',
      async run(items) {
        const q = new PQueue({ concurrency: consumers });
        const tally = new Tally(consumers, items);
        const producer = async (p: number) => {
          for (let i = p; i < items; i += producers) {
            await q.onSizeLessThan(CAPACITY);
            q.add(() => tally.take(i));
          }
        };
        const tasks: Promise<void>[] = [];
        for (let p = 0; p < producers; p++) tasks.push(producer(p));
        await Promise.all(tasks);
        await q.onIdle();
        return tally.result();
      },
    },
  ];
  return workloads.map(asVariant);
}

const groups = [
  await compare(
    `Queue(${CAPACITY}), ${items.toLocaleString('en-US')} items, 1 producer / 1 consumer`,
    'item',
    'await null ×2 per item (floor)',
    variants(1, 1),
    opts,
  ),
  await compare(
    `Queue(${CAPACITY}), ${items.toLocaleString('en-US')} items, 4 producers / 4 consumers`,
    'item',
    'await null ×2 per item (floor)',
    variants(4, 4),
    opts,
  ),
];
emit({
  id: '4',
  title: 'Bounded producer/consumer queue',
  groups,
  notes: [
    'ns per item (one put and one get). The floor: the same producer and consumer tasks doing one `await null` per item each.',
    '@esfx/async-queue has no bound: a 100-slot @esfx/async-semaphore provides it. p-queue runs jobs, not items: a put is `await onSizeLessThan(100)` + `add(job)`, and its workers are the consumers.',
    'Checked on every sample: every item received exactly once (count and sum), and in order with one consumer.',
  ],
});
