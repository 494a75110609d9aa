import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // examples/ import the package by name, as a user would; tests run them on the
    // sources (tsconfig.json's `paths` says the same to tsc and tsx).
    alias: [
      { find: /^async-sync-demo$/, replacement: source('./src/index.ts') },
      { find: /^async-sync-demo\/node$/, replacement: source('./src/node/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    // CLI tests spawn bin/async-sync-demo.js, which runs dist/: build it once first.
    globalSetup: ['test/cli/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
