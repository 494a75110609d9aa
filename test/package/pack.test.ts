import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEMOS } from '../../src/demos/registry.js';

/**
 * What a user gets from the registry: `npm pack`, installed into an empty
 * project, imported by name and run through its bin. (Dependencies come from
 * npm's cache, which `npm ci` filled; the registry only if something is missing.)
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'asd-pack-'));
  // --ignore-scripts: `prepare` would rebuild dist/ (built by the global setup) while other test files run it.
  execFileSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', dir], {
    cwd: root,
    stdio: 'pipe',
  });
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', `./${tarball}`], {
    cwd: dir,
    stdio: 'pipe',
  });
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the installed package exports the primitives from its root', () => {
  writeFileSync(
    join(dir, 'use.js'),
    `import { Semaphore, Lock, Event, Condition, BoundedSemaphore, Barrier, Queue, PriorityQueue, LifoQueue,
       CancelledError, QueueShutDown, createTask, gather, VirtualClock, Executor } from 'async-sync-demo';
     const sem = new Semaphore(2);
     const held = await sem.acquire();
     held.release();
     const names = [Lock, Event, Condition, BoundedSemaphore, Barrier, Queue, PriorityQueue, LifoQueue,
       CancelledError, QueueShutDown, createTask, gather, VirtualClock, Executor].map((x) => typeof x);
     console.log(sem.value, new Set(names).size === 1 && names[0]);`,
  );
  expect(execFileSync(process.execPath, ['use.js'], { cwd: dir, encoding: 'utf8' }).trim()).toBe(
    '2 function',
  );
});

test('the installed bin runs a demo', () => {
  const out = execFileSync(
    join(dir, 'node_modules/.bin/async-sync-demo'),
    ['semaphore', '--virtual', '--quiet', '--no-color'],
    {
      cwd: dir,
      encoding: 'utf8',
    },
  );
  expect(out).toMatch(/semaphore: all 3 checks passed/);
  const code = execFileSync(join(dir, 'node_modules/.bin/async-sync-demo'), ['code', 'queue'], {
    cwd: dir,
    encoding: 'utf8',
  });
  expect(code).toBe(readFileSync(join(root, 'examples/queue.ts'), 'utf8'));
});

test('the tarball holds what the package needs and nothing more', () => {
  const listing = execFileSync('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], {
    cwd: root,
    encoding: 'utf8',
  });
  const files: string[] = JSON.parse(listing)[0].files.map((f: { path: string }) => f.path);
  expect(files).toContain('dist/index.js');
  expect(files).toContain('dist/index.d.ts');
  expect(files).toContain('bin/async-sync-demo.js');
  expect(files).toContain('schema/trace-v1.schema.json');
  expect(files).toContain('src/demos/semaphore.ts'); // `code <demo> --full` prints it
  // `code <demo>` prints the example; `code testing` the example and its test.
  for (const info of DEMOS) expect(files).toContain(`examples/${info.name}.ts`);
  expect(files).toContain('examples/testing.ts');
  expect(files).toContain('examples/testing.test.ts');
  expect(files.filter((f) => /^(test|bench|node_modules|\.ci)\//.test(f))).toEqual([]);
});
