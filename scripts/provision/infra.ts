// Starts the integration-test servers in the foreground so int tests can be rerun quickly:
//   npx tsx scripts/provision/infra.ts up
// then paste the printed `export` lines into the shell that runs vitest.
import { REUSE_ENV, startTestInfra } from './test-infra';

const USAGE = 'usage: npx tsx scripts/provision/infra.ts up';

async function up(): Promise<void> {
  // Starting fresh servers is the point here; inherited TOCSIN_TEST_* would only be reused.
  const env = { ...process.env };
  for (const variable of Object.values(REUSE_ENV)) delete env[variable];

  const infra = await startTestInfra({ env, log: (line) => console.error(line) });
  const { addresses } = infra;
  console.log(
    [
      `export ${REUSE_ENV.kafkaBrokers}=${addresses.kafkaBrokers}`,
      `export ${REUSE_ENV.kafkaVersion}=${addresses.kafkaVersion}`,
      `export ${REUSE_ENV.influxUrl}=${addresses.influxUrl}`,
      `export ${REUSE_ENV.victoriaUrl}=${addresses.victoriaUrl}`,
    ].join('\n'),
  );
  console.error('running; press Ctrl-C to stop');

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.error(`${signal}: stopping`);
    infra.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  // Keep the event loop alive until a signal arrives.
  setInterval(() => undefined, 1 << 30);
}

const command = process.argv[2];
if (command === 'up') {
  up().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
} else {
  console.error(USAGE);
  process.exit(2);
}
