// The base of every package's error class. Each package keeps its own catalogue
// of codes (an `as const` list documented next to it); this class only carries
// the code, the cause, and whether retrying the same call can help.

/** Thrown (through a package's subclass) whenever Tocsin refuses or fails an operation. */
export class CodedError<C extends string> extends Error {
  readonly code: C;
  readonly retryable: boolean;
  constructor(code: C, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}
