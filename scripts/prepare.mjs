// `npm install` in a clone builds the package (prepare). The build needs the dev dependencies
// (typescript, esbuild); under `npm ci --omit=dev` they are absent, so say that plainly instead of
// failing with "tsc: not found" somewhere in npm's log.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const missing = ['typescript', 'esbuild'].filter((name) => {
  try {
    require.resolve(`${name}/package.json`);
    return false;
  } catch {
    return true;
  }
});
if (missing.length > 0) {
  process.stderr.write(
    `async-sync-demo: building from source needs the dev dependencies (${missing.join(', ')} missing).\n` +
      '  Install them with `npm install` (without --omit=dev), or install the published package instead.\n',
  );
  process.exit(1);
}
const npm = process.env.npm_execpath;
const build = npm
  ? spawnSync(process.execPath, [npm, 'run', 'build'], { stdio: 'inherit' })
  : spawnSync('npm', ['run', 'build'], { stdio: 'inherit', shell: process.platform === 'win32' });
process.exit(build.status ?? 1);
