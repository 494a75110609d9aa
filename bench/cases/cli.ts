/**
 * Case 8: CLI start-up — whole-process wall time of the built CLI
 * (`node bin/async-sync-demo.js --version`, `--help`, `list`, `semaphore --help`) against
 * `node -e ""`, the cost of starting Node at all. Commands run one after the
 * other in each round (the order rotates), several rounds; reported: median
 * wall time and the median of the per-round ratios to `node -e ""`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type CaseResult, caseArgs, emit, median, quantile } from '../harness.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = `${root}bin/async-sync-demo.js`;
const cliEntry = `${root}dist/cli/main.js`;
const { quick } = caseArgs();
const rounds = quick ? 5 : 21;

interface Command {
  name: string;
  key: string;
  args: string[];
}

const commands: Command[] = [
  { name: 'node -e "" (floor)', key: 'node', args: ['-e', ''] },
  { name: 'async-sync-demo --version', key: 'version', args: [bin, '--version'] },
  { name: 'async-sync-demo --help', key: 'help', args: [bin, '--help'] },
  { name: 'async-sync-demo list', key: 'list', args: [bin, 'list'] },
  { name: 'async-sync-demo semaphore --help', key: 'demo-help', args: [bin, 'semaphore', '--help'] },
];

function run(command: Command): number {
  const start = performance.now();
  const child = spawnSync(process.execPath, command.args, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  const elapsed = performance.now() - start;
  if (child.status !== 0) {
    throw new Error(`${command.name} exited with ${child.status}: ${child.stderr.toString().slice(0, 300)}`);
  }
  return elapsed;
}

const result: CaseResult = { id: '8', title: 'CLI start-up', groups: [], notes: [] };
if (!existsSync(cliEntry)) {
  result.groups.push({
    title: 'CLI start-up (whole process)',
    unit: 'process',
    floor: commands[0].name,
    rows: commands.map((c, i) => ({
      name: c.name,
      key: c.key,
      role: i === 0 ? 'floor' : 'ours',
      status: 'skipped',
      rounds: 0,
      note: 'not available yet: the CLI (dist/cli/main.js) is not on this branch',
    })),
  });
  result.notes.push('Skipped: the CLI has not landed on this branch yet.');
} else {
  const times = commands.map((): number[] => []);
  for (const c of commands) run(c); // warm the file system cache
  for (let r = 0; r < rounds; r++) {
    const t: number[] = [];
    for (let k = 0; k < commands.length; k++) {
      const i = (k + r) % commands.length;
      t[i] = run(commands[i]);
    }
    commands.forEach((_, i) => {
      times[i].push(t[i]);
    });
  }
  result.groups.push({
    title: 'CLI start-up (whole process)',
    unit: 'process',
    floor: commands[0].name,
    rows: commands.map((c, i) => {
      const ratios = times[i].map((t, r) => t / times[0][r]).sort((a, b) => a - b);
      return {
        name: c.name,
        key: c.key,
        role: i === 0 ? 'floor' : 'ours',
        status: 'ok',
        rounds,
        ns: median(times[i]) * 1e6,
        ratio: quantile(ratios, 0.5),
        p25: quantile(ratios, 0.25),
        p75: quantile(ratios, 0.75),
      };
    }),
  });
  result.notes.push(
    `Wall time of the whole process (spawnSync, ${process.execPath}), ${rounds} rounds, the ${commands.length} commands one after the other in rotating order; stdout and stderr piped, NO_COLOR=1.`,
  );
}
emit(result);
