/**
 * The languages every human-readable text comes in. Each part keeps its own
 * catalogue (a demo's next to the demo, the CLI's in the CLI, the renderers'
 * in `trace/messages.ts`): an `en` object of strings and functions of their
 * values, and a `ko` typed as `typeof en`, so a key missing from either is a
 * compile error.
 */

export const LANGS = ['en', 'ko'] as const;

export type Lang = (typeof LANGS)[number];

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}

/**
 * The language the environment asks for: the first of `LC_ALL`,
 * `LC_MESSAGES`, `LANG` that is set and not empty decides (POSIX order);
 * Korean when it starts with `ko` (`ko_KR.UTF-8`), else English.
 */
export function langFromEnv(env: Readonly<Record<string, string | undefined>>): Lang {
  for (const name of ['LC_ALL', 'LC_MESSAGES', 'LANG']) {
    const value = env[name];
    if (value !== undefined && value !== '') return /^ko(?:[_.@-]|$)/i.test(value) ? 'ko' : 'en';
  }
  return 'en';
}
