import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMOS } from '../../src/demos/registry.js';

/**
 * What a user gets from the registry: `npm pack`, installed into an empty
 * project, imported by name and run through its bin. (Dependencies come from
 * npm's cache, which `npm ci` filled; the registry only if something is missing.)
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = (name: string) => join(root, 'node_modules/.bin', name);
let dir: string;

const node = (args: string[]) =>
  execFileSync(process.execPath, args, {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();

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

test('the installed package exports the primitives from its root and the executor from /node', () => {
  writeFileSync(
    join(dir, 'use.js'),
    `import { Semaphore, Lock, Event, Condition, BoundedSemaphore, Barrier, Queue, PriorityQueue, LifoQueue,
       CancelledError, QueueShutDown, createTask, gather, VirtualClock } from 'async-sync-demo';
     import { Executor, runInExecutor, Recorder, Semaphore as NodeSemaphore } from 'async-sync-demo/node';
     const sem = new Semaphore(2);
     const held = await sem.acquire();
     held.release();
     const names = [Lock, Event, Condition, BoundedSemaphore, Barrier, Queue, PriorityQueue, LifoQueue,
       CancelledError, QueueShutDown, createTask, gather, VirtualClock, Executor, runInExecutor, Recorder]
       .map((x) => typeof x);
     console.log(sem.value, new Set(names).size === 1 && names[0], NodeSemaphore === Semaphore);`,
  );
  expect(node(['use.js'])).toBe('2 function true');
});

test('every exported class keeps its name, and both entries export the same objects', () => {
  writeFileSync(
    join(dir, 'names.js'),
    `const root = await import('async-sync-demo');
     const node = await import('async-sync-demo/node');
     const isClass = (v) => typeof v === 'function' && /^class\\b/.test(Function.prototype.toString.call(v));
     const renamed = Object.entries(node).filter(([k, v]) => isClass(v) && v.name !== k).map(([k, v]) => k + ' is ' + v.name);
     const differ = Object.keys(root).filter((k) => root[k] !== node[k]);
     console.log(Object.values(node).filter(isClass).length > 20, JSON.stringify(renamed), JSON.stringify(differ));`,
  );
  expect(node(['names.js'])).toBe('true [] []');
});

test('the bundled Node entry runs jobs on worker threads; errors are one class across entries', () => {
  writeFileSync(
    join(dir, 'executor.js'),
    `import { CancelledError } from 'async-sync-demo';
     import { runInExecutor, shutdownDefaultExecutor, defaultExecutor } from 'async-sync-demo/node';
     const fib = await runInExecutor(null, 'fib', 20);
     const controller = new AbortController();
     const job = defaultExecutor().run('blockingSleep', [5000], { signal: controller.signal });
     setTimeout(() => controller.abort(), 50);
     const err = await job.catch((e) => e);
     await shutdownDefaultExecutor();
     console.log(fib, err instanceof CancelledError);`,
  );
  expect(node(['executor.js'])).toBe('6765 true');
});

test('CommonJS require() loads both entries (Node >= 20.19 require(esm))', () => {
  writeFileSync(
    join(dir, 'use.cjs'),
    `const { Semaphore, Queue } = require('async-sync-demo');
     const { Executor, Semaphore: NodeSemaphore } = require('async-sync-demo/node');
     const q = new Queue();
     q.putNowait(7);
     new Semaphore(1).run(async () => console.log(q.getNowait(), typeof Executor, NodeSemaphore === Semaphore));`,
  );
  expect(node(['--no-warnings', 'use.cjs'])).toBe('7 function true');
});

test('a TypeScript .cts consumer (module nodenext) type-checks, compiles to require() and runs', () => {
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        lib: ['es2023', 'esnext.disposable'],
        types: ['node'],
        typeRoots: [join(root, 'node_modules/@types')],
        strict: true,
        skipLibCheck: false,
        outDir: 'out',
      },
      files: ['use.cts'],
    }),
  );
  writeFileSync(
    join(dir, 'use.cts'),
    `import { Queue, Semaphore, type Held } from 'async-sync-demo';
     import { type ExecutorOptions, jobs } from 'async-sync-demo/node';
     const options: ExecutorOptions = { maxWorkers: 1 };
     async function main(): Promise<void> {
       const queue = new Queue<number>(1);
       await queue.put(41);
       const held: Held = await new Semaphore(1).acquire();
       held.release();
       console.log(queue.getNowait() + 1, options.maxWorkers, typeof jobs.blockingSleep);
     }
     void main();`,
  );
  execFileSync(bin('tsc'), ['-p', 'tsconfig.json'], { cwd: dir, encoding: 'utf8' });
  const compiled = readFileSync(join(dir, 'out/use.cjs'), 'utf8');
  expect(compiled).toMatch(/require\("async-sync-demo"\)/);
  expect(node(['--no-warnings', 'out/use.cjs'])).toBe('42 1 function');
});

describe('the portable root', () => {
  const browserEntry = `import { Queue, Semaphore, sleep, TimeoutError, VirtualClock, withTimeout } from 'async-sync-demo';
    const clock = new VirtualClock();
    const timedOut = withTimeout(50, (signal) => sleep(1000, { clock, signal }), { clock }).then(
      () => 'no timeout',
      (err) => (err instanceof TimeoutError ? \`timeout at \${clock.now()}\` : String(err)),
    );
    const sem = new Semaphore(2);
    const queue = new Queue();
    let inside = 0;
    let most = 0;
    const work = async (i) => {
      inside++;
      most = Math.max(most, inside);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inside--;
      await queue.put(i);
    };
    globalThis.result = Promise.all([1, 2, 3, 4, 5].map((i) => sem.run(() => work(i)))).then(
      async () => \`\${most} \${[1, 2, 3, 4, 5].map(() => queue.getNowait()).join(',')} \${await timedOut}\`,
    );`;

  const bundle = (entry: string) => {
    writeFileSync(join(dir, 'browser.js'), entry);
    execFileSync(
      bin('esbuild'),
      [
        'browser.js',
        '--bundle',
        '--platform=browser',
        '--format=iife',
        '--metafile=meta.json',
        '--outfile=bundle.js',
      ],
      { cwd: dir, stdio: 'pipe' },
    );
    const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
    return { code: readFileSync(join(dir, 'bundle.js'), 'utf8'), inputs: Object.keys(meta.inputs) };
  };

  test('Semaphore + Queue (+ VirtualClock, withTimeout) bundle for the browser with no externals and run with only web globals', async () => {
    const { code, inputs } = bundle(browserEntry);
    expect(inputs.filter((input) => input.startsWith('node:') || !input.includes('/'))).toEqual([
      'browser.js',
    ]);
    expect(code).not.toMatch(/\brequire\(|from ['"]node:/);
    // A context without Node's globals: no process, require, Buffer or setImmediate.
    const sandbox: Record<string, unknown> = {
      setTimeout,
      clearTimeout,
      queueMicrotask,
      AbortController,
      AbortSignal,
      EventTarget,
      Event,
      DOMException,
    };
    runInNewContext(code, sandbox);
    expect(await (sandbox.result as Promise<string>)).toBe('2 1,2,3,4,5 timeout at 50');
  });

  test('the Node entry does not bundle for the browser (the check above can fail)', () => {
    expect(() => bundle(`import { Executor } from 'async-sync-demo/node'; console.log(Executor);`)).toThrow(
      /node:/,
    );
  });

  test('the bundle runs in a real browser (headless Chromium)', () => {
    const { code } = bundle(browserEntry);
    writeFileSync(
      join(dir, 'page.html'),
      `<!doctype html><title>x</title><script>${code}
       result.then((text) => { document.title = 'ok ' + text; }, (err) => { document.title = 'error ' + err; });
       </script>`,
    );
    const dom = execFileSync(
      '/usr/bin/chromium',
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--virtual-time-budget=5000',
        '--dump-dom',
        `file://${join(dir, 'page.html')}`,
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 },
    );
    expect(dom).toMatch(/<title>ok 2 1,2,3,4,5 timeout at 50<\/title>/);
  });

  test('importing the root loads no Node built-in (a resolve hook refuses them)', () => {
    writeFileSync(
      join(dir, 'hooks.mjs'),
      `import { isBuiltin } from 'node:module';
       export async function resolve(specifier, context, next) {
         if (isBuiltin(specifier) && context.parentURL?.includes('/node_modules/')) {
           throw new Error(\`\${context.parentURL} imports the Node built-in \${specifier}\`);
         }
         return next(specifier, context);
       }`,
    );
    writeFileSync(
      join(dir, 'register.mjs'),
      `import { register } from 'node:module';
       register('./hooks.mjs', import.meta.url);`,
    );
    writeFileSync(
      join(dir, 'root.mjs'),
      `const m = await import(process.argv[2]); console.log(typeof m.Semaphore);`,
    );
    expect(node(['--import', './register.mjs', 'root.mjs', 'async-sync-demo'])).toBe('function');
    // The hook does bite: the Node entry imports node:async_hooks.
    expect(() => node(['--import', './register.mjs', 'root.mjs', 'async-sync-demo/node'])).toThrow(
      /imports the Node built-in node:/,
    );
  });
});

/** The primitives, tasks, timeouts and the virtual clock in one scenario, importing only the root. */
const portableScenario = `import { Barrier, Condition, createTask, Event, gather, Lock, Queue, Semaphore, sleep, TaskGroup, TimeoutError, VirtualClock, withTimeout } from 'async-sync-demo';
const clock = new VirtualClock();
const sem = new Semaphore(2);
let inside = 0, most = 0;
await gather([1, 2, 3, 4, 5].map((i) => sem.run(async () => { inside++; most = Math.max(most, inside); await sleep(10 * i, { clock }); inside--; })));
const q = new Queue(1);
const consumer = createTask(async () => { const got = []; for (let i = 0; i < 3; i++) got.push(await q.get()); return got; });
for (const x of [1, 2, 3]) await q.put(x);
const lock = new Lock(); const cond = new Condition(lock); const ev = new Event(); const barrier = new Barrier(2);
const waiter = cond.run(() => cond.waitFor(() => ev.isSet()));
await sleep(1, { clock }); ev.set(); await cond.run(() => cond.notifyAll());
const idx = await Promise.all([barrier.wait(), barrier.wait()]);
let timeout = '';
try { await withTimeout(5, (signal) => sleep(100, { clock, signal }), { clock }); } catch (e) { timeout = e instanceof TimeoutError ? 'timeout' : String(e); }
let group = '';
try { await TaskGroup.run(async (tg) => { tg.createTask((signal) => sleep(1000, { clock, signal })); tg.createTask(async () => { throw new Error('boom'); }); }); } catch (e) { group = e.errors.map((x) => x.message).join(); }
await waiter;
console.log(most, (await consumer).join(','), idx.sort().join(','), timeout, group, clock.now());
`;

