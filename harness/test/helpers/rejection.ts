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
