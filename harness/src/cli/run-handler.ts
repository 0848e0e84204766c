/**
 * Wrap a command handler: the CLI is the only place that prints errors and sets the exit code.
 * User and environment errors (HarnessError) print one line, never a stack trace.
 * Exit codes: 0 passed, 1 a test failed (set by the command), 2 infrastructure/usage error,
 * 3 internal error (a bug in hil; the stack is printed with HIL_DEBUG=1), 130 interrupted by
 * SIGINT, 143 by SIGTERM (128 + the signal number, as a shell reports it).
 */
import { isHarnessError } from '../core/errors.ts';

export const EXIT = { OK: 0, TEST_FAILED: 1, INFRA: 2, INTERNAL: 3, INTERRUPTED: 130, TERMINATED: 143 } as const;

/** Exit code after a signal stopped a command. */
export function signalExit(sig: NodeJS.Signals): number {
  return sig === 'SIGTERM' ? EXIT.TERMINATED : EXIT.INTERRUPTED;
}

export function runHandler<A>(fn: (args: A) => Promise<number | void>): (args: A) => Promise<void> {
  return async (args: A) => {
    try {
      const code = await fn(args);
      process.exitCode = code ?? EXIT.OK;
    } catch (e) {
      process.exitCode = reportError(e);
    }
  };
}

export function reportError(e: unknown): number {
  if (isHarnessError(e)) {
    process.stderr.write(`hil: ${e.message}\n`);
    return e.code === 'INTERRUPTED' ? EXIT.INTERRUPTED : EXIT.INFRA;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  process.stderr.write(`hil: internal error: ${err.message}${process.env.HIL_DEBUG ? `\n${err.stack}` : ' (set HIL_DEBUG=1 for the stack)'}\n`);
  return EXIT.INTERNAL;
}
