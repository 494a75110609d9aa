import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { OptionSpec } from '../../src/demos/contract.js';
import { DEMOS, findDemo } from '../../src/demos/registry.js';

const COMMON = ['format', 'json', 'seed', 'speed', 'virtual', 'color', 'quiet', 'yes', 'help', 'version'];

describe.each(DEMOS.map((info) => [info.name, info] as const))('registry entry %s', (name, info) => {
  it('is findable, described in a title, a pattern and 1–3 lines', () => {
    expect(findDemo(name)).toBe(info);
    expect(name).toMatch(/^[a-z][a-z-]*$/);
    expect(info.title.length).toBeGreaterThan(0);
    expect(info.pattern.length).toBeGreaterThan(0);
    expect(info.explanation.length).toBeGreaterThanOrEqual(1);
    expect(info.explanation.length).toBeLessThanOrEqual(3);
    for (const line of info.explanation) expect(line.length).toBeLessThanOrEqual(78);
  });

  it('has options with defaults inside their ranges, and names that do not clash with the common ones', () => {
    for (const [option, spec] of Object.entries(info.options as Record<string, OptionSpec>)) {
      expect(COMMON).not.toContain(option);
      expect(spec.description.length).toBeGreaterThan(0);
      if (spec.kind === 'int' || spec.kind === 'number') {
        expect(spec.min).toBeLessThanOrEqual(spec.default);
        expect(spec.default).toBeLessThanOrEqual(spec.max);
        if (spec.kind === 'int')
          expect([spec.min, spec.max, spec.default].every(Number.isInteger)).toBe(true);
      }
      if (spec.kind === 'choice') expect(spec.choices).toContain(spec.default);
    }
  });

  it('loads a module with checks and a run, and ships its source for `code`', async () => {
    const demo = (await info.load()).default;
    expect(typeof demo.run).toBe('function');
    expect(demo.checks.length).toBeGreaterThan(0);
    expect(new Set(demo.checks.map((check) => check.name)).size).toBe(demo.checks.length);
    expect(existsSync(new URL(`../../src/demos/${info.source ?? `${name}.ts`}`, import.meta.url))).toBe(true);
  });
});

it('demo names are unique', () => {
  expect(new Set(DEMOS.map((info) => info.name)).size).toBe(DEMOS.length);
});
