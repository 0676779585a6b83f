import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Tests beside pure logic (src/**/*.test.ts) and the stories and e2e tests under test/.
    include: ['test/**/*.test.ts', 'src/**/*.test.ts', 'web/src/**/*.test.ts'],
    // Adapters tested without an app reach the stand-ins on loopback (see YEYAK_OUTBOUND_ALLOW).
    env: { YEYAK_OUTBOUND_ALLOW: '127.0.0.1,localhost,[::1]' },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
