/** Test helper: await a promise that must reject with a HarnessError, and return that error. */
import { isHarnessError, type HarnessError } from '../../src/core/errors.ts';

export async function rejection(p: Promise<unknown>): Promise<HarnessError> {
  try {
    await p;
  } catch (e) {
    if (isHarnessError(e)) return e;
    throw e;
  }
  throw new Error('expected a rejection with a HarnessError, but the promise resolved');
}

/** Test helper: call a function that must throw a HarnessError, and return that error. */
export function thrown(fn: () => unknown): HarnessError {
  try {
    fn();
  } catch (e) {
    if (isHarnessError(e)) return e;
    throw e;
  }
  throw new Error('expected a HarnessError to be thrown, but the call returned');
}
