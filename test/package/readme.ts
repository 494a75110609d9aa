import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The package root and its README, as committed or as edited: tests read the text the user reads. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const README = readFileSync(`${ROOT}README.md`, 'utf8');

export interface Fence {
  /** The info string after the opening backticks (`sh`, `ts`, or empty). */
  lang: string;
  lines: string[];
}

/**
 * The section under the first heading matching `heading`, up to the next
 * heading of the same or a higher level. Headings inside fences do not count
 * (`# who got a permit` in a shell block is a comment).
 */
export function section(heading: RegExp, text = README): string {
  const lines = text.split('\n');
  let start = -1;
  let level = 0;
  let fenced = false;
  for (const [i, line] of lines.entries()) {
    if (line.startsWith('```')) fenced = !fenced;
    if (fenced) continue;
    const match = /^(#+) (.*)$/.exec(line);
    if (match === null) continue;
    if (start < 0 && heading.test(match[2]!)) {
      start = i;
      level = match[1]!.length;
    } else if (start >= 0 && match[1]!.length <= level) {
      return lines.slice(start, i).join('\n');
    }
  }
  if (start < 0) throw new Error(`README.md has no heading matching ${heading}`);
  return lines.slice(start).join('\n');
}

/** The fenced blocks of `text`, in order. */
export function fences(text: string): Fence[] {
  const blocks: Fence[] = [];
  let open: Fence | undefined;
  for (const line of text.split('\n')) {
    if (open === undefined) {
      const match = /^```(\S*)/.exec(line);
      if (match) open = { lang: match[1]!, lines: [] };
    } else if (line.startsWith('```')) {
      blocks.push(open);
      open = undefined;
    } else {
      open.lines.push(line);
    }
  }
  return blocks;
}

/**
 * The commands of the Quick start: the lines of its first fenced block, as a
 * user would paste them (blank lines and `#` comments left out). The first
 * line of that block is the first thing a new user runs, so it must work alone.
 */
export function quickStart(): string[] {
  const [first] = fences(section(/quick start/i));
  if (first === undefined) throw new Error('README.md: the Quick start has no fenced block');
  return first.lines.map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
}
