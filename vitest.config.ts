import { defineConfig } from 'vitest/config';

// Two projects in one run:
// - unit: pure tests, no external processes;
// - int:  tests named *.int.test.ts that need the real parts (Kafka, InfluxDB,
//         VictoriaMetrics, Chromium). Its global setup starts them on loopback
//         and hands their addresses to tests through `inject`.
export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['services/*/test/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'int',
          include: ['services/*/test/**/*.int.test.ts', 'test/**/*.int.test.ts'],
          globalSetup: ['test/infra/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
