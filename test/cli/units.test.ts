import Table from 'cli-table3';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { boxTable } from '../../src/cli/box.js';
import { bold, colorLevel, cyan } from '../../src/cli/color.js';
import { UsageError } from '../../src/cli/errors.js';
import { listOnly } from '../../src/cli/main.js';
import { commonOptions, optionFlags, parseOption } from '../../src/cli/options.js';
import { closest } from '../../src/cli/suggest.js';
import { layoutFor, narrowWidth } from '../../src/cli/width.js';
import type { OptionSpec } from '../../src/demos/contract.js';

describe('colorLevel: --no-color > NO_COLOR > FORCE_COLOR > TTY', () => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };
  it.each([
    [['--no-color'], { FORCE_COLOR: '3' }, tty, 0],
    [['x', '--', '--no-color'], {}, tty, 2],
    [[], { NO_COLOR: '1', FORCE_COLOR: '1' }, tty, 0],
    [[], { NO_COLOR: '' }, tty, 2],
    [[], { FORCE_COLOR: '1' }, pipe, 1],
    [[], { FORCE_COLOR: '3' }, pipe, 3],
    [[], { FORCE_COLOR: '0' }, tty, 0],
    [[], {}, tty, 2],
    [[], { TERM: 'dumb' }, tty, 0],
    [[], {}, pipe, 0],
  ] as const)('%j %j %j → %i', (args, env, stream, level) => {
    expect(colorLevel(args, env, stream, 2)).toBe(level);
  });

  it('a terminal that reports no colour support still gets the basic 16', () => {
    expect(colorLevel([], {}, { isTTY: true }, 0)).toBe(1);
  });
});

describe('option values', () => {
  const workers: OptionSpec = { kind: 'int', default: 10, min: 1, max: 100_000, description: '' };
  const delay: OptionSpec = { kind: 'number', default: 1, min: 0, max: 60, description: '' };
  const mode: OptionSpec = { kind: 'choice', choices: ['a', 'b'], default: 'a', description: '' };

  it('parses what is in range, defaults what is absent', () => {
    expect(parseOption('workers', workers, '10000')).toBe(10_000);
    expect(parseOption('workers', workers, undefined)).toBe(10);
    expect(parseOption('delay', delay, '0.25')).toBe(0.25);
    expect(parseOption('delay', delay, '1e1')).toBe(10);
    expect(parseOption('mode', mode, 'b')).toBe('b');
  });

  it.each([
    ['workers', workers, '0x10', "--workers must be an integer from 1 to 100000, got '0x10'"],
    ['workers', workers, '100001', "--workers must be an integer from 1 to 100000, got '100001'"],
    ['workers', workers, '', "--workers must be an integer from 1 to 100000, got ''"],
    ['delay', delay, 'Infinity', "--delay must be a number from 0 to 60, got 'Infinity'"],
    ['delay', delay, '-0.5', "--delay must be a number from 0 to 60, got '-0.5'"],
    ['mode', mode, 'c', "--mode must be one of a, b, got 'c'"],
    ['poolSize', workers, 'x', "--pool-size must be an integer from 1 to 100000, got 'x'"],
  ] as const)('%s %j is rejected', (name, spec, raw, message) => {
    expect(() => parseOption(name, spec, raw)).toThrow(new UsageError(message));
  });

  it('derives commander flags from the spec', () => {
    expect(optionFlags('poolSize', workers)).toBe('--pool-size <n>');
    expect(optionFlags('delay', delay)).toBe('--delay <x>');
    expect(optionFlags('mode', mode)).toBe('--mode <mode>');
    expect(optionFlags('lock', { kind: 'boolean', default: true, description: '' })).toBe('--no-lock');
    expect(optionFlags('sequential', { kind: 'boolean', default: false, description: '' })).toBe(
      '--sequential',
    );
  });

  it('common options: a random seed only when none is given', () => {
    expect(commonOptions({}, () => 42)).toEqual({
      format: 'pretty',
      seed: 42,
      speed: 1,
      virtual: false,
      quiet: false,
      yes: false,
    });
    expect(commonOptions({ seed: '7', json: true, speed: '2.5' }, () => 42)).toMatchObject({
      format: 'json',
      seed: 7,
      speed: 2.5,
    });
  });
});

