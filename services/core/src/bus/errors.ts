// Error catalogue of the bus adapters, thrown as BusError.
import { CodedError } from '../errors';

export const BUS_ERROR_CODES = {
  /**
   * One record can never be written: with the record-batch overhead it is larger than the
   * topic accepts (max.message.bytes, segment.bytes) or than one produce request may be. Nothing
   * of the send was written. Not retryable: the same record fails again.
   */
  RECORD_TOO_LARGE: { retryable: false },
  /** The broker refused a request as too large although it was split under the limits read from it (limits changed and re-reading them did not help). Not retryable. */
  REQUEST_REFUSED_AS_TOO_LARGE: { retryable: false },
  /** A consumer stopped for good (kafkajs crash without restart); the service must exit or restart it. Not retryable in-process. */
  CONSUMER_FAILED: { retryable: false },
} as const;

export type BusErrorCode = keyof typeof BUS_ERROR_CODES;

/** Thrown by the Kafka bus when a send cannot fit the broker's limits, or reported when a consumer failed for good. */
export class BusError extends CodedError<BusErrorCode> {
  override readonly name = 'BusError';
  /** kafkajs reads `retriable`: false makes a consumer whose handler throws this fail for good instead of retrying forever. */
  readonly retriable: boolean;
  constructor(code: BusErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { ...options, retryable: BUS_ERROR_CODES[code].retryable });
    this.retriable = this.retryable;
  }
}
