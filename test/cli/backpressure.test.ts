import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Output } from '../../src/cli/output.js';
import { DEMOS } from '../../src/demos/registry.js';
import { runDemo } from '../../src/demos/runner.js';
import { createJsonRenderer } from '../../src/trace/renderers/json.js';

/**
 * A real reader in its own process: it reads nothing until told `go`, then
 * one chunk at a time with a pause after each; at the end of its stdin it
 * reports how many bytes it read and their SHA-256.
 */
const READER = `
const hash = require('node:crypto').createHash('sha256');
let bytes = 0;
process.stdin.on('data', (chunk) => {
  bytes += chunk.length;
  hash.update(chunk);
  process.stdin.pause();
  setTimeout(() => process.stdin.resume(), 1);
});
process.stdin.pause();
process.on('message', () => process.stdin.resume());
process.stdin.on('end', () => process.send({ bytes, sha: hash.digest('hex') }, () => process.disconnect()));
`;

interface Read {
  bytes: number;
  sha: string;
}

function slowReader(): { child: ChildProcess; go(): void; result: Promise<Read> } {
  const child = spawn(process.execPath, ['-e', READER], { stdio: ['pipe', 'ignore', 'inherit', 'ipc'] });
  const result = new Promise<Read>((resolve, reject) => {
    child.once('message', (message) => resolve(message as Read));
    child.once('error', reject);
  });
  return { child, go: () => child.send('go'), result };
}

const lock = DEMOS.find((demo) => demo.name === 'lock')!;
// About 11 MB of NDJSON, made over some 60,000 steps of the virtual clock (each a few events).
const OPTIONS = { tasks: 10, increments: 2_000, lock: true, shared: true };

/** The lock demo as the CLI runs it, its NDJSON written through `Output` into the reader's stdin. */
async function pipedRun(held: boolean, readFromStart: boolean) {
  const reader = slowReader();
  const stdin = reader.child.stdin!;
  const out = new Output(stdin as unknown as NodeJS.WriteStream);
  const renderer = createJsonRenderer({ write: out.write, colorLevel: 0, width: 80, ascii: true });
  let peak = 0;
  let written = 0;
  const hash = createHash('sha256');
  const measure = (): void => {
    peak = Math.max(peak, stdin.writableLength);
  };
  if (readFromStart) reader.go();
  const result = await runDemo(lock, OPTIONS, {
    seed: 1,
    virtual: true,
    speed: 1,
    signal: new AbortController().signal,
    keepEvents: false,
    listeners: [
      (event) => {
        const line = `${JSON.stringify(event)}\n`;
        written += Buffer.byteLength(line);
        hash.update(line);
        renderer.event(event);
        measure();
      },
    ],
    ...(held ? { backpressure: out } : {}),
  });
  renderer.end();
  out.flush();
  measure();
  if (!readFromStart) reader.go();
  stdin.end();
  return { status: result.status, peak, written, sha: hash.digest('hex'), read: await reader.result };
}

describe('stdout backpressure (a real pipe to a slow reader)', () => {
  it('a virtual run waits for a backed-up pipe: what waits in memory stays bounded, and every byte arrives unchanged', async () => {
    const run = await pipedRun(true, true);
    expect(run.status).toBe('ok');
    expect(run.written).toBeGreaterThan(10_000_000);
    // The stream's high-water mark (16 KiB), one 64 KiB batch and what one clock step writes.
    expect(run.peak).toBeLessThan(256 * 1024);
    expect(run.read).toEqual({ bytes: run.written, sha: run.sha });
  });

  it('without it the same run queues most of its output in memory (the measure above can fail)', async () => {
    const run = await pipedRun(false, false);
    expect(run.status).toBe('ok');
    // All but what the pipe itself holds (64 KiB on Linux) waits in the stream's buffer.
    expect(run.peak).toBeGreaterThan(run.written / 2);
    expect(run.read).toEqual({ bytes: run.written, sha: run.sha });
  });
});
