// What a service process does when one of its consumers stopped for good: it exits
// non-zero, so that its supervisor (systemd Restart=on-failure, Kubernetes) starts it again
// and it restores its state from Kafka. Staying up with a dead consumer would look alive
// while doing nothing.
import type { ConsumerFailure } from './bus/kafka';
import type { Logger } from './logger';

/** EX_SOFTWARE of sysexits.h: an internal failure; restarting can help (unlike 78, EX_CONFIG). */
export const EXIT_CONSUMER_FAILED = 70;

export interface ConsumerFailureExitOptions {
  /** Longest the graceful stop may take before the process exits anyway. Default 10 s. */
  timeoutMs?: number;
  /** Injected by tests; default process.exit. */
  exit?: (code: number) => void;
}

/**
 * The onConsumerFailure handler of a service's composition root: logs the failure, runs
 * `stop` (bounded by timeoutMs: a hung stop must not keep a dead service alive), then exits
 * with EXIT_CONSUMER_FAILED. Acts on the first failure only.
 */
export function exitOnConsumerFailure(logger: Logger, stop: () => Promise<void>, options: ConsumerFailureExitOptions = {}): (failure: ConsumerFailure) => void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const timeoutMs = options.timeoutMs ?? 10_000;
  let exiting = false;
  return (failure) => {
    if (exiting) return;
    exiting = true;
    logger.fatal({ code: failure.error.code, groupId: failure.groupId, err: failure.error }, `exiting with ${EXIT_CONSUMER_FAILED}: ${failure.error.message}`);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        logger.error({ timeoutMs }, 'stop did not finish in time; exiting anyway');
        resolve();
      }, timeoutMs);
    });
    void Promise.race([stop().catch((err: unknown) => logger.error({ err }, 'stop after a consumer failure failed')), deadline]).then(() => {
      clearTimeout(timer);
      exit(EXIT_CONSUMER_FAILED);
    });
  };
}
