import { stripVTControlCharacters } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { indentOf, stringWidth, truncate, wrapLine } from '../../src/trace/wrap.js';

const RED = '\u001b[31m';
const RESET = '\u001b[39m';

describe('wrapLine', () => {
  it('wraps at spaces with a hanging indent after a prefix of `first` columns', () => {
    expect(wrapLine('a long message indeed', 12, 4, '    ')).toEqual(['a long', '    message', '    indeed']);
  });

  it('keeps the line’s own indentation, colour escapes before it included', () => {
    expect(wrapLine(`${RED}  tasks=1 work=10 after=1${RESET}`, 16, 0, '    ')).toEqual([
      `${RED}  tasks=1`,
      '    work=10',
      `    after=1${RESET}`,
    ]);
    expect(indentOf(`${RED}  x`)).toBe(2);
  });

  it('counts wide characters as two columns and escapes as none', () => {
    const lines = wrapLine(`${RED}세마포어${RESET} 세마포어 세마포어`, 10);
    for (const line of lines) expect(stringWidth(line)).toBeLessThanOrEqual(10);
    expect(lines).toHaveLength(3);
  });

  it('cuts a word longer than a line at the edge, never inside an escape', () => {
    const lines = wrapLine(`${RED}${'x'.repeat(25)}${RESET}`, 10);
    expect(lines.map((line) => stripVTControlCharacters(line))).toEqual([
      'x'.repeat(10),
      'x'.repeat(10),
      'x'.repeat(5),
    ]);
    expect(lines.join('')).toBe(`${RED}${'x'.repeat(25)}${RESET}`);
  });

  it('property: every line fits, and the words come back in order', () => {
    const word = fc.stringMatching(/^[a-z세]{1,14}$/);
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 12, max: 100 }),
        (words, width) => {
          const lines = wrapLine(words.join(' '), width, 0, '  ');
          for (const line of lines) expect(stringWidth(line)).toBeLessThanOrEqual(width);
          expect(lines.join(' ').split(/ +/).filter(Boolean).join('')).toBe(words.join(''));
        },
      ),
    );
  });
});

describe('truncate', () => {
  it('leaves what fits, cuts the rest with an ellipsis', () => {
    expect(truncate('worker-1', 8)).toBe('worker-1');
    expect(truncate('worker-100', 8)).toBe('worker-…');
    expect(stringWidth(truncate('세마포어세마포어', 7))).toBeLessThanOrEqual(7);
  });
});
