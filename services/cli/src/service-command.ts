// `tocsin service <name>`: runs one service against Kafka, one process per
// service. Each service's main module is its composition root: it reads its
// environment, fails fast on bad configuration and handles SIGTERM itself.
import type { CommandIo } from './io';

const SERVICES: Record<string, () => Promise<unknown>> = {
  ingest: () => import('@tocsin/ingest/main'),
  detect: () => import('@tocsin/detect/main'),
  // With detect's scoring for the detector tuning routes (the alert service does not import detect).
  alert: () => import('./alert-service'),
  desk: () => import('@tocsin/desk/main'),
};

export async function runServiceCommand(argv: string[], io: CommandIo): Promise<number> {
  const name = argv[0];
  const load = name ? SERVICES[name] : undefined;
  if (!load || argv.length > 1) {
    io.stderr.write(`tocsin service: usage: tocsin service <${Object.keys(SERVICES).join('|')}> (configuration from the environment: docs/operations.md)\n`);
    return 2;
  }
  if (!process.env['KAFKA_BROKERS']) {
    io.stderr.write(`tocsin service ${name}: KAFKA_BROKERS is not set; a single service runs against Kafka (use \`npm start\` for the embedded pipeline)\n`);
    return 2;
  }
  await load();
  // The service keeps the process alive and exits on SIGTERM by itself.
  await new Promise<never>(() => {});
  return 0;
}
