/** A link over a spawned process's stdin (to the device) and stdout (from the device). */
import type { ChildProcess } from 'node:child_process';

import { HarnessError } from '../core/errors.ts';
import { endWritable, sinkErrors, type ByteLink } from './byte-link.ts';

/**
 * The child must have been spawned with piped stdin and stdout. close() ends stdin (the device
 * sees EOF) and stops reading stdout; it does not kill the process, which belongs to the target.
 */
export function childProcessLink(child: ChildProcess, description: string): ByteLink {
  const { stdin, stdout } = child;
  if (!stdin || !stdout) {
    throw new HarnessError('TARGET', `${description}: the process was not started with piped stdin and stdout`, {
      target: description,
    });
  }
  sinkErrors(stdin);
  sinkErrors(stdout);
  let closing: Promise<void> | undefined;
  return {
    description,
    input: stdout,
    output: stdin,
    close: () =>
      (closing ??= endWritable(stdin).then(() => {
        stdout.destroy();
      })),
  };
}
