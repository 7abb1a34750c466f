// The alert service as a process: starts it, and on SIGTERM/SIGINT stops it gracefully
// (in-flight attempts finish and are recorded, the consumer commits and leaves its group).
// main.ts runs it as it is; `tocsin service alert` runs it with detect's scoring for the
// detector tuning routes.
import { runAlertService, type AlertServiceOptions } from './service';

export function runAlertProcess(options: AlertServiceOptions = {}): void {
  // Handlers go in before start-up: a SIGTERM while the consumer is still joining
  // its group waits for start-up to finish and then stops cleanly.
  const started = runAlertService(process.env, options);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      started
        .then((stop) => stop())
        .then(
          () => process.exit(0),
          (err: unknown) => {
            console.error(`alert service stopped with an error: ${(err as Error).message}`);
            process.exit(1);
          },
        );
    });
  }
  started.catch((err: unknown) => {
    console.error(`alert service failed to start: ${(err as Error).message}`);
    process.exit(78);
  });
}
