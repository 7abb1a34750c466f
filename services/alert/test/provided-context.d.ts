// The addresses test/infra/global-setup.ts provides to `int` tests. Declared here too
// because this workspace's tsconfig does not include the root test folder; the
// declarations merge (same name, same type).
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
    influxUrl: string;
  }
}
