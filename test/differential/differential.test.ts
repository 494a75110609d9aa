/**
 * The differential test against CPython asyncio (test/differential/README in
 * interp.py's header): a fixed seed, a few thousand random programs, each run
 * untraced and traced. Long runs: `npm run fuzz -- --programs 100000 --seed 7`,
 * or DIFF_PROGRAMS / DIFF_SEED for this file.
 */
import { expect, describe as group, it } from 'vitest';
import {
  check,
  type Divergence,
  describe,
  findPython,
  generateBatch,
  judge,
  KNOWN,
  minimise,
  type Report,
} from './differential.js';

const PROGRAMS = Number(process.env.DIFF_PROGRAMS ?? 1000);
const SEED = Number(process.env.DIFF_SEED ?? 1);
const python = findPython();

group(`differential test against CPython ${python.version}`, () => {
  let report: Report;

  it(`${PROGRAMS} programs (seed ${SEED}) behave as in asyncio, up to the documented differences`, async () => {
    if (!python.shutdown) console.warn(`python ${python.version}: Queue.shutdown needs 3.13, not generated`);
    report = await check(python, generateBatch(SEED, 0, PROGRAMS, { shutdown: python.shutdown }));
    expect(report.programs).toBe(PROGRAMS * 2);
    // Shrink a few distinct failures (one per first-difference shape) and print them in both languages.
    const shapes = new Map<string, Divergence>();
    for (const d of report.unexplained) {
      const key = `${d.traced}:${d.verdict.detail.replace(/\d+/g, '#')}`;
      if (!shapes.has(key)) shapes.set(key, d);
    }
    const shown: string[] = [];
    for (const d of [...shapes.values()].slice(0, 2))
      shown.push(await describe(python, await minimise(python, d)));
    const summary = `${report.unexplained.length} of ${report.programs} runs diverge unexplained (${shapes.size} shapes); the smallest programs:\n\n`;
    expect(report.unexplained.length, summary + shown.join('\n\n----\n\n')).toBe(0);
  }, 120_000);

  it('mostly agrees, and meets the documented differences it names', () => {
    expect(report.same / report.programs).toBeGreaterThan(0.5);
    for (const name of Object.keys(report.known)) expect(Object.keys(KNOWN)).toContain(name);
    // The generator reaches the common differences; a change that hid them would show here.
    for (const name of ['cancel-cooperative', 'await-yields-microtask', 'queue-direct-handoff'] as const) {
      expect(report.known[name] ?? 0, name).toBeGreaterThan(0);
    }
  });

  it('refuses a second release in the hand-off window, as asyncio does (issue 15 §1: fails before that fix)', async () => {
    // The waiter resumes through a layer (here the interpreter's own await);
    // asyncio refuses the second release, as the woken waiter has not resumed.
    const program = {
      prims: [{ kind: 'Lock' as const }, { kind: 'Lock' as const }],
      tasks: [
        [
          { op: 'acquire' as const, p: 0 },
          { op: 'release' as const, p: 0 },
          { op: 'acquire' as const, p: 1 },
          { op: 'release' as const, p: 0 },
        ],
        [{ op: 'acquire' as const, p: 0 }],
      ],
    };
    const verdicts = await judge(python, [
      { program, traced: false },
      { program, traced: true },
    ]);
    expect(verdicts.map((v) => v.kind)).toEqual(['same', 'same']);
  });
});
