import type { ChalkInstance } from 'chalk';

const KEYWORDS = new Set(
  (
    'abstract as async await break case catch class const continue default delete do else enum export extends ' +
    'false finally for from function if implements import in instanceof interface let new null of private ' +
    'protected public readonly return satisfies static super switch this throw true try type typeof undefined ' +
    'using var void while yield'
  ).split(' '),
);

const TOKEN =
  /(\/\/[^\n]*|\/\*[\s\S]*?\*\/)|('(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`)|(\b\d[\d_]*(?:\.\d+)?\b)|([A-Za-z_$][\w$]*)/g;

/** TypeScript source with comments dimmed, strings green, numbers yellow and keywords bold blue. */
export function highlight(source: string, chalk: ChalkInstance): string {
  if (chalk.level === 0) return source;
  return source.replace(TOKEN, (match, comment, string, number, word) => {
    if (comment !== undefined) return chalk.dim(match);
    if (string !== undefined) return chalk.green(match);
    if (number !== undefined) return chalk.yellow(match);
    if (word !== undefined && KEYWORDS.has(match)) return chalk.bold.blue(match);
    return match;
  });
}
