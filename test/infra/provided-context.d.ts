// What test/infra/global-setup.ts provides to `int` tests through vitest's
// inject(). Every workspace's tsconfig sees this file (tsconfig.base.json
// "files"), so `inject('kafkaBrokers')` is typed everywhere.
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** "127.0.0.1:PORT" of a single-node KRaft broker. */
    kafkaBrokers: string;
    /** Broker version, e.g. "4.4.0". */
    kafkaVersion: string;
    /** InfluxDB 1.6 HTTP API, e.g. "http://127.0.0.1:PORT". */
    influxUrl: string;
    influxVersion: string;
    /** VictoriaMetrics HTTP API, e.g. "http://127.0.0.1:PORT". */
    victoriaUrl: string;
  }
}
