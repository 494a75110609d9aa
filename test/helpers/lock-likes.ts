import { type Acquirable, BoundedSemaphore, Condition, Lock, Semaphore } from '../../src/index.js';

/** One lock-like primitive under test, with the observations the contract suites need. */
export interface LockLike {
  readonly primitive: Acquirable;
  /** How many permits it starts with (1 for a lock). */
  readonly permits: number;
  /** Permits free right now. */
  free(): number;
  /** Acquirers parked right now. */
  waiting(): number;
}

export interface LockLikeFactory {
  name: string;
  permits: number;
  make(): LockLike;
}

const lockView = (lock: Lock, primitive: Acquirable = lock): LockLike => ({
  primitive,
  permits: 1,
  free: () => (lock.locked() ? 0 : 1),
  waiting: () => lock.statistics().waiting,
});

const semaphoreView = (sem: Semaphore, permits: number): LockLike => ({
  primitive: sem,
  permits,
  free: () => sem.value,
  waiting: () => sem.statistics().waiting,
});

/** Every primitive that shares the acquire/release contract. */
export const lockLikes: LockLikeFactory[] = [
  { name: 'Lock', permits: 1, make: () => lockView(new Lock()) },
  { name: 'Semaphore(1)', permits: 1, make: () => semaphoreView(new Semaphore(1), 1) },
  { name: 'BoundedSemaphore(1)', permits: 1, make: () => semaphoreView(new BoundedSemaphore(1), 1) },
  {
    name: 'Condition (its lock)',
    permits: 1,
    make: () => {
      const cond = new Condition();
      return lockView(cond.lock, cond);
    },
  },
  { name: 'Semaphore(3)', permits: 3, make: () => semaphoreView(new Semaphore(3), 3) },
  { name: 'BoundedSemaphore(2)', permits: 2, make: () => semaphoreView(new BoundedSemaphore(2), 2) },
];
