import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { ProvisionError } from './errors';
import { cacheDir } from './cache';
import { DEFAULT_KAFKA_VERSION, ensureKafkaLibs } from './kafka-libs';
import { LOOPBACK, freeLoopbackPorts } from './ports';
import { outputTail, runCommand } from './run-command';
import { startServerProcess, waitForReady } from './server-process';
import { startInWorkDir, stopAndClean, type StartedServer } from './started-server';

export interface KafkaServerLayout {
  readonly brokerPort: number;
  readonly controllerPort: number;
  readonly dataDir: string;
}

/** Single-node KRaft broker+controller, tuned for fast start and small tests, not durability. */
export function renderKafkaServerProperties(layout: KafkaServerLayout): string {
  const lines = [
    'process.roles=broker,controller',
    'node.id=1',
    `listeners=PLAINTEXT://${LOOPBACK}:${layout.brokerPort},CONTROLLER://${LOOPBACK}:${layout.controllerPort}`,
    `advertised.listeners=PLAINTEXT://${LOOPBACK}:${layout.brokerPort}`,
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    'controller.listener.names=CONTROLLER',
    // Static quorum: the storage can be formatted without --standalone.
    `controller.quorum.voters=1@${LOOPBACK}:${layout.controllerPort}`,
    `log.dirs=${layout.dataDir}`,
    // The application creates its topics explicitly; a typo must fail, not create a topic.
    'auto.create.topics.enable=false',
    'num.partitions=1',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    // Internal topics default to 3 replicas and 50 partitions; one node has one replica,
    // and a single partition makes the first consumer group start much faster.
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    // Tests start consumers one after another; waiting 3 s for more members only slows them.
    'group.initial.rebalance.delay.ms=0',
    'log.segment.bytes=1048576',
    'num.network.threads=2',
    'num.io.threads=2',
    'num.recovery.threads.per.data.dir=1',
  ];
  return `${lines.join('\n')}\n`;
}

