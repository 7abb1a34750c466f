// Error catalogue for provisioning the real parts the integration tests run against.
export const PROVISION_ERROR_CODES = [
  /** A program the tests need (java, mvn, influxd, victoria-metrics) is not installed. */
  'TOOL_MISSING',
  /** Maven could not fetch the Kafka broker jars. */
  'MAVEN_FAILED',
  /** A server process exited, or a setup step (storage format) failed, before it became ready. */
  'START_FAILED',
  /** A server process kept running but did not answer its readiness probe in time. */
  'NOT_READY',
  /** An address given through a TOCSIN_TEST_* variable does not answer. */
  'REUSED_SERVER_UNREACHABLE',
] as const;

export type ProvisionErrorCode = (typeof PROVISION_ERROR_CODES)[number];

/** Thrown when a real test dependency cannot be fetched, started or reached. */
export class ProvisionError extends Error {
  override readonly name = 'ProvisionError';
  readonly code: ProvisionErrorCode;
  /** True when running the same step again may succeed (timeouts, busy ports). */
  readonly retryable: boolean;

  constructor(code: ProvisionErrorCode, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}
