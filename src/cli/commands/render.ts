import { readFile } from 'node:fs/promises';
import { loadRenderer } from '../../trace/renderers/index.js';
import type { TraceEvent } from '../../trace/types.js';
import { UsageError } from '../errors.js';
import { type Io, renderSettings } from '../io.js';
import { CLI_TEXT, type CliText } from '../messages.js';
import { BIN } from '../program.js';

const FORMATS = ['pretty', 'chrome', 'html'] as const;

/**
 * `render [file]`: reads a v1 NDJSON trace (a file, or stdin when no file is
 * given) and renders it exactly as the live run would have — pretty lines,
 * timeline, summary and checks — or converts it to a Chrome trace. The whole
 * input is checked before anything is written, so a bad trace prints nothing
 * on stdout.
 */
export async function renderCommand(
  io: Io,
  file: string | undefined,
  options: { format?: string },
): Promise<void> {
  const format = options.format ?? 'pretty';
  if (!(FORMATS as readonly string[]).includes(format)) {
    const t = io.text;
    throw new UsageError(t.mustBe('--format', t.accepted.oneOf(FORMATS.join(', ')), format));
  }
  const { text, name } = await readInput(io, file);
  const events = parseTrace(text, name, io.text);
  const factory = await loadRenderer(format as (typeof FORMATS)[number]);
  if (format === 'html') {
    const runs = events.filter((event) => event.type === 'run.start').length;
    if (runs > 1) {
      throw new UsageError(
        `render: ${name} holds ${runs} runs; --format html replays one (save each run's trace apart)`,
      );
    }
  }
  const { reproduceCommand } = await import('../replay.js');
  const renderer = factory({ ...renderSettings(io), command: reproduceCommand });
  for (const event of events) renderer.event(event);
  renderer.end();
}

async function readInput(io: Io, file: string | undefined): Promise<{ text: string; name: string }> {
  if (file !== undefined && file !== '-') {
    try {
      return { text: await readFile(file, 'utf8'), name: file };
    } catch (err) {
      const reason =
        (err as NodeJS.ErrnoException).code === 'ENOENT' ? io.text.render.noSuchFile : (err as Error).message;
      throw new UsageError(io.text.render.cannotRead(file, reason));
    }
  }
  if (io.stdin.isTTY === true) {
    throw new UsageError(
      io.text.render.noInput,
      `${BIN} semaphore --json > run.ndjson && ${BIN} render run.ndjson`,
    );
  }
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(chunk as Buffer);
  return { text: Buffer.concat(chunks).toString('utf8'), name: 'stdin' };
}

const REQUIRED: [keyof TraceEvent, string][] = [
  ['seq', 'number'],
  ['t', 'number'],
  ['demo', 'string'],
  ['task', 'string'],
  ['type', 'string'],
];

/** The events of an NDJSON trace; throws a UsageError naming the first bad line. */
export function parseTrace(text: string, name: string, words: CliText = CLI_TEXT.en): TraceEvent[] {
  const t = words.render;
  const events: TraceEvent[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const where = t.where(name, i + 1);
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new UsageError(t.notJson(where, line.length > 60 ? `${line.slice(0, 59)}…` : line));
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new UsageError(t.notEvent(where));
    }
    const event = value as Record<string, unknown>;
    if (event.v !== 1) throw new UsageError(t.version(where, String(JSON.stringify(event.v))));
    for (const [field, type] of REQUIRED) {
      if (typeof event[field] !== type) throw new UsageError(t.field(where, field, type));
    }
    events.push(event as unknown as TraceEvent);
  }
  if (events.length === 0) throw new UsageError(t.empty(name));
  return events;
}
