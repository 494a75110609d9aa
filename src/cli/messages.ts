/**
 * The CLI's own words, in each language: help, `list`, usage errors, the
 * long-run note, the Ctrl-C acknowledgement. `ko` is typed as `typeof en`,
 * so a key missing from either is a compile error.
 */
import type { Lang } from '../trace/lang.js';

/** The command's name, as a user types it. */
export const BIN = 'async-sync-demo';

const en = {
  error: 'error:',
  note: 'note:',
  tryHint: (hint: string) => `Try '${hint}'.`,
  // Help.
  description: "Python asyncio's synchronization patterns, run and traced in Node.js.",
  versionOption: 'print the version',
  helpOption: 'show help',
  helpCommand: 'show help for a command or demo',
  /** Help headings as commander groups them (always these English keys), shown as the values (none: as is). */
  helpTitles: {} as Readonly<Record<string, string>>,
  listDescription: 'list every demo: name, pattern, what it shows',
  listJson: 'a JSON array, for machines',
  allDescription: 'run every demo in turn (demo options at their defaults)',
  renderFile: 'an NDJSON trace (default: stdin)',
  renderDescription:
    'render a saved NDJSON trace: pretty (lines, timeline, summary, checks), a Chrome trace or the HTML replay',
  renderFormat: 'pretty, chrome or html (default pretty)',
  codeDemo: "a demo name, or 'testing'",
  codeDescription: "print a demo's standalone example (the tutorial's sample in TypeScript)",
  codeFull: "the demo's whole module instead (instrumented, with its checks)",
  example: 'Example:',
  examples: 'Examples:',
  exampleLines: {
    live: 'run a demo, live',
    perfetto: '# open in ui.perfetto.dev',
    html: 'also write an interactive HTML replay of the run',
    checksOnly: 'every demo, checks only',
    code: 'the demo as a short program to copy',
    full: "the demo's whole module",
  },
  exitStatus: 'Exit status: 0 ok, 1 a check failed or a demo crashed, 2 usage error, 130 interrupted.',
  optionHelp: {
    choice: (description: string, choices: string, def: string) =>
      `${description}: ${choices} (default ${def})`,
    range: (description: string, min: number, max: number, def: number) =>
      `${description}, ${min}–${max} (default ${def})`,
  },
  lang: 'language of every text: en or ko (default from LC_ALL, LC_MESSAGES, LANG)',
  /** A usage error commander found (`code`, its English `message`), in this language. */
  commander: (_code: string, message: string): string => message,
  // Option values.
  accepted: {
    none: 'no value',
    oneOf: (choices: string) => `one of ${choices}`,
    integer: (min: number, max: number) => `an integer from ${min} to ${max}`,
    number: (min: number, max: number) => `a number from ${min} to ${max}`,
    text: (placeholder: string) => `a ${placeholder} (or nothing)`,
  },
  mustBe: (flag: string, accepted: string, got: string) => `${flag} must be ${accepted}, got '${got}'`,
  jsonFormatConflict: (format: string) =>
    `--json and --format ${format} conflict: --json means --format json; give one of them`,
  quietConflict: (given: string, output: string) =>
    `--quiet and ${given} conflict: --quiet shortens the pretty output; a ${output} trace always holds every event`,
  virtualSpeedConflict:
    '--virtual and --speed conflict: --speed scales the real clock, and virtual time does not pass, it jumps',
  // list and the bare invocation.
  tagline: "Python asyncio's synchronization patterns, run and traced in Node.js",
  usage: 'Usage:',
  runADemo: (bin: string) => `run a demo (e.g. ${bin} semaphore)`,
  moreHelp: (bin: string) =>
    `Run '${bin} <demo> --help' for a demo's options, '${bin} --help' for everything.`,
  tableHead: ['demo', 'pattern', 'what it shows'],
  // Runs.
  ack: 'cancelling… waiting for cleanup; Ctrl-C again to force',
  crashed: (demo: string, detail: string) => `demo '${demo}' crashed: ${detail}`,
  checkFailed: (demo: string, failed: string) => `demo '${demo}': check failed: ${failed}`,
  spinner: (demo: string, running: number, waiting: number, at: string) =>
    `${demo}  ${running} running · ${waiting} waiting  ${at}`,
  unknownDemo: (name: string, guess: string | undefined) =>
    `unknown demo '${name}'${guess === undefined ? '' : ` — did you mean '${guess}'?`}`,
  // render and code.
  render: {
    cannotRead: (file: string, reason: string) => `render: cannot read '${file}': ${reason}`,
    noSuchFile: 'no such file',
    noInput: 'render: give a trace file, or pipe one in',
    where: (name: string, line: number) => `render: ${name}, line ${line}`,
    notJson: (where: string, line: string) => `${where} is not JSON: ${line}`,
    notEvent: (where: string) => `${where} is not a trace event (an object expected)`,
    version: (where: string, version: string) =>
      `${where}: unsupported trace version ${version} (1 expected)`,
    field: (where: string, field: string, type: string) => `${where}: "${field}" must be a ${type}`,
    empty: (name: string) => `render: ${name} holds no trace events`,
  },
  fullHasNone: (name: string) => `--full shows a demo's module; '${name}' has none: run 'code ${name}'`,
  // The long-run guard.
  duration: { s: (n: number) => `${n} s`, min: (n: number) => `${n} min`, h: (n: number) => `${n} h` },
  onRealClock: (speed: number) =>
    speed === 1 ? 'on the real clock' : `on the real clock at --speed ${speed}`,
  refuse: (
    what: string,
    takes: string,
    clock: string,
    limit: string,
    faster: { speed: number; takes: string } | undefined,
  ) =>
    `${what} would take about ${takes} ${clock}, more than ${limit}: add --yes to run it anyway, or use --virtual (instant)${faster === undefined ? '' : ` or --speed ${faster.speed} (about ${faster.takes})`}`,
  warn: (what: string, takes: string, clock: string, faster: { speed: number; takes: string } | undefined) =>
    `${what} will take about ${takes} ${clock}; --virtual runs it at once${faster === undefined ? '' : `, --speed ${faster.speed} in about ${faster.takes}`}`,
};

