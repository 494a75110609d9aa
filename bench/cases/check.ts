/**
 * Sanity checks run before timing: a gate that let too many holders in (or
 * never let the last one through) would make a fake win.
 */

/** Runs `body` while holding the gate. */
export type Gate = (body: () => Promise<void>) => Promise<void>;

/**
 * Pushes 64 contending tasks through each gate and checks that at most
 * `limit` (and, with 64 tasks, exactly `limit`) were inside at once and that
 * every task got through. Throws on the first violation; returns a note.
 */
export async function checkLimit(gates: Record<string, () => Gate>, limit: number): Promise<string> {
  for (const [name, make] of Object.entries(gates)) {
    const gate = make();
    let active = 0;
    let max = 0;
    let done = 0;
    const body = async () => {
      active++;
      if (active > max) max = active;
      await null;
      await null;
      active--;
      done++;
    };
    await Promise.all(Array.from({ length: 64 }, () => gate(body)));
    if (max !== limit || done !== 64) {
      throw new Error(`${name}: ${max} holders at once (limit ${limit}), ${done}/64 finished`);
    }
  }
  return `Checked before timing: each gate (${Object.keys(gates).join(', ')}) admitted exactly ${limit} of 64 contending tasks at once.`;
}

export function checkExclusive(gates: Record<string, () => Gate>): Promise<string> {
  return checkLimit(gates, 1);
}
