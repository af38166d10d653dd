import { defineConfig } from 'vitest/config';

// Every core test runs twice: on the portable default (@noble/hashes, WebCrypto) and on the
// node:crypto backend selected by the `node` export condition.
export default defineConfig({
  test: {
    projects: [
      { extends: true, test: { name: 'portable', setupFiles: ['./test/setup/portable.ts'] } },
      { extends: true, test: { name: 'node', setupFiles: ['./test/setup/node.ts'] } },
    ],
    include: ['test/**/*.test.ts'],
    testTimeout: 15_000,
  },
});