export type CliText = typeof en;

const ko: CliText = {
  error: '오류:',
  note: '참고:',
  tryHint: (hint) => `도움말: '${hint}'`,
  description: '파이썬 asyncio의 동기화 패턴을 Node.js에서 실행하고 추적합니다.',
  versionOption: '버전 출력',
  helpOption: '도움말 보기',
  helpCommand: '명령이나 데모의 도움말 보기',
  helpTitles: {
    'Usage:': '사용법:',
    'Options:': '옵션:',
    'Arguments:': '인수:',
    'Commands:': '명령:',
    'Demos:': '데모:',
    'Demo options:': '데모 옵션:',
    'Common options:': '공통 옵션:',
    'Global Options:': '전역 옵션:',
  },
  listDescription: '모든 데모 나열: 이름, 패턴, 보여 주는 것',
  listJson: 'JSON 배열로 (기계용)',
  allDescription: '모든 데모를 차례로 실행 (데모 옵션은 기본값)',
  renderFile: 'NDJSON 트레이스 (기본: 표준 입력)',
  renderDescription:
    '저장한 NDJSON 트레이스 렌더링: pretty (줄, 타임라인, 요약, 검사), Chrome 트레이스 또는 HTML 리플레이',
  renderFormat: 'pretty, chrome 또는 html (기본 pretty)',
  codeDemo: "데모 이름, 또는 'testing'",
  codeDescription: '데모의 독립 실행 예제 출력 (튜토리얼 샘플의 TypeScript 버전)',
  codeFull: '대신 데모 모듈 전체 (계측 코드와 검사 포함)',
  example: '예:',
  examples: '예:',
  exampleLines: {
    live: '데모를 실시간으로 실행',
    perfetto: '# ui.perfetto.dev에서 열기',
    html: '실행을 인터랙티브 HTML 리플레이로도 저장',
    checksOnly: '모든 데모, 검사만',
    code: '복사해 쓸 짧은 프로그램으로 본 데모',
    full: '데모 모듈 전체',
  },
  exitStatus: '종료 상태: 0 성공, 1 검사 실패 또는 데모 비정상 종료, 2 사용법 오류, 130 중단.',
  optionHelp: {
    choice: (description, choices, def) => `${description}: ${choices} (기본 ${def})`,
    range: (description, min, max, def) => `${description}, ${min}–${max} (기본 ${def})`,
  },
  lang: '모든 텍스트의 언어: en 또는 ko (기본: LC_ALL, LC_MESSAGES, LANG에서)',
  commander: (code, message) => {
    const quoted = /'([^']*)'/.exec(message)?.[1] ?? '';
    switch (code) {
      case 'commander.unknownOption': {
        const guess = /Did you mean (.*)\?/.exec(message)?.[1];
        return `알 수 없는 옵션 '${quoted}'${guess === undefined ? '' : ` — 혹시 ${guess}?`}`;
      }
      case 'commander.unknownCommand':
        return `알 수 없는 명령 '${quoted}'`;
      case 'commander.missingArgument':
        return `필요한 인수가 없습니다: '${quoted}'`;
      case 'commander.optionMissingArgument':
        return `옵션 '${quoted}'에 값이 없습니다`;
      case 'commander.excessArguments': {
        const [, expected, got] = /Expected (\d+) arguments? but got (\d+)/.exec(message) ?? [];
        return expected === undefined
          ? `인수가 너무 많습니다`
          : `인수가 너무 많습니다: ${expected}개까지 받는데 ${got}개를 받음`;
      }
      default:
        return message;
    }
  },
  accepted: {
    none: '값 없음',
    oneOf: (choices) => `${choices} 중 하나`,
    integer: (min, max) => `${min}부터 ${max}까지의 정수`,
    number: (min, max) => `${min}부터 ${max}까지의 수`,
    text: (placeholder) => `${placeholder} (또는 생략)`,
  },
  mustBe: (flag, accepted, got) => `${flag}: ${accepted}만 받습니다. 받은 값: '${got}'`,
  jsonFormatConflict: (format) =>
    `함께 쓸 수 없는 옵션: --json, --format ${format} (--json은 --format json과 같으니 하나만 주세요)`,
  quietConflict: (given, output) =>
    `함께 쓸 수 없는 옵션: --quiet, ${given} (--quiet는 pretty 출력을 줄이고, ${output} 트레이스는 언제나 모든 이벤트를 담습니다)`,
  virtualSpeedConflict:
    '함께 쓸 수 없는 옵션: --virtual, --speed (--speed는 실제 시계의 배속이고, 가상 시간은 흐르지 않고 건너뜁니다)',
  tagline: '파이썬 asyncio의 동기화 패턴을 Node.js에서 실행하고 추적합니다',
  usage: '사용법:',
  runADemo: (bin) => `데모 실행 (예: ${bin} semaphore)`,
  moreHelp: (bin) => `데모 옵션은 '${bin} <demo> --help', 전체 도움말은 '${bin} --help'로 볼 수 있습니다.`,
  tableHead: ['데모', '패턴', '보여 주는 것'],
  ack: '취소하는 중… 정리를 기다립니다. 강제로 끝내려면 Ctrl-C를 한 번 더 누르세요',
  crashed: (demo, detail) => `데모 '${demo}' 비정상 종료: ${detail}`,
  checkFailed: (demo, failed) => `데모 '${demo}': 검사 실패: ${failed}`,
  spinner: (demo, running, waiting, at) => `${demo}  실행 ${running} · 대기 ${waiting}  ${at}`,
  unknownDemo: (name, guess) =>
    `알 수 없는 데모 '${name}'${guess === undefined ? '' : ` — 혹시 '${guess}'?`}`,
  render: {
    cannotRead: (file, reason) => `render: 파일 '${file}' 읽기 실패: ${reason}`,
    noSuchFile: '파일이 없음',
    noInput: 'render: 트레이스 파일을 주거나 파이프로 넘기세요',
    where: (name, line) => `render: ${name}, ${line}번째 줄`,
    notJson: (where, line) => `${where}: JSON이 아님: ${line}`,
    notEvent: (where) => `${where}: 트레이스 이벤트가 아님 (객체여야 함)`,
    version: (where, version) => `${where}: 지원하지 않는 트레이스 버전 ${version} (1이어야 함)`,
    field: (where, field, type) => `${where}: "${field}"는 ${type} 타입이어야 함`,
    empty: (name) => `render: ${name}에 트레이스 이벤트가 없음`,
  },
  fullHasNone: (name) =>
    `--full은 데모 모듈을 보여 줍니다. '${name}'에는 모듈이 없습니다. 대신 실행: code ${name}`,
  duration: { s: (n) => `${n}초`, min: (n) => `${n}분`, h: (n) => `${n}시간` },
  onRealClock: (speed) => (speed === 1 ? '실제 시계로' : `실제 시계 --speed ${speed}로`),
  refuse: (what, takes, clock, limit, faster) =>
    `${what}: ${clock} 약 ${takes} 걸립니다 (${limit} 초과). 그래도 실행하려면 --yes를 붙이고, 아니면 --virtual(즉시)${faster === undefined ? '' : ` 또는 --speed ${faster.speed}(약 ${faster.takes})`}로 실행하세요`,
  warn: (what, takes, clock, faster) =>
    `${what}: ${clock} 약 ${takes} 걸립니다. --virtual이면 바로 끝납니다${faster === undefined ? '' : ` (--speed ${faster.speed}이면 약 ${faster.takes})`}`,
};

export const CLI_TEXT: Readonly<Record<Lang, CliText>> = { en, ko };
