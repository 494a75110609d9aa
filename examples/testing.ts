// Design point: abstract time and randomness so timing code can be tested.
// `retry` never reads the wall clock or Math.random: it takes a Clock and a
// Random. Production passes a RealClock; the test (testing.test.ts) passes a
// VirtualClock and a seeded Random, and runs in milliseconds, the same every time.
import { type Clock, Random, RealClock } from 'async-sync-demo';

export interface RetryOptions {
  clock?: Clock;
  random?: Random;
  attempts?: number;
  baseMs?: number;
}

/** Calls `fn` until it succeeds, waiting baseMs × 2^n (with ±50 % jitter) between attempts. */
export async function retry<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const {
    clock = new RealClock(),
    random = new Random(Date.now() >>> 0),
    attempts = 5,
    baseMs = 100,
  } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt === attempts) throw err;
      const backoff = baseMs * 2 ** (attempt - 1);
      await clock.sleep(backoff * random.float(0.5, 1.5));
    }
  }
}
