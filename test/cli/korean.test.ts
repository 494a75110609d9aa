import { stripVTControlCharacters } from 'node:util';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { CLI_TEXT } from '../../src/cli/messages.js';
import { langFromEnv } from '../../src/trace/lang.js';
import { TRACE_TEXT } from '../../src/trace/messages.js';
import { cli, ndjson, sh } from './helpers.js';

const KO = { LANG: 'ko_KR.UTF-8' };
const HANGUL = /[\uac00-\ud7a3]/;

/** The tables of `text`: runs of consecutive table lines. */
function tables(text: string): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  for (const line of text.split('\n')) {
    if (/^[┌│├└]/.test(line)) current.push(line);
    else if (current.length > 0) {
      out.push(current);
      current = [];
    }
  }
  if (current.length > 0) out.push(current);
  return out;
}

describe('the language', () => {
  it('comes from LC_ALL, then LC_MESSAGES, then LANG; Korean when it starts with ko', () => {
    expect(langFromEnv({ LANG: 'ko_KR.UTF-8' })).toBe('ko');
    expect(langFromEnv({ LANG: 'ko' })).toBe('ko');
    expect(langFromEnv({ LC_ALL: 'en_US.UTF-8', LANG: 'ko_KR.UTF-8' })).toBe('en');
    expect(langFromEnv({ LC_MESSAGES: 'ko_KR.UTF-8', LANG: 'en_US.UTF-8' })).toBe('ko');
    expect(langFromEnv({ LC_ALL: '', LANG: 'ko_KR.UTF-8' })).toBe('ko');
    expect(langFromEnv({ LANG: 'kok_IN' })).toBe('en');
    expect(langFromEnv({})).toBe('en');
  });

  it('has every key in both catalogues (the types say so; this says it at run time too)', () => {
    for (const catalogue of [CLI_TEXT, TRACE_TEXT]) {
      expect(Object.keys(catalogue.ko).sort()).toEqual(Object.keys(catalogue.en).sort());
    }
  });

  it('LANG=ko_KR.UTF-8 runs in Korean, as --lang ko does; --lang en overrides it', () => {
    const byEnv = cli(['semaphore', '--virtual', '--seed', '1', '--no-color'], { env: KO });
    const byFlag = cli(['semaphore', '--virtual', '--seed', '1', '--no-color', '--lang', 'ko']);
    expect(byEnv.status).toBe(0);
    expect(byEnv.stdout).toBe(byFlag.stdout);
    expect(byEnv.stdout).toContain('세마포어로 동시 실행 수 제한');
    expect(byEnv.stdout).toContain('✓ semaphore: 검사 3개 모두 통과');
    const english = cli(['semaphore', '--virtual', '--seed', '1', '--no-color', '--lang', 'en'], { env: KO });
    const plain = cli(['semaphore', '--virtual', '--seed', '1', '--no-color']);
    expect(english.stdout).toBe(plain.stdout);
    expect(english.stdout).not.toMatch(HANGUL);
  });

  it('refuses an unknown language with a usage error', () => {
    const { status, stdout, stderr } = cli(['semaphore', '--lang', 'fr']);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain("--lang must be one of en, ko, got 'fr'");
    const korean = cli(['semaphore', '--lang=xx'], { env: KO });
    expect(korean.status).toBe(2);
    expect(korean.stderr).toContain("--lang: en, ko 중 하나만 받습니다. 받은 값: 'xx'");
  });

  it('says usage errors and help in Korean', () => {
    const bad = cli(['semaphore', '--workers', '0'], { env: KO });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("오류: --workers: 1부터 100000까지의 정수만 받습니다. 받은 값: '0'");
    const unknown = cli(['semafore'], { env: KO });
    expect(unknown.stderr).toContain("알 수 없는 데모 'semafore' — 혹시 'semaphore'?");
    const help = cli(['semaphore', '--help'], { env: KO });
    expect(help.stdout).toContain('세마포어 크기 (허가 수), 1–100000 (기본 3)');
    expect(help.stdout).toContain('공통 옵션:');
  });

  it('NDJSON: run.start records the language; check names stay English in data, Korean in msg', () => {
    const events = ndjson(cli(['semaphore', '--virtual', '--seed', '1', '--json', '--lang', 'ko']).stdout);
    const start = events[0] as { type: string; data: Record<string, unknown> };
    expect(start.type).toBe('run.start');
    expect(start.data.lang).toBe('ko');
    expect(start.data.title).toBe('세마포어로 동시 실행 수 제한');
    const check = events.find((e) => e.type === 'check') as { data: Record<string, unknown>; msg: string };
    expect(check.data.name).toBe('max concurrency');
    expect(check.msg).toBe('최대 동시 실행 수');
    const english = ndjson(cli(['semaphore', '--virtual', '--seed', '1', '--json']).stdout);
    expect((english[0] as { data: Record<string, unknown> }).data.lang).toBe('en');
  });

  it('render speaks the language the trace records', () => {
    const trace = cli(['semaphore', '--virtual', '--seed', '1', '--json', '--lang', 'ko']).stdout;
    const rendered = cli(['render', '--no-color'], { input: trace });
    const live = cli(['semaphore', '--virtual', '--seed', '1', '--no-color', '--lang', 'ko']);
    expect(rendered.stdout).toBe(live.stdout);
  });
});

describe('Korean tables stay aligned (two columns per Hangul character)', () => {
  it('every row of the summary table has the same display width', () => {
    const { stdout } = cli(['semaphore', '--virtual', '--seed', '1', '--no-color', '--lang', 'ko']);
    const [summary] = tables(stdout);
    expect(summary!.join('\n')).toMatch(HANGUL);
    expect(new Set(summary!.map((line) => stringWidth(line))).size).toBe(1);
  });

  it('every row of the list table has the same display width, and the tutorial map lines up', () => {
    const { stdout } = cli(['list', '--no-color', '--lang', 'ko']);
    const [table] = tables(stdout);
    expect(table!.join('\n')).toMatch(HANGUL);
    expect(new Set(table!.map((line) => stringWidth(line))).size).toBe(1);
    // The map's second column (what to run) starts at one display column on every row.
    const map = stdout.split('\n').filter((line) => /^ {2}\S/.test(line) && / {2,}\S/.test(line.slice(2)));
    const columns = map.map((line) => stringWidth(line.slice(0, line.lastIndexOf('  ') + 2)));
    expect(map.length).toBe(15);
    expect(new Set(columns).size).toBe(1);
  });

  it('at 80 columns in a real terminal nothing is wider than the terminal', () => {
    for (const args of ['semaphore --virtual --seed 1', 'list', 'semaphore --help', '']) {
      const command = `stty cols 80 rows 24; node bin/async-sync-demo.js ${args}`.trim();
      // CI=1: no spinner on stderr (its redraws would share the captured pty).
      const { stdout } = sh(`script -qec ${JSON.stringify(command)} /dev/null`, { ...KO, CI: '1' });
      const lines = stripVTControlCharacters(stdout).replaceAll('\r', '').split('\n');
      expect(lines.join('\n'), args).toMatch(HANGUL);
      for (const line of lines) expect(stringWidth(line), `${args}: ${line}`).toBeLessThanOrEqual(80);
      for (const table of tables(lines.join('\n'))) {
        expect(new Set(table.map((line) => stringWidth(line))).size, args).toBe(1);
      }
    }
  });
});