test('the root runs the same under Bun (installed from npm) as under Node', () => {
  writeFileSync(join(dir, 'portable.mjs'), portableScenario);
  const expected = '2 1,2,3 0,1 timeout boom 96';
  expect(node(['portable.mjs'])).toBe(expected);
  const bun = execFileSync(bin('bun'), ['portable.mjs'], { cwd: dir, encoding: 'utf8' }).trim();
  expect(bun).toBe(expected);
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

test("the installed bin prints a demo's TypeScript source (code <demo> reads the shipped src/demos/)", () => {
  const out = execFileSync(join(dir, 'node_modules/.bin/async-sync-demo'), ['code', 'semaphore'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  expect(out).toMatch(/new Semaphore\(/);
});

test('the tarball holds what the package needs and nothing more', () => {
  const listing = execFileSync('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], {
    cwd: root,
    encoding: 'utf8',
  });
  const files: string[] = JSON.parse(listing)[0].files.map((f: { path: string }) => f.path);
  expect(files).toContain('dist/index.d.ts');
  expect(files).toContain('bin/async-sync-demo.js');
  expect(files).toContain('schema/trace-v1.schema.json');
  expect(files).toContain('src/demos/semaphore.ts'); // `code <demo>` prints it
  // `code <demo>` prints the example; `code testing` the example and its test.
  for (const info of DEMOS) expect(files).toContain(`examples/${info.name}.ts`);
  expect(files).toContain('examples/testing.ts');
  expect(files).toContain('examples/testing.test.ts');
  expect(files).toContain('dist/bundle/index.js'); // what the exports map points at
  expect(files).toContain('dist/bundle/node/index.js');
  expect(files).toContain('dist/bundle/node/executor-worker.js'); // the worker threads' script
  expect(files).toContain('examples/tour.ts'); // the README links to it
  expect(files).toContain('docs/executor.md');
  expect(files).toContain('CHANGELOG.md');
  expect(files.filter((f) => /^(test|bench|node_modules|\.ci)\//.test(f))).toEqual([]);
  // No source maps (the sources are not shipped), no declarations nobody imports,
  // no source but the demos that `code <demo>` prints.
  expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
  // tsc's unbundled entries: the exports map loads dist/bundle/, the CLI imports deeper modules.
  expect(files).not.toContain('dist/index.js');
  expect(files).not.toContain('dist/node/index.js');
  // Every relative link of the README and the shipped docs points at a shipped file.
  for (const doc of files.filter((f) => f.endsWith('.md'))) {
    const text = readFileSync(join(root, doc), 'utf8');
    for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      expect(files, `${doc} links to ${target}`).toContain(join(doc, '..', target));
    }
  }
  expect(files.filter((f) => /^dist\/(cli|demos)\/.*\.d\.ts$/.test(f))).toEqual([]);
  expect(files.filter((f) => f.startsWith('src/') && !f.startsWith('src/demos/'))).toEqual([]);
});
