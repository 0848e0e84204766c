/**
 * Typed harness errors. Every error a user can cause or meet carries a closed `code` and the
 * context a person needs to act on it; the CLI prints `message` on one line, never a stack.
 */

/** Closed set of error codes. */
export type ErrorCode =
  | 'USAGE' // bad command-line usage
  | 'CONFIG' // invalid configuration value
  | 'INPUT' // an input file (WAV, manifest) is missing or malformed
  | 'PROTOCOL' // the device sent something the protocol forbids
  | 'LINK' // the link failed: timeouts, too many re-sends, closed stream
  | 'HANDSHAKE' // the device did not identify itself or is incompatible
  | 'DEVICE' // the device refused a request (ERROR reply) or reported a fault
  | 'TARGET' // the target could not be started or died
  | 'INTERRUPTED'; // the run was stopped by a signal

/** Is this code the user's or the environment's fault rather than a test failure? */
export const INFRASTRUCTURE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'PROTOCOL',
  'LINK',
  'HANDSHAKE',
  'DEVICE',
  'TARGET',
]);

export interface ErrorContext {
  readonly target?: string;
  readonly port?: string;
  readonly file?: string;
  readonly key?: string;
  readonly frame?: number;
  readonly lastBytes?: string;
  readonly logPath?: string;
  readonly [extra: string]: unknown;
}

export class HarnessError extends Error {
  readonly code: ErrorCode;
  readonly context: ErrorContext;

  constructor(code: ErrorCode, message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HarnessError';
    this.code = code;
    this.context = context;
  }
}

export function isHarnessError(e: unknown): e is HarnessError {
  return e instanceof HarnessError;
}

/** Render the last bytes received for an error message: printable ASCII kept, others escaped. */
export function describeBytes(bytes: Uint8Array, max = 80): string {
  const tail = bytes.length > max ? bytes.subarray(bytes.length - max) : bytes;
  let out = bytes.length > max ? '…' : '';
  for (const b of tail) {
    if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return out.length === 0 ? '(nothing)' : `"${out}"`;
}
