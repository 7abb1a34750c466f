// The `tocsin` command: one entry point, one module per sub-command, each
// loaded only when used so `tocsin score` starts fast.
import { processIo, type CommandIo } from './io';
import { VERSION } from './version';

const HELP = `tocsin — early warning of emerging cross-border crime trends

usage: tocsin <command> [options]

commands:
  start                     run the whole pipeline in one process (in-process bus, simulator,
                            watch desk on http://127.0.0.1:8080); see README for settings
  start --input <file> [--mapping <partner.json>] [--speed N | --as-fast-as-possible]
                            the same on your own incident file instead of the simulator
  produce --partner <id> [--mapping <partner.json>] <file>
                            publish a file to partner.<id>.incidents on Kafka (KAFKA_BROKERS),
                            rows checked as ingest would (tocsin produce --help)
  service <ingest|detect|alert|desk>
                            run one service against Kafka (KAFKA_BROKERS), one process each
  simulate [options]        generate partner feeds (tocsin simulate --help)
  score --detector <id> [--param name=value ...] < in.csv > out.csv
                            score one count series (tocsin score --list)
  keys create --agency <id> --country <CC> --scope <scope>
                            make a per-agency API key
  mapping check --mapping <partner.json> <file>
                            dry-run a partner file through a mapping: accepted/rejected
                            counts per reason with examples (tocsin mapping check --help)
  backtest --input <file> --out <dir> [--mapping m.json] [--truth t.json] ...
                            replay an incident history through the services' code in event
                            time: alerts, deliveries, report.html (tocsin backtest --help)
  dead-letter list|show <id>
                            list rejected records; decrypt one's original (TOCSIN_DLQ_KEY)
  bench <ingest|detect|detection|alert>
                            run a benchmark and print figures against its baseline
  version                   print the version
`;

type Command = (argv: string[], io: CommandIo) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  start: async () => (await import('./start-command')).runStartCommand,
  service: async () => (await import('./service-command')).runServiceCommand,
  simulate: async () => (await import('@tocsin/simulator')).runSimulateCommand as Command,
  score: async () => (await import('@tocsin/detectors')).runScoreCommand as Command,
  keys: async () => (await import('./keys-command')).runKeysCommand,
  mapping: async () => (await import('./mapping-command')).runMappingCommand,
  backtest: async () => (await import('./backtest-command')).runBacktestCommand,
  produce: async () => (await import('./produce-command')).runProduceCommand,
  'dead-letter': async () => (await import('./dead-letter-command')).runDeadLetterCommand,
  bench: async () => (await import('./bench-command')).runBenchCommand,
};

export { VERSION } from './version';

export async function main(argv: string[], io: CommandIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(HELP);
    return name ? 0 : 2;
  }
  if (name === 'version' || name === '--version') {
    io.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.stderr.write(`tocsin: unknown command "${name}"; run tocsin help\n`);
    return 2;
  }
  return (await load())(rest, io);
}
