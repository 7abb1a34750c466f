import type { TestProject } from 'vitest/node';
import { startTestInfra } from '../../scripts/provision/test-infra';

// Tests read the addresses with `inject('kafkaBrokers')` etc.; the types are in provided-context.d.ts.

/**
 * Global setup of the `int` project: starts Kafka, InfluxDB and VictoriaMetrics (or reuses
 * those named by TOCSIN_TEST_KAFKA_BROKERS / TOCSIN_TEST_INFLUX_URL / TOCSIN_TEST_VICTORIA_URL)
 * and stops them when the run ends.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const infra = await startTestInfra({ log: (line) => console.log(`[test-infra] ${line}`) });
  console.log(`[test-infra] ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  project.provide('kafkaBrokers', infra.addresses.kafkaBrokers);
  project.provide('kafkaVersion', infra.addresses.kafkaVersion);
  project.provide('influxUrl', infra.addresses.influxUrl);
  project.provide('influxVersion', infra.addresses.influxVersion);
  project.provide('victoriaUrl', infra.addresses.victoriaUrl);
  return async () => {
    const stopping = Date.now();
    await infra.stop();
    console.log(`[test-infra] stopped in ${((Date.now() - stopping) / 1000).toFixed(1)} s`);
  };
}
