/**
 * chai plugin: `chai.use(hilChai)` adds
 *   expect(r).to.be.bitExactWith(golden)                      every sample equal
 *   expect(r).to.matchGolden(golden, { mode: 'max-lsb', maxLsb: 2 })   a declared tolerance
 *   expect(c).to.matchGolden()                                 a processCase() result: its own golden + tolerance
 *   expect(r).to.meetRealTime({ requiredMargin: 0.1 })         per-frame counts within the budget
 * where `r` is what `device.process()` returns (or, for the output checks, bare Int16Array
 * samples; frame numbers then assume a 160-sample hop at 16 kHz unless `shape` says otherwise).
 * Failure messages are the verdicts' own: first mismatching sample, frame and time, max LSB
 * difference; worst frame, budget and margin. On a target without a counter meetRealTime (and
 * its negation) fails with "not applicable" rather than passing silently.
 */
import { checkMargin } from '../assertions/margin-verdict.ts';
import { checkOutput } from '../assertions/output-verdict.ts';
import type { MarginVerdict, OutputVerdict, ToleranceSpec } from '../assertions/verdict.ts';
import type { Processed, ProcessedCase } from './connect.ts';

interface ChaiLike {
  AssertionError: new (message: string) => Error;
  Assertion: {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- chai's own signature
    addMethod(name: string, fn: (this: AssertionThis, ...args: any[]) => void): void;
  };
}
interface AssertionThis {
  _obj: unknown;
  assert(ok: boolean, msg: string, negMsg: string): void;
}

/** Frame geometry for bare sample arrays. */
export interface Shape {
  readonly hop: number;
  readonly rate: number;
}

export interface RealTimeOptions {
  /** Required margin as a fraction (default: the profile's). */
  readonly requiredMargin?: number;
  /** Core clock in Hz for the budget (default: the profile's), e.g. to ask "at 80 MHz?". */
  readonly clockHz?: number;
  /** Cycles per instruction for emulator counts (default: the profile's). */
  readonly cpi?: number;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Chai {
    interface Assertion {
      bitExactWith(golden: Int16Array, shape?: Shape): Assertion;
      matchGolden(golden?: Int16Array, tolerance?: ToleranceSpec, shape?: Shape): Assertion;
      meetRealTime(options?: RealTimeOptions): Assertion;
    }
  }
}

export const DEFAULT_SHAPE: Shape = { hop: 160, rate: 16000 };

function isProcessed(x: unknown): x is Processed {
  return typeof x === 'object' && x !== null && (x as Processed).output instanceof Int16Array && typeof (x as Processed).info === 'object';
}

/** The samples and frame geometry of what `expect()` was given; throws a clear TypeError otherwise. */
function outputOf(obj: unknown, shape: Shape | undefined, method: string): { output: Int16Array; shape: Shape } {
  if (obj instanceof Int16Array) return { output: obj, shape: shape ?? DEFAULT_SHAPE };
  if (isProcessed(obj)) return { output: obj.output, shape: shape ?? { hop: obj.info.hop, rate: obj.info.rate } };
  throw new TypeError(`${method}: expected the result of device.process() or an Int16Array of samples, got ${Object.prototype.toString.call(obj)}`);
}

/** Output verdict of `obj` against `golden` (pure; exported for tests and custom assertions). */
export function outputVerdict(obj: unknown, golden: Int16Array | undefined, tolerance: ToleranceSpec | undefined, shape: Shape | undefined, method: string): OutputVerdict {
  const { output, shape: s } = outputOf(obj, shape, method);
  const pc = obj as Partial<ProcessedCase>;
  const want = golden ?? (pc.golden instanceof Int16Array ? pc.golden : undefined);
  if (!want) throw new TypeError(`${method}: no golden samples given (pass them, or use device.processCase(id), whose result carries its golden)`);
  const tol = tolerance ?? (golden === undefined ? pc.tolerance : undefined) ?? { mode: 'bit-exact' };
  return checkOutput({ output, golden: want, tolerance: tol, hop: s.hop, rate: s.rate });
}

/** Real-time verdict of a process() result (pure; exported for tests and custom assertions). */
export function realTimeVerdict(obj: unknown, options: RealTimeOptions = {}): MarginVerdict {
  if (!isProcessed(obj)) throw new TypeError(`meetRealTime: expected the result of device.process(), got ${Object.prototype.toString.call(obj)}`);
  return checkMargin({
    counter: obj.info.counter,
    counts: obj.counts,
    clockHz: options.clockHz ?? obj.profile.clockHz,
    cpi: options.cpi ?? obj.profile.cpi,
    hop: obj.info.hop,
    rate: obj.info.rate,
    requiredMargin: options.requiredMargin ?? obj.profile.requiredMargin,
  });
}

export function hilChai(chai: ChaiLike): void {
  chai.Assertion.addMethod('bitExactWith', function (this: AssertionThis, golden: Int16Array, shape?: Shape) {
    const v = outputVerdict(this._obj, golden, { mode: 'bit-exact' }, shape, 'bitExactWith');
    this.assert(v.status === 'pass', `expected output to be bit-exact with the golden: ${v.message}`, 'expected output to differ from the golden, but it is bit-exact');
  });
  chai.Assertion.addMethod('matchGolden', function (this: AssertionThis, golden?: Int16Array, tolerance?: ToleranceSpec, shape?: Shape) {
    const v = outputVerdict(this._obj, golden, tolerance, shape, 'matchGolden');
    this.assert(v.status === 'pass', `expected output to match the golden: ${v.message}`, `expected output not to match the golden, but it does (${v.message})`);
  });
  chai.Assertion.addMethod('meetRealTime', function (this: AssertionThis, options: RealTimeOptions = {}) {
    const v = realTimeVerdict(this._obj, options);
    // Not applicable (no counter) is neither a pass nor a violation: both forms fail.
    if (v.status === 'not-applicable') throw new chai.AssertionError(`real-time margin cannot be asserted: ${v.message}`);
    this.assert(v.status === 'pass', `expected real-time margin to hold: ${v.message}`, `expected real-time margin to be violated: ${v.message}`);
  });
}
