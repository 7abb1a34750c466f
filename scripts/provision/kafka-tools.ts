// Fetches Kafka's command-line tools (the jars behind kafka-topics.sh and kafka-acls.sh) with
// Maven and prints their folder, for deploy/kafka/create-topics.sh on a machine without a
// Kafka distribution:
//   KAFKA_LIBS=$(npx tsx scripts/provision/kafka-tools.ts) deploy/kafka/create-topics.sh all
// The version defaults to the one the tests run against; pass the cluster's version to match it.
import { cacheDir } from './cache';
import { DEFAULT_KAFKA_VERSION, ensureKafkaToolsLibs } from './kafka-libs';

const version = process.argv[2] ?? process.env['TOCSIN_KAFKA_VERSION'] ?? DEFAULT_KAFKA_VERSION;
if (!/^\d+\.\d+\.\d+$/.test(version)) {
  console.error(`usage: npx tsx scripts/provision/kafka-tools.ts [kafka version, e.g. ${DEFAULT_KAFKA_VERSION}]`);
  process.exit(2);
}
ensureKafkaToolsLibs({ cacheRoot: cacheDir(), version, log: (line) => console.error(line) }).then(
  (libs) => console.log(libs),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
