import { DEMOS } from '../demos/registry.js';
import { UsageError } from './errors.js';
import { CLI_TEXT, type CliText } from './messages.js';

/** `unknown demo 'semafore' — did you mean 'semaphore'?`, guessing among demos and `extra` names. */
export function unknownDemo(
  name: string,
  extra: readonly string[] = [],
  text: CliText = CLI_TEXT.en,
): UsageError {
  const guess = closest(name, [...DEMOS.map((info) => info.name), ...extra]);
  return new UsageError(text.unknownDemo(name, guess), 'async-sync-demo list');
}

/** The candidate closest to `input` by edit distance, if it is close enough to be a typo. */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const d = distance(input.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const tolerance = Math.max(1, Math.floor((best?.length ?? 0) / 3));
  return bestDistance <= tolerance ? best : undefined;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps cost 1. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}
