/**
 * Option values from the command line: commander collects the raw strings,
 * this module validates them, with messages that name the option and what it
 * accepts (`--workers must be an integer from 1 to 100000, got '0'`).
 */
import type { OptionSpec } from '../demos/contract.js';
import type { AnyDemoInfo } from '../demos/registry.js';
import type { Lang } from '../trace/lang.js';
import { FORMATS, type FormatName, isFormat } from '../trace/renderers/index.js';
import { UsageError } from './errors.js';
import { CLI_TEXT, type CliText } from './messages.js';

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
    case 'text':
      return `${flag} [${spec.placeholder}]`;
  }
}

/** What an option accepts, for help and errors: `an integer from 1 to 100000`. */
export function accepted(spec: OptionSpec, text: CliText = CLI_TEXT.en): string {
  switch (spec.kind) {
    case 'boolean':
      return text.accepted.none;
    case 'choice':
      return text.accepted.oneOf(spec.choices.join(', '));
    case 'int':
      return text.accepted.integer(spec.min, spec.max);
    case 'number':
      return text.accepted.number(spec.min, spec.max);
    case 'text':
      return text.accepted.text(spec.placeholder);
  }
}

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Parses one option's raw value; commander hands booleans over already parsed. */
export function parseOption(
  name: string,
  spec: OptionSpec,
  raw: unknown,
  text: CliText = CLI_TEXT.en,
): unknown {
  if (raw === undefined) return spec.default;
  if (spec.kind === 'boolean') return raw === true;
  if (spec.kind === 'text') {
    if (raw === true) return spec.bare;
    const given = String(raw);
    if (given === '' || given.startsWith('-'))
      throw new UsageError(text.mustBe(flagName(name), text.accepted.text(spec.placeholder), given));
    return given;
  }
  const words = text;
  const value = String(raw);
  const wrong = (): never => {
    throw new UsageError(words.mustBe(flagName(name), accepted(spec, words), value));
  };
  if (spec.kind === 'choice') return spec.choices.includes(value) ? value : wrong();
  const n = spec.kind === 'int' ? (INTEGER.test(value) ? Number(value) : Number.NaN) : Number(value);
  if (spec.kind === 'number' && !DECIMAL.test(value)) wrong();
  if (!Number.isFinite(n) || n < spec.min || n > spec.max) wrong();
  return n;
}

/** A demo's option values from commander's raw ones (defaults where absent). */
export function demoOptions(
  info: AnyDemoInfo,
  raw: Record<string, unknown>,
  lang: Lang = 'en',
  run: { virtual: boolean } = { virtual: raw.virtual === true },
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(info.options as Record<string, OptionSpec>)) {
    values[name] = parseOption(name, spec, raw[name], CLI_TEXT[lang]);
  }
  const problem = info.validate?.(values, lang, run);
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
export function commonOptions(
  raw: Record<string, unknown>,
  randomSeed: () => number,
  text: CliText = CLI_TEXT.en,
): CommonOptions {
  const format = raw.format === undefined ? 'pretty' : String(raw.format);
  if (!isFormat(format)) {
    throw new UsageError(text.mustBe('--format', text.accepted.oneOf(FORMATS.join(', ')), format));
  }
  if (raw.json === true && raw.format !== undefined && format !== 'json') {
    throw new UsageError(text.jsonFormatConflict(format));
  }
  const output = raw.json === true ? 'json' : format;
  if (raw.quiet === true && output !== 'pretty') {
    const given = raw.json === true ? '--json' : `--format ${format}`;
    throw new UsageError(text.quietConflict(given, output));
  }
  if (raw.virtual === true && raw.speed !== undefined) {
    throw new UsageError(text.virtualSpeedConflict);
  }
  return {
    format: output,
    seed: raw.seed === undefined ? randomSeed() : (parseOption('seed', SEED, raw.seed, text) as number),
    speed: parseOption('speed', SPEED, raw.speed, text) as number,
    virtual: raw.virtual === true,
    quiet: raw.quiet === true,
    yes: raw.yes === true,
  };
}

/** Help lines of the common options, with what they accept, in each language. */
const COMMON_HELP_EN = {
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

export const COMMON_HELP: Readonly<Record<Lang, typeof COMMON_HELP_EN>> = {
  en: COMMON_HELP_EN,
  ko: {
    format: `출력: ${FORMATS.join(', ')} (기본 pretty)`,
    json: '표준 출력에 NDJSON 이벤트, 한 줄에 하나 (--format json과 같음; 다른 --format과 함께 쓸 수 없음)',
    html: '실행을 독립된 인터랙티브 HTML 리플레이로 <file>에도 저장 (파일을 주지 않으면 임시 파일에 쓰고 터미널에서는 브라우저로 엶)',
    seed: `난수 시드, 0부터 ${MAX_SEED}까지의 정수 (기본: 무작위, 출력됨)`,
    speed: `실제 시계의 배속, 0.01부터 ${MAX_SPEED}까지의 수 (기본 1; 10 = 열 배 빠르게; --virtual과 함께 쓸 수 없음)`,
    virtual: '가상 시계: 즉시 끝나고, 같은 --seed면 바이트 단위로 똑같이 재현됨',
    color: '색 없이 (NO_COLOR=1도 같음); FORCE_COLOR=1은 색을 강제',
    quiet: '검사와 판정만 (pretty 출력 전용: --json, --format json|chrome|html과 함께 쓸 수 없음)',
    yes: '실제 시계로 한 시간이 넘게 걸려도 실행 (데모가 추정함)',
  },
};
