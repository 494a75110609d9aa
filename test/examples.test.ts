import { expect, test } from 'vitest';
import { tour } from '../examples/tour.js';

// The README's library tour runs as written and says what the README says it says.
test('examples/tour.ts runs and prints what the README shows', async () => {
  expect(await tour()).toEqual([
    'page 1, page 2, page 3, page 4, page 5',
    'inside: 2 permits left',
    'after: 3 permits left',
    'cancelled: changed my mind, 0 waiting',
    'consumed 0,1,2,3,4',
    'waiter 1 saw true',
    'waiter 2 saw true',
    'condition: took x',
    'group failed: boom',
    'timed out: true',
    '0ms a acquire; 0ms b wait; 10ms a release; 10ms b acquire; 20ms b release',
  ]);
});