export function renderLog4j2Config(logFile: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="warn">
  <Appenders>
    <File name="broker" fileName="${logFile}">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
    </File>
  </Appenders>
  <Loggers>
    <Root level="info"><AppenderRef ref="broker"/></Root>
    <Logger name="org.apache.kafka.clients" level="warn"/>
  </Loggers>
</Configuration>
`;
}

/**
 * A KRaft cluster id: 16 random bytes in URL-safe base64, as `kafka-storage random-uuid`
 * prints. Like Kafka's own Uuid.randomUuid, ids starting with '-' are skipped because the
 * storage tool would read them as a flag.
 */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function javaCommand(env: NodeJS.ProcessEnv): string {
  const javaHome = env['JAVA_HOME'];
  return javaHome !== undefined && javaHome !== '' ? join(javaHome, 'bin', 'java') : 'java';
}

const JAVA_INSTALL_HINT = 'apt-get install -y openjdk-17-jre-headless';

export interface StartKafkaOptions {
  readonly cacheRoot: string;
  readonly version: string;
  readonly log: (line: string) => void;
  readonly readyTimeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
}

/** Fetches the broker jars if needed, formats a fresh KRaft storage and starts the broker. */
export async function startKafka(options: StartKafkaOptions): Promise<StartedServer> {
  const env = options.env ?? process.env;
  const libsDir = await ensureKafkaLibs({ cacheRoot: options.cacheRoot, version: options.version, log: options.log });
  return startInWorkDir('kafka', env, (workDir) => startBroker(libsDir, workDir, options, env));
}

async function startBroker(libsDir: string, workDir: string, options: StartKafkaOptions, env: NodeJS.ProcessEnv): Promise<StartedServer> {
  const dataDir = join(workDir, 'data');
  await mkdir(dataDir);
  const [brokerPort, controllerPort] = (await freeLoopbackPorts(2)) as [number, number];
  const propertiesFile = join(workDir, 'server.properties');
  const log4jFile = join(workDir, 'log4j2.xml');
  await writeFile(propertiesFile, renderKafkaServerProperties({ brokerPort, controllerPort, dataDir }));
  await writeFile(log4jFile, renderLog4j2Config(join(workDir, 'server.log')));

  const java = javaCommand(env);
  const classpath = join(libsDir, '*');
  const jvmLogging = [`-Dlog4j2.configurationFile=${log4jFile}`, `-Dkafka.logs.dir=${workDir}`];
  // C1 only and the serial collector: less CPU spent compiling and collecting during
  // start-up on a 2-core machine; the tests move kilobytes, so peak throughput is moot.
  const jvmLean = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Djava.awt.headless=true'];

  const formatStarted = Date.now();
  const format = await runCommand(
    java,
    ['-Xmx256m', ...jvmLean, ...jvmLogging, '-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', newClusterId(), '-c', propertiesFile],
    { installHint: JAVA_INSTALL_HINT, env },
  );
  if (format.exitCode !== 0) {
    throw new ProvisionError('START_FAILED', `kafka storage format failed (exit ${format.exitCode}):\n${outputTail(format.output)}`);
  }
  const formatMs = Date.now() - formatStarted;

  const spawnedAt = Date.now();
  const server = await startServerProcess({
    name: 'kafka',
    command: java,
    args: ['-Xms256m', '-Xmx512m', ...jvmLean, ...jvmLogging, '-cp', classpath, 'kafka.Kafka', propertiesFile],
    logFile: join(workDir, 'stdout.log'),
    cwd: workDir,
    env,
    installHint: JAVA_INSTALL_HINT,
  });
  const brokers = `${LOOPBACK}:${brokerPort}`;
  let brokerUpAfterMs = 0;
  try {
    const timeoutMs = options.readyTimeoutMs ?? 60_000;
    await waitForReady(server, { probe: () => brokerAnswers(brokers), timeoutMs, intervalMs: 250 });
    brokerUpAfterMs = Date.now() - spawnedAt;
    await waitForReady(server, { probe: () => groupCoordinatorAnswers(brokers), timeoutMs, intervalMs: 250 });
  } catch (error) {
    await server.stop(5_000);
    throw error;
  }
  const readyAfterMs = Date.now() - spawnedAt;
  options.log(
    `kafka ${options.version} (KRaft) at ${brokers}, storage format ${seconds(formatMs)}, broker up in ${seconds(brokerUpAfterMs)}, ` +
      `group coordinator ready in ${seconds(readyAfterMs)}, logs in ${workDir}`,
  );
  return {
    name: 'kafka',
    version: options.version,
    address: brokers,
    workDir,
    readyAfterMs,
    // Controlled shutdown of a single node takes a few seconds; SIGKILL only if it hangs.
    stop: () => stopAndClean(server, workDir, 15_000, env),
  };
}

function probeClient(brokers: string, timeoutMs: number): Kafka {
  return new Kafka({
    clientId: 'tocsin-provision-probe',
    brokers: [brokers],
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
}

/** True when a broker answers Metadata, i.e. it is registered and unfenced. */
export async function brokerAnswers(brokers: string, timeoutMs = 2_000): Promise<boolean> {
  const admin = probeClient(brokers, timeoutMs).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0;
  } finally {
    await admin.disconnect();
  }
}

/**
 * True once consumer groups can be served. The first group request makes the broker
 * create and load __consumer_offsets; until that is done group joins fail with "The
 * coordinator is loading", which makes a kafkajs consumer crash and restart. Doing it
 * here keeps that out of the first test that happens to use a consumer group.
 */
async function groupCoordinatorAnswers(brokers: string, timeoutMs = 2_000): Promise<boolean> {
  const admin = probeClient(brokers, timeoutMs).admin();
  try {
    await admin.connect();
    // Fills kafkajs' broker pool; describeGroups alone finds "No brokers in the broker pool".
    await admin.describeCluster();
    // Throws while the coordinator is missing or loading; an unknown group is an empty answer.
    const { groups } = await admin.describeGroups(['tocsin-provision-warm-up']);
    return groups.length === 1;
  } finally {
    await admin.disconnect();
  }
}

/**
 * The brokers a benchmark runs against: `brokers`, else KAFKA_BROKERS, else a single-node
 * broker started for this run (stop() stops it; a no-op for brokers given from outside).
 */
export async function benchBrokers(
  brokers: string | undefined,
  print: (line: string) => void,
): Promise<{ brokers: string; startedForRun: boolean; stop: () => Promise<void> }> {
  const given = brokers ?? process.env['KAFKA_BROKERS'];
  if (given) return { brokers: given, startedForRun: false, stop: async () => {} };
  print('KAFKA_BROKERS is not set: starting a broker for this run (scripts/provision/kafka.ts)');
  const server = await startKafka({ cacheRoot: cacheDir(), version: DEFAULT_KAFKA_VERSION, log: (line) => print(`  ${line}`) });
  return { brokers: server.address, startedForRun: true, stop: () => server.stop() };
}
