// Pure parts of scripts/provision: generated configuration and the cache location.
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { cacheDir } from '../../scripts/provision/cache';
import { renderInfluxdbConfig } from '../../scripts/provision/influxdb';
import { newClusterId, renderKafkaServerProperties, renderLog4j2Config } from '../../scripts/provision/kafka';
import { kafkaLibsDir, kafkaToolsLibsDir, renderBrokerPom, renderToolsPom } from '../../scripts/provision/kafka-libs';
import { freeLoopbackPorts } from '../../scripts/provision/ports';

function parseProperties(text: string): Map<string, string> {
  return new Map(
    text
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => {
        const at = line.indexOf('=');
        return [line.slice(0, at), line.slice(at + 1)] as const;
      }),
  );
}

describe('renderKafkaServerProperties', () => {
  const properties = parseProperties(renderKafkaServerProperties({ brokerPort: 40001, controllerPort: 40002, dataDir: '/tmp/k/data' }));

  it('runs one KRaft node as broker and controller, on loopback only', () => {
    expect(properties.get('process.roles')).toBe('broker,controller');
    expect(properties.get('node.id')).toBe('1');
    expect(properties.get('listeners')).toBe('PLAINTEXT://127.0.0.1:40001,CONTROLLER://127.0.0.1:40002');
    expect(properties.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:40001');
    expect(properties.get('controller.quorum.voters')).toBe('1@127.0.0.1:40002');
    expect(properties.get('log.dirs')).toBe('/tmp/k/data');
  });

  it('fits internal topics on one node and keeps test-friendly group settings', () => {
    expect(properties.get('offsets.topic.replication.factor')).toBe('1');
    expect(properties.get('transaction.state.log.replication.factor')).toBe('1');
    expect(properties.get('transaction.state.log.min.isr')).toBe('1');
    expect(properties.get('group.initial.rebalance.delay.ms')).toBe('0');
    expect(properties.get('auto.create.topics.enable')).toBe('false');
  });

  it('sets every key once', () => {
    const keys = renderKafkaServerProperties({ brokerPort: 1, controllerPort: 2, dataDir: '/d' })
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => line.split('=')[0]);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('renderLog4j2Config', () => {
  it('writes broker logs to the given file', () => {
    expect(renderLog4j2Config('/tmp/k/server.log')).toContain('fileName="/tmp/k/server.log"');
  });
});

describe('newClusterId', () => {
  it('is 16 random bytes in URL-safe base64 that cannot be mistaken for a flag', () => {
    const ids = Array.from({ length: 500 }, newClusterId);
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
      expect(Buffer.from(id, 'base64url')).toHaveLength(16);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('renderBrokerPom', () => {
  it('asks for the broker artefact of the requested version plus an slf4j binding', () => {
    const pom = renderBrokerPom('4.4.0');
    expect(pom).toMatch(/<artifactId>kafka_2\.13<\/artifactId>\s*<version>4\.4\.0<\/version>/);
    expect(pom).toContain('<artifactId>log4j-slf4j-impl</artifactId>');
  });

  it('asks for the command-line tools of the same version for create-topics.sh', () => {
    expect(renderToolsPom('4.4.0')).toMatch(/<artifactId>kafka-tools<\/artifactId>\s*<version>4\.4\.0<\/version>/);
  });
});

describe('cache location', () => {
  it('defaults to .cache at the repository root and honours TOCSIN_CACHE_DIR', () => {
    expect(cacheDir({})).toMatch(/\/\.cache$/);
    expect(cacheDir({ TOCSIN_CACHE_DIR: '/var/cache/tocsin' })).toBe('/var/cache/tocsin');
    expect(kafkaLibsDir('/var/cache/tocsin', '4.4.0')).toBe('/var/cache/tocsin/kafka/4.4.0/libs');
    expect(kafkaToolsLibsDir('/var/cache/tocsin', '4.4.0')).toBe('/var/cache/tocsin/kafka-tools/4.4.0/libs');
  });
});

describe('renderInfluxdbConfig', () => {
  it('binds every listener to loopback on the given ports and keeps data in the work folder', () => {
    const config = renderInfluxdbConfig({ httpPort: 40010, rpcPort: 40011, ifqlPort: 40012, workDir: '/tmp/i' });
    const bindings = [...config.matchAll(/bind-address = "([^"]+)"/g)].map((match) => match[1]);
    expect(bindings.sort()).toEqual(['127.0.0.1:40010', '127.0.0.1:40011', '127.0.0.1:40012']);
    expect(config).toContain('dir = "/tmp/i/data"');
    expect(config).toContain('wal-dir = "/tmp/i/wal"');
    expect(config).toContain('reporting-disabled = true');
  });
});

describe('freeLoopbackPorts', () => {
  it('returns distinct ports that can be bound on 127.0.0.1', async () => {
    const ports = await freeLoopbackPorts(3);
    expect(new Set(ports).size).toBe(3);
    for (const port of ports) {
      await new Promise<void>((resolve, reject) => {
        const server = createServer().once('error', reject);
        server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
      });
    }
  });
});