describe('listOnly: list without commander only for its own flags', () => {
  it.each([
    [['list'], {}],
    [['list', '--json'], { json: true }],
    [['list', '--no-color', '--lang', 'ko', '--json'], { json: true }],
    [['list', '--lang=en'], {}],
  ])('%j → %j', (args, options) => {
    expect(listOnly(args)).toEqual(options);
  });

  it.each([
    [['semaphore']],
    [['--lang', 'ko', 'list']],
    [['list', '--help']],
    [['list', 'extra']],
    [['list', '--jsn']],
    [['list', '--json', '--', '--json']],
    [['list', '--lang']],
  ])('%j goes to commander', (args) => {
    expect(listOnly(args)).toBeUndefined();
  });
});

describe('closest', () => {
  it('suggests typos, not strangers', () => {
    expect(closest('semafore', ['semaphore', 'lock'])).toBe('semaphore');
    expect(closest('lcok', ['semaphore', 'lock'])).toBe('lock');
    expect(closest('QUEUE', ['queue'])).toBe('queue');
    expect(closest('xyzzy', ['semaphore', 'lock'])).toBeUndefined();
  });
});

describe('boxTable', () => {
  it('draws what cli-table3 draws (with a line between rows), colour codes not counted as width', () => {
    const head = ['demo', 'pattern', 'what it shows'].map((t) => bold(t, 1));
    const rows = [
      [cyan('queue', 1), 'producer–consumer with backpressure', 'Producer and consumers on a bounded Queue'],
      [cyan('api-limit', 1), 'rate limit + executor', 'x'],
    ];
    const table = new Table({ head, style: { head: [], border: [] } });
    table.push(...rows);
    expect(boxTable(head, rows, { width: stringWidth })).toBe(table.toString());
    // The fast measure (no string-width) draws the same table.
    expect(boxTable(head, rows, { width: (text) => narrowWidth(text)! })).toBe(table.toString());
  });
});

describe('narrowWidth: the width without string-width', () => {
  it('is string-width for every character it accepts, and declines the rest', () => {
    let accepted = 0;
    for (let code = 0; code <= 0xffff; code++) {
      const char = String.fromCharCode(code);
      const width = narrowWidth(char);
      if (width === undefined) continue;
      accepted++;
      expect(width, `U+${code.toString(16)}`).toBe(stringWidth(char));
    }
    // ASCII, Latin, punctuation, arrows, maths and box drawing: 1,349 characters.
    expect(accepted).toBe(1349);
  });

  it('counts colour escapes as nothing and declines wide, combining and invisible characters', () => {
    expect(narrowWidth(bold('demo – pattern ≤ 10 ×', 1))).toBe('demo – pattern ≤ 10 ×'.length);
    for (const text of ['세마포어', 'e\u0301', 'a\u200bb', '✅', '\u001b]8;;x\u0007link', 'tab\there']) {
      expect(narrowWidth(text), JSON.stringify(text)).toBeUndefined();
    }
  });

  it('layoutFor a pipe: string-width for wide text; the fast measure refuses text it was not given', async () => {
    const pipe = { out: { isTTY: false, columns: 80 } } as Parameters<typeof layoutFor>[0];
    expect((await layoutFor(pipe, ['세마포어'])).width('세마포어')).toBe(8);
    const fast = await layoutFor(pipe, ['abc']);
    expect(fast.width('abc')).toBe(3);
    expect(fast.terminal).toBeUndefined();
    expect(() => fast.width('세마포어')).toThrow(/not given/);
  });
});
