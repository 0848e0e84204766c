/**
 * Sweep axes from the command line and the settings they span. Pure.
 *
 *   --param input_gain_db=-12:12:3     range start:stop:step, stop included when on the grid
 *   --param output_gain_db=-6,0,6      list
 *   --param bypass=0                   single value (held for every setting)
 *
 * Settings are the Cartesian product of the axes in the order given, the last axis varying
 * fastest, so a report lists them the way a person would step through them.
 */
import { HarnessError } from '../core/errors.ts';
import type { ParamDesc } from '../protocol/device-info.ts';

export interface SweepAxis {
  readonly name: string;
  readonly values: readonly number[];
}

export type Setting = Readonly<Record<string, number>>;

/** Largest sweep we agree to run (each setting streams the whole case once). */
export const MAX_SETTINGS = 2000;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NUM = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?`;

function usage(raw: string, what: string): never {
  throw new HarnessError('USAGE', `--param ${JSON.stringify(raw)}: ${what}`, { key: 'param' });
}

/** Clean up float steps: 0.1 * 3 is 0.3, not 0.30000000000000004. */
function tidy(x: number): number {
  return Number(x.toPrecision(12));
}

export function parseSweepArg(raw: string): SweepAxis {
  const eq = raw.indexOf('=');
  const name = eq > 0 ? raw.slice(0, eq).trim() : '';
  const spec = eq > 0 ? raw.slice(eq + 1).trim() : '';
  if (!NAME.test(name) || spec === '') usage(raw, 'expected name=start:stop:step, name=a,b,c or name=value, e.g. input_gain_db=-12:12:3');
  if (new RegExp(`^${NUM}:${NUM}:${NUM}$`).test(spec)) {
    const [start, stop, step] = spec.split(':').map(Number) as [number, number, number];
    if (step === 0) usage(raw, 'the step of a range must not be 0');
    if ((stop - start) * step < 0) usage(raw, `the step ${step} goes away from ${stop}; use ${-step}`);
    const count = Math.floor((stop - start) / step + 1e-9) + 1;
    if (count > MAX_SETTINGS) usage(raw, `the range has ${count} values, more than ${MAX_SETTINGS}`);
    return { name, values: Array.from({ length: count }, (_, i) => tidy(start + i * step)) };
  }
  const parts = spec.split(',').map((s) => s.trim());
  if (!parts.every((p) => new RegExp(`^${NUM}$`).test(p))) {
    usage(raw, `"${spec}" is not a number, a list a,b,c or a range start:stop:step`);
  }
  const values = [...new Set(parts.map(Number))];
  return { name, values };
}

export function parseSweepArgs(raw: readonly string[]): SweepAxis[] {
  const axes = raw.map(parseSweepArg);
  const seen = new Set<string>();
  for (const a of axes) {
    if (seen.has(a.name)) throw new HarnessError('USAGE', `--param ${a.name} is given twice; put every value in one --param`, { key: 'param' });
    seen.add(a.name);
  }
  return axes;
}

/** Every combination of the axes (one empty setting when there are no axes). */
export function planSweep(axes: readonly SweepAxis[]): Setting[] {
  const total = axes.reduce((n, a) => n * a.values.length, 1);
  if (total > MAX_SETTINGS) {
    const sizes = axes.map((a) => `${a.name}: ${a.values.length}`).join(', ');
    throw new HarnessError('USAGE', `--param: the sweep has ${total} settings (${sizes}), more than ${MAX_SETTINGS}; use coarser steps`, { key: 'param' });
  }
  let out: Array<Record<string, number>> = [{}];
  for (const axis of axes) out = out.flatMap((s) => axis.values.map((v) => ({ ...s, [axis.name]: v })));
  return out;
}

/** Check every axis against the device's parameter table: the name exists and every value is in range. */
export function checkAxes(axes: readonly SweepAxis[], params: readonly ParamDesc[], model: string): void {
  for (const a of axes) {
    const p = params.find((x) => x.name === a.name);
    if (!p) {
      const names = params.map((x) => x.name).join(', ') || '(none)';
      throw new HarnessError('USAGE', `--param ${a.name}: model ${model} has no such parameter (it has: ${names})`, { key: 'param', param: a.name });
    }
    const scale = 2 ** p.fracBits;
    const bad = a.values.find((v) => Math.round(v * scale) < p.min || Math.round(v * scale) > p.max);
    if (bad !== undefined) {
      const unit = p.unit ? ` ${p.unit}` : '';
      throw new HarnessError('USAGE', `--param ${a.name}=${bad} is outside the device's range ${p.min / scale} .. ${p.max / scale}${unit}`, {
        key: 'param',
        param: a.name,
      });
    }
  }
}

/** "input_gain_db=6, output_gain_db=-2" (or "defaults" for the empty setting). */
export function describeSetting(s: Setting): string {
  const parts = Object.entries(s).map(([k, v]) => `${k}=${v}`);
  return parts.length > 0 ? parts.join(', ') : 'defaults';
}
