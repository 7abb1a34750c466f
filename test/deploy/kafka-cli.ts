// The Kafka command-line tools for tests of deploy/kafka/create-topics.sh: the
// kafka-tools jars of the broker's version, fetched from Maven Central on first use
// into .cache/kafka-tools/<version>/libs, and a kafka-topics.sh that starts
// org.apache.kafka.tools.TopicCommand the way the distribution's script does.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheDir } from '../../scripts/provision/cache';
import { outputTail, runCommand } from '../../scripts/provision/run-command';

function toolsPom(version: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>tocsin.test</groupId>
  <artifactId>kafka-tools-libs</artifactId>
  <version>${version}</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>${version}</version></dependency>
  </dependencies>
</project>
`;
}

/** Folder of the kafka-tools jars for `version`; staged and renamed so a broken fetch leaves nothing behind. */
export async function ensureKafkaToolsLibs(version: string): Promise<string> {
  const versionDir = join(cacheDir(), 'kafka-tools', version);
  const libs = join(versionDir, 'libs');
  if (existsSync(libs)) return libs;
  const staging = join(versionDir, `.staging-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(staging, { recursive: true });
  try {
    await writeFile(join(staging, 'pom.xml'), toolsPom(version));
    const result = await runCommand(
      'mvn',
      ['-B', '-q', '-f', join(staging, 'pom.xml'), 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${join(staging, 'libs')}`],
      { cwd: staging, installHint: 'apt-get install -y maven' },
    );
    if (result.exitCode !== 0) throw new Error(`mvn could not fetch kafka-tools ${version} (exit ${result.exitCode}):\n${outputTail(result.output)}`);
    if (!(await readdir(join(staging, 'libs'))).includes(`kafka-tools-${version}.jar`)) throw new Error(`mvn finished without kafka-tools-${version}.jar`);
    try {
      await rename(join(staging, 'libs'), libs);
    } catch (error) {
      if (!existsSync(libs)) throw error;
    }
    return libs;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Writes <binDir>/kafka-topics.sh running TopicCommand from `libs`. */
export async function writeKafkaTopicsScript(binDir: string, libs: string): Promise<void> {
  const java = process.env['JAVA_HOME'] ? join(process.env['JAVA_HOME'], 'bin', 'java') : 'java';
  const script = join(binDir, 'kafka-topics.sh');
  // Same main class and options as bin/kafka-topics.sh of the Kafka distribution; lean JVM flags for a 2-core machine.
  await writeFile(
    script,
    `#!/bin/sh\nexec "${java}" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -cp "${libs}/*" org.apache.kafka.tools.TopicCommand "$@"\n`,
  );
  await chmod(script, 0o755);
}
