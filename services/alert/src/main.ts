// Process entry point of the alert service in one-process-per-service mode:
// `tsx services/alert/src/main.ts` or `tocsin service alert` (which imports this
// module). Kafka from KAFKA_BROKERS; settings from ALERT_* (docs/alerts.md).
// SIGTERM/SIGINT stop gracefully: in-flight attempts finish and are recorded,
// the consumer commits and leaves its group. Starts on import, like every main.
import { runAlertService } from './service';

// Handlers go in before start-up: a SIGTERM while the consumer is still joining
// its group waits for start-up to finish and then stops cleanly.
const started = runAlertService();
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
