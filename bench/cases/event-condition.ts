/**
 * Case 5: Event fan-out (N tasks wait, one `set()` wakes them all) and a
 * Condition ping-pong (two tasks take turns: wait until it is my turn, pass
 * the turn, notify). None of the peers ships an Event or a Condition, so the
 * comparison is with hand-written promise code doing the same job.
 */
import { caseArgs, compare, emit, type Sample, type Variant } from '../harness.js';
import { loadLibrary } from '../lib.js';

const { quick } = caseArgs();
const lib = await loadLibrary();
const waiters = 100_000;
const rounds = quick ? 50_000 : 200_000;
const opts = quick
  ? { rounds: 4, warmup: 1, gc: 'minor' as const }
  : { rounds: 11, warmup: 2, gc: 'minor' as const };

function fanOut(name: string, role: Variant['role'], run: (n: number) => Promise<number>): Variant {
  return {
    name,
    role,
    async sample(): Promise<Sample> {
      const woken = await run(waiters);
      if (woken !== waiters) return { ops: waiters, broken: `${woken}/${waiters} waiters woke` };
      return { ops: waiters };
    },
  };
}

const fanOutVariants: Variant[] = [
  fanOut('a promise per waiter, resolved in order (floor)', 'floor', async (n) => {
    let woken = 0;
    const wakers: (() => void)[] = new Array(n);
    const tasks: Promise<void>[] = new Array(n);
    for (let i = 0; i < n; i++) {
      tasks[i] = (async () => {
        await new Promise<void>((resolve) => {
          wakers[i] = resolve;
        });
        woken++;
      })();
    }
    for (let i = 0; i < n; i++) wakers[i]();
    await Promise.all(tasks);
    return woken;
  }),
  fanOut('one shared promise', 'ref', async (n) => {
    let woken = 0;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const tasks: Promise<void>[] = new Array(n);
    for (let i = 0; i < n; i++) {
      tasks[i] = (async () => {
        await gate;
        woken++;
      })();
    }
    open();
    await Promise.all(tasks);
    return woken;
  }),
  fanOut('Event: wait() / set()', 'ours', async (n) => {
    let woken = 0;
    const event = new lib.Event();
    const tasks: Promise<void>[] = new Array(n);
    for (let i = 0; i < n; i++) {
      tasks[i] = (async () => {
        await event.wait();
        woken++;
      })();
    }
    event.set();
    await Promise.all(tasks);
    return woken;
  }),
];

/** Two players take `rounds` turns each; returns how many turns were taken. */
function pingPong(name: string, role: Variant['role'], play: (rounds: number) => Promise<number>): Variant {
  return {
    name,
    role,
    async sample(): Promise<Sample> {
      const turns = await play(rounds);
      if (turns !== 2 * rounds) return { ops: 2 * rounds, broken: `${turns}/${2 * rounds} turns` };
      return { ops: 2 * rounds };
    },
  };
}

const pingPongVariants: Variant[] = [
  pingPong('promises handed back and forth (floor)', 'floor', async (rounds) => {
    let turn = 0;
    let turns = 0;
    const parked: ((() => void) | undefined)[] = [undefined, undefined];
    const player = async (me: number) => {
      for (let i = 0; i < rounds; i++) {
        while (turn !== me) {
          await new Promise<void>((resolve) => {
            parked[me] = resolve;
          });
        }
        turns++;
        turn = 1 - me;
        const other = parked[turn];
        parked[turn] = undefined;
        other?.();
      }
    };
    await Promise.all([player(0), player(1)]);
    return turns;
  }),
  pingPong('Condition: acquire, waitFor turn, notify, release', 'ours', async (rounds) => {
    let turn = 0;
    let turns = 0;
    const cond = new lib.Condition();
    const player = async (me: number) => {
      for (let i = 0; i < rounds; i++) {
        const held = await cond.acquire();
        while (turn !== me) await cond.wait();
        turns++;
        turn = 1 - me;
        cond.notify();
        held.release();
      }
    };
    await Promise.all([player(0), player(1)]);
    return turns;
  }),
];

const groups = [
  await compare(
    `Event fan-out: ${waiters.toLocaleString('en-US')} waiters, one set()`,
    'waiter',
    fanOutVariants[0].name,
    fanOutVariants,
    { ...opts, gc: 'full' },
  ),
  await compare(
    `Condition ping-pong: 2 tasks × ${rounds.toLocaleString('en-US')} turns`,
    'turn',
    pingPongVariants[0].name,
    pingPongVariants,
    opts,
  ),
];
emit({
  id: '5',
  title: 'Event fan-out and Condition ping-pong',
  groups,
  notes: [
    'Fan-out: ns per waiter, from the first wait() to the last waiter resumed. The floor parks each waiter on its own promise (what a primitive that can cancel one waiter must do); one shared promise is shown for reference.',
    'Ping-pong: ns per turn. The floor parks the waiting player on a fresh promise that the other player resolves after passing the turn.',
    'No peer ships an Event or a Condition; every sample checks that every waiter woke / every turn was taken.',
  ],
});
