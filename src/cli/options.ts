/**
 * Option values from the command line: commander collects the raw strings,
 * this module validates them, with messages that name the option and what it
 * accepts (`--workers must be an integer from 1 to 100000, got '0'`).
 */
import type { OptionSpec } from '../demos/contract.js';
import type { AnyDemoInfo } from '../demos/registry.js';
import { FORMATS, type FormatName, isFormat } from '../trace/renderers/index.js';
import { UsageError } from './errors.js';

/** `poolSize` → `--pool-size`. */
export function flagName(name: string): string {
  return `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** The commander flags of a demo option: `--workers <n>`, `--no-lock`, `--sequential`, `--mode <mode>`. */
export function optionFlags(name: string, spec: OptionSpec): string {
  const flag = flagName(name);
  switch (spec.kind) {
    case 'boolean':
      return spec.default ? `--no-${flag.slice(2)}` : flag;
    case 'choice':
      return `${flag} <${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}>`;
    case 'int':
      return `${flag} <n>`;
    case 'number':
      return `${flag} <x>`;
  }
}

/** What an option accepts, for help and errors: `an integer from 1 to 100000`. */
export function accepted(spec: OptionSpec): string {
  switch (spec.kind) {
    case 'boolean':
      return 'no value';
    case 'choice':
      return `one of ${spec.choices.join(', ')}`;
    case 'int':
      return `an integer from ${spec.min} to ${spec.max}`;
    case 'number':
      return `a number from ${spec.min} to ${spec.max}`;
  }
}

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Parses one option's raw value; commander hands booleans over already parsed. */
export function parseOption(name: string, spec: OptionSpec, raw: unknown): unknown {
  if (raw === undefined) return spec.default;
  if (spec.kind === 'boolean') return raw === true;
  const text = String(raw);
  const wrong = (): never => {
    throw new UsageError(`${flagName(name)} must be ${accepted(spec)}, got '${text}'`);
  };
  if (spec.kind === 'choice') return spec.choices.includes(text) ? text : wrong();
  const value = spec.kind === 'int' ? (INTEGER.test(text) ? Number(text) : Number.NaN) : Number(text);
  if (spec.kind === 'number' && !DECIMAL.test(text)) wrong();
  if (!Number.isFinite(value) || value < spec.min || value > spec.max) wrong();
  return value;
}

/** A demo's option values from commander's raw ones (defaults where absent). */
export function demoOptions(info: AnyDemoInfo, raw: Record<string, unknown>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(info.options as Record<string, OptionSpec>)) {
    values[name] = parseOption(name, spec, raw[name]);
  }
  const problem = info.validate?.(values);
  if (problem !== undefined) throw new UsageError(problem);
  return values;
}

/** The options every run accepts. */
export interface CommonOptions {
  format: FormatName;
  /** `--seed`, else one drawn at random (and printed with the run, so it can be replayed). */
  seed: number;
  speed: number;
  virtual: boolean;
  quiet: boolean;
  /** `--yes`: run even when the real clock would take more than an hour. */
  yes: boolean;
}

export const MAX_SEED = 2 ** 32 - 1;
const SEED: OptionSpec = { kind: 'int', default: 0, min: 0, max: MAX_SEED, description: '' };
/**
 * `--speed` stops at 100: there a 100 ms beat is a 1 ms timer, the finest
 * Node's timers go, and the demos' shortest timed differences are a few wall
 * ms; beyond it no timing check can mean anything.
 */
export const MAX_SPEED = 100;
const SPEED: OptionSpec = { kind: 'number', default: 1, min: 0.01, max: MAX_SPEED, description: '' };

/** Validates the common options; `randomSeed()` supplies a seed when none was given. */
export function commonOptions(raw: Record<string, unknown>, randomSeed: () => number): CommonOptions {
  const format = raw.format === undefined ? 'pretty' : String(raw.format);
  if (!isFormat(format)) {
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got '${format}'`);
  }
  if (raw.json === true && raw.format !== undefined && format !== 'json') {
    throw new UsageError(
      `--json and --format ${format} conflict: --json means --format json; give one of them`,
    );
  }
  const output = raw.json === true ? 'json' : format;
  if (raw.quiet === true && output !== 'pretty') {
    const given = raw.json === true ? '--json' : `--format ${format}`;
    throw new UsageError(
      `--quiet and ${given} conflict: --quiet shortens the pretty output; a ${output} trace always holds every event`,
    );
  }
  if (raw.virtual === true && raw.speed !== undefined) {
    throw new UsageError(
      '--virtual and --speed conflict: --speed scales the real clock, and virtual time does not pass, it jumps',
    );
  }
  return {
    format: output,
    seed: raw.seed === undefined ? randomSeed() : (parseOption('seed', SEED, raw.seed) as number),
    speed: parseOption('speed', SPEED, raw.speed) as number,
    virtual: raw.virtual === true,
    quiet: raw.quiet === true,
    yes: raw.yes === true,
  };
}

/** Help lines of the common options, with what they accept. */
export const COMMON_HELP = {
  format: `output: ${FORMATS.join(', ')} (default pretty)`,
  html: 'also write the run as a self-contained, interactive HTML replay to <file> (no file: a temporary one, opened in the browser at a terminal)',
  json: 'NDJSON events on stdout, one per line (same as --format json; not with another --format)',
  seed: `seed of the random source, an integer from 0 to ${MAX_SEED} (default: random, printed)`,
  speed: `time scale of the real clock, a number from 0.01 to ${MAX_SPEED} (default 1; 10 = ten times faster; not with --virtual)`,
  virtual: 'virtual clock: instant, and byte-for-byte reproducible with the same --seed',
  color: 'no colour (also NO_COLOR=1); FORCE_COLOR=1 forces it',
  quiet: 'only the checks and the verdict (pretty output only: not with --json or --format json|chrome|html)',
  yes: 'run even if the real clock would take more than an hour (the demo estimates it)',
};
