import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { longRun } from '../../src/cli/long-run.js';
import { DEMOS, findDemo } from '../../src/demos/registry.js';
import { BIN, cleanEnv } from '../cli/helpers.js';
import { fences, README, ROOT, section } from './readme.js';

/** The marker line of an excerpt: output left out here. */
const ELLIPSIS = '…';
const PROMPT = '$ npx async-sync-demo ';

/** The README's `console` blocks that show a run of this CLI: the command after `$`, then what it printed. */
const runs = fences(README)
  .filter((fence) => fence.lang === 'console' && fence.lines[0]?.startsWith(PROMPT))
  .map((fence) => ({ args: fence.lines[0]!.slice(PROMPT.length), shown: fence.lines.slice(1) }));

/** What the terminal shows for `args` (stdout, then stderr: each block here writes to one of them). */
function terminal(args: string): string[] {
  const out = spawnSync(process.execPath, [BIN, ...args.split(' ')], {
    cwd: ROOT,
    env: cleanEnv(),
    input: '',
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (out.error) throw out.error;
  return `${out.stdout}${out.stderr}`.replace(/\n+$/, '').split('\n');
}

/** Where `part` occurs as consecutive lines of `lines`, from `from` on; -1 when it does not. */
function indexOfLines(lines: readonly string[], part: readonly string[], from: number): number {
  for (let i = from; i + part.length <= lines.length; i++) {
    if (part.every((line, k) => lines[i + k] === line)) return i;
  }
  return -1;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\- _]/gu, '')
    .replace(/ /g, '-');
}

function headings(): string[] {
  const found: string[] = [];
  let fenced = false;
  for (const line of README.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const match = /^#+ (.*)$/.exec(line);
    if (!fenced && match) found.push(slug(match[1]!));
  }
  return found;
}

describe("the README's console blocks are what the CLI prints", () => {
  it('there are runs to check: the whole run near the top, the excerpt, the refused long run', () => {
    expect(runs.length).toBeGreaterThanOrEqual(3);
    const top = fences(section(/^a run$/i)).find((fence) => fence.lang === 'console');
    expect(top?.lines).not.toContain(ELLIPSIS);
  });

  it.each(runs.map((run) => [run.args, run] as const))('$ async-sync-demo %s', (_args, { args, shown }) => {
    const printed = terminal(args);
    if (!shown.includes(ELLIPSIS)) {
      expect(shown).toEqual(printed);
      return;
    }
    // An excerpt: each part between `…` lines appears whole, in order; a first part starts the output.
    const parts: string[][] = [[]];
    for (const line of shown) {
      if (line === ELLIPSIS) parts.push([]);
      else parts.at(-1)!.push(line);
    }
    let at = 0;
    for (const [i, part] of parts.entries()) {
      if (part.length === 0) continue;
      const found = indexOfLines(printed, part, at);
      expect(found, `part ${i + 1} of the excerpt, from '${part[0]}'`).toBeGreaterThanOrEqual(0);
      if (i === 0) expect(found).toBe(0);
      at = found + part.length;
    }
  });
});

describe('the README', () => {
  it("lists every demo, in the registry's order, with its pattern and title", () => {
    const rows = section(/demos at a glance/i)
      .split('\n')
      .filter((line) => line.startsWith('| [`'))
      .map((line) => line.split('|').map((cell) => cell.trim()));
    expect(rows.map(([, name, pattern, title]) => [/`(.+?)`/.exec(name!)![1], pattern, title])).toEqual(
      DEMOS.map((info) => [info.name, info.pattern, info.title]),
    );
  });

  it('every #link names a heading', () => {
    const anchors = new Set(headings());
    const links = [...README.matchAll(/\]\(#([^)]+)\)/g)].map((match) => match[1]!);
    expect(links.length).toBeGreaterThan(10);
    expect(links.filter((link) => !anchors.has(link))).toEqual([]);
  });

  it('shows the long-run note the CLI prints for the options it names', () => {
    const note = README.split('\n').find((line) => line.startsWith('note: semaphore will take'));
    const model = findDemo('semaphore')!.estimate({ workers: 1000, limit: 3 });
    const decision = longRun('semaphore', model, { virtual: false, speed: 1, yes: false });
    expect(decision.action).toBe('warn');
    expect(note).toBe(`note: ${decision.action === 'warn' ? decision.message : ''}`);
    expect(section(/long runs/i)).toContain('`semaphore --workers 1000 --limit 3`');
  });
});

/**
 * Each demo's section (`### <demo> — …`): its `sh` block names commands, its
 * untagged blocks are excerpts of their output under `--virtual --seed 1
 * --no-color`. Every excerpt line must be a line of one of those runs (`…`
 * marks a cut; a block tagged `text` is real-clock output, not checked).
 */
describe("the demos' excerpts are lines of real runs", () => {
  const demoSections = DEMOS.map((info) => [info.name, section(new RegExp(`^${info.name} — `))] as const);

  it.each(demoSections)('%s', (name, text) => {
    const blocks = fences(text);
    const commands = blocks
      .filter((fence) => fence.lang === 'sh')
      .flatMap((fence) => fence.lines)
      .map((line) => line.replace(/#.*$/, '').trim())
      .filter((line) => line.startsWith(`npx async-sync-demo ${name}`));
    expect(commands.length).toBeGreaterThan(0);
    const printed = new Set(
      commands.flatMap((command) => {
        const args = command.slice('npx async-sync-demo '.length).split(/\s+/);
        if (!args.includes('--virtual')) args.push('--virtual');
        return terminal([...args, '--seed', '1', '--no-color'].join(' '));
      }),
    );
    const excerpts = blocks.filter((fence) => fence.lang === '').flatMap((fence) => fence.lines);
    expect(excerpts.length).toBeGreaterThan(0);
    const made = excerpts.filter(
      (line) => line.trim() !== '' && line.trim() !== ELLIPSIS && !printed.has(line),
    );
    expect(made).toEqual([]);
  });
});
