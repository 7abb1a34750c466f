// `tocsin bench <name>` (`npm run bench -- <name>`): runs one benchmark, which
// prints its figures next to a baseline measured in the same run. Options are
// passed through as --kebab-case numbers, e.g. `--kafka-records 20000`.
import type { CommandIo } from './io';

type BenchFn = (options: Record<string, unknown>) => unknown;

const BENCHES: Record<string, { what: string; load: () => Promise<BenchFn> }> = {
  ingest: {
    what: 'incidents/s through real Kafka vs a bare kafkajs consumer; validate+normalise per core vs JSON.parse',
    load: async () => (await import('@tocsin/ingest/bench')).runIngestBench as BenchFn,
  },
  detect: {
    what: 'detect throughput per core vs a bare key-counting loop; memory per dimension key',
    load: async () => (await import('@tocsin/detect/bench')).runDetectBench as BenchFn,
  },
  detection: {
    what: 'per detector: detection rate, false alarms per key-year, median delay, on simulator ground truth; alerts per simulated week and per trend',
    load: async () => {
      const { runDetectionBench } = await import('@tocsin/detect/bench');
      const { replayAlerts, DEFAULT_LIFECYCLE } = await import('@tocsin/alert');
      const lifecycle = DEFAULT_LIFECYCLE;
      // The signals go through the alert service's own lifecycle, so the alert counts are the service's.
      const alerting = {
        describe: `resolve after ${lifecycle.resolveAfterBuckets} quiet buckets (damped up to ${lifecycle.maxResolveAfterBuckets}), cool-down ${lifecycle.cooldownBuckets}`,
        flapBuckets: lifecycle.resolveAfterBuckets,
        replay: (signals: Parameters<typeof replayAlerts>[0]) => replayAlerts(signals, lifecycle),
      };
      return ((options) => runDetectionBench({ ...options, alerting })) as BenchFn;
    },
  },
  soak: {
    what: 'the npm start pipeline over the whole simulated horizon: memory, records per partner, trends alerted, alerts per week, flapping, log lines',
    load: async () => (await import('./soak-bench')).runSoakBench as BenchFn,
  },
  produce: {
    what: 'Kafka bus sends split under small topic limits (2 MiB to 16 KiB) vs one bare kafkajs sendBatch per send',
    load: async () => (await import('@tocsin/core/bench')).runProduceBench as BenchFn,
  },
  alert: {
    what: 'webhook deliveries/s and signal→webhook latency vs a bare undici POST loop',
    load: async () => (await import('@tocsin/alert/bench')).runAlertBench as BenchFn,
  },
};

function usage(): string {
  return `usage: tocsin bench <name> [--option value ...]\n${Object.entries(BENCHES).map(([n, b]) => `  ${n.padEnd(10)} ${b.what}`).join('\n')}\n`;
}

export async function runBenchCommand(argv: string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = argv;
  const bench = name ? BENCHES[name] : undefined;
  if (!bench) {
    io.stderr.write(name ? `tocsin bench: unknown benchmark "${name}"\n${usage()}` : usage());
    return 2;
  }
  const options: Record<string, unknown> = {};
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i]!;
    if (!flag.startsWith('--')) {
      io.stderr.write(`tocsin bench: expected an --option, got "${flag}"\n`);
      return 2;
    }
    const key = flag.slice(2).replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
    const next = rest[i + 1];
    if (next === undefined || next.startsWith('--')) {
      options[key] = true;
    } else {
      options[key] = Number.isFinite(Number(next)) ? Number(next) : next;
      i++;
    }
  }
  options['print'] = (line: string) => io.stdout.write(`${line}\n`);
  await (await bench.load())(options);
  return 0;
}
