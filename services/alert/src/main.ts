// Process entry point of the alert service in one-process-per-service mode:
// `tsx services/alert/src/main.ts`. Kafka from KAFKA_BROKERS; settings from ALERT_*
// (docs/alerts.md). Starts on import, like every main. `tocsin service alert` runs the
// same process with detect's scoring, which adds the detector tuning routes
// (docs/api.md#detector-tuning).
import { runAlertProcess } from './process';

runAlertProcess();
