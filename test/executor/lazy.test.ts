import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

// Importing the package for a Semaphore must not pay for the worker pool: piscina loads with the first job.
test('piscina is loaded by the first job, not by importing the package or constructing an executor', () => {
  const script = `
    import { createRequire } from 'node:module';
    const cache = createRequire(import.meta.url).cache;
    const piscina = () => Object.keys(cache).some((file) => file.includes('/node_modules/piscina/'));
    const { Executor, builtinJobsUrl } = await import('async-sync-demo/node'); // the bundled Node entry, through the exports map
    const seen = [piscina()];
    const pool = new Executor(builtinJobsUrl(), { maxWorkers: 1 });
    seen.push(piscina());
    seen.push(await pool.run('echo', [42]));
    seen.push(piscina());
    await pool.close();
    console.log(JSON.stringify(seen));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    encoding: 'utf8',
  });
  expect(JSON.parse(out)).toEqual([false, false, 42, true]);
});
