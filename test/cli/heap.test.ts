import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT, heapGrowingFlag } from '../../src/cli/heap.js';

describe('heapGrowingFlag: the cap on heap growth a demo run sets, unless node was given one', () => {
  it('caps the growth when node was started without the flag', () => {
    expect(heapGrowingFlag([])).toBe(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    expect(heapGrowingFlag(['--import', 'tsx', '--max-old-space-size=4096'])).toBe(
      `--heap-growing-percent=${HEAP_GROWING_PERCENT}`,
    );
  });

  it.each([['--heap-growing-percent=20'], ['--heap_growing_percent=20'], ['--heap-growing-percent', '20']])(
    'leaves %j (given to node) in force',
    (...execArgv) => {
      expect(heapGrowingFlag(execArgv)).toBeUndefined();
    },
  );
});
