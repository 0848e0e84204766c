/**
 * chai plugin: `chai.use(hilChai)` adds
 *   expect(output).to.be.bitExactWith(golden)                  every sample equal
 *   expect(output).to.matchGolden(golden, { mode: 'max-lsb', maxLsb: 2 })   a declared tolerance
 *   expect(processed).to.meetRealTime({ requiredMargin?: 0.1 }) per-frame counts within budget
 * Failure messages are the verdicts' own: first mismatching sample/frame/time, max LSB
 * difference, worst frame and margin. A target without a counter fails meetRealTime with
 * "not applicable" rather than passing silently.
 */
import { checkMargin } from '../assertions/margin-verdict.ts';
import { checkOutput } from '../assertions/output-verdict.ts';
import type { ToleranceSpec } from '../assertions/verdict.ts';
import type { Processed } from './connect.ts';

interface ChaiLike {
  Assertion: {
    addMethod(name: string, fn: (this: AssertionThis, ...args: never[]) => void): void;
  };
}
interface AssertionThis {
  _obj: unknown;
  assert(ok: boolean, msg: string, negMsg: string): void;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Chai {
    interface Assertion {
      bitExactWith(golden: Int16Array): Assertion;
      matchGolden(golden: Int16Array, tolerance?: ToleranceSpec): Assertion;
      meetRealTime(options?: { requiredMargin?: number }): Assertion;
    }
  }
}

const SHAPE = { hop: 160, rate: 16000 };

export function hilChai(chai: ChaiLike): void {
  chai.Assertion.addMethod('bitExactWith', function (this: AssertionThis, golden: Int16Array) {
    const v = checkOutput({ output: this._obj as Int16Array, golden, tolerance: { mode: 'bit-exact' }, ...SHAPE });
    this.assert(v.status === 'pass', `expected output to be bit-exact with the golden: ${v.message}`, 'expected output to differ from the golden, but it is bit-exact');
  } as never);
  chai.Assertion.addMethod('matchGolden', function (this: AssertionThis, golden: Int16Array, tolerance: ToleranceSpec = { mode: 'bit-exact' }) {
    const v = checkOutput({ output: this._obj as Int16Array, golden, tolerance, ...SHAPE });
    this.assert(v.status === 'pass', `expected output to match the golden: ${v.message}`, `expected output not to match the golden (${tolerance.mode})`);
  } as never);
  chai.Assertion.addMethod('meetRealTime', function (this: AssertionThis, options: { requiredMargin?: number } = {}) {
    const p = this._obj as Processed;
    const v = checkMargin({
      counter: p.info.counter,
      counts: p.counts,
      clockHz: p.profile.clockHz,
      cpi: p.profile.cpi,
      hop: p.info.hop,
      rate: p.info.rate,
      requiredMargin: options.requiredMargin ?? p.profile.requiredMargin,
    });
    this.assert(v.status === 'pass', `expected real-time margin to hold: ${v.message}`, `expected real-time margin to be violated: ${v.message}`);
  } as never);
}
