/**
 * The evaluation step's cost model (`hil estimate`): a model's stage table (per stage its MACs,
 * weight, state and scratch bytes, and the kernels it is made of) plus kernel micro-benchmarks
 * measured on the target give a predicted count per stage, which is then compared with the
 * stage's measured profile. Pure: the table is already parsed, the counts already measured.
 *
 * Kernel benchmarks are the stages of a kernel image (PROTOCOL.md 4.4), named by what they run:
 *   empty                  nothing: the probe's own cost, subtracted from every other kernel
 *   dense_<path>_<in>x<out> a dense layer; two widths of one path fit a per-output and a per-MAC
 *                          cost, one width takes the per-output cost of the other path
 *   <name>_x<N>            N calls: a cost per call (tanh_x64)
 *   <name>_<N>             N elements or bytes: a cost per unit (copy_1024, vmul_256)
 *   <name>                 one call (rfft512)
 * A stage's prediction is the probe's cost (it is in the measured stage too) plus the sum over
 * its ops of units x unit cost.
 */
import { HarnessError } from '../core/errors.ts';

export interface StageOp {
  readonly kernel: string;
  /** dense: the layer's shape */
  readonly nin?: number;
  readonly nout?: number;
  /** elements or calls (element-wise kernels, activations) */
  readonly n?: number;
  /** bytes (copy) */
  readonly bytes?: number;
  /** calls of a whole-call kernel (default 1) */
  readonly calls?: number;
}

export interface StageCost {
  readonly name: string;
  readonly macs: number;
  readonly weightsBytes: number;
  readonly stateBytes: number;
  readonly scratchBytes: number;
  readonly ops: readonly StageOp[];
}

export interface StageTable {
  readonly model: string;
  /** the kernel image, relative to the table file's folder (optional) */
  readonly kernels?: string;
  readonly stages: readonly StageCost[];
}

/** Unit costs from the kernel benchmarks, in the counter's unit. */
export interface KernelCosts {
  readonly probe: number;
  /** per dot-product path: cost of one output (a) and of one MAC (b) */
  readonly dense: Readonly<Record<string, { readonly perOutput: number; readonly perMac: number }>>;
  /** per kernel name: cost of one unit (call, element or byte) */
  readonly unit: Readonly<Record<string, number>>;
}

export interface StageEstimate extends StageCost {
  readonly predicted: number;
  readonly measured: number | null;
  /** (predicted - measured) / measured */
  readonly error: number | null;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** Validate a parsed stage table; errors name the file and the key path. */
export function parseStageTable(data: unknown, file: string): StageTable {
  const fail = (key: string, want: string): never => {
    throw new HarnessError('INPUT', `${file}: ${key}: expected ${want}`, { file, key });
  };
  if (typeof data !== 'object' || data === null) return fail('(top level)', 'an object with "model" and "stages"');
  const d = data as Record<string, unknown>;
  if (typeof d.model !== 'string' || !d.model) fail('model', 'the model id, e.g. "model-s"');
  if (d.kernels !== undefined && typeof d.kernels !== 'string') fail('kernels', 'a path to the kernel image');
  if (!Array.isArray(d.stages) || d.stages.length === 0) return fail('stages', 'a non-empty array');
  const stages = d.stages.map((s: unknown, i: number): StageCost => {
    const at = `stages[${i}]`;
    if (typeof s !== 'object' || s === null) return fail(at, 'an object');
    const o = s as Record<string, unknown>;
    if (typeof o.name !== 'string' || !/^[a-z0-9_]+$/.test(o.name)) fail(`${at}.name`, 'a stage name [a-z0-9_]+');
    for (const k of ['macs', 'weightsBytes', 'stateBytes', 'scratchBytes']) if (!isCount(o[k])) fail(`${at}.${k}`, 'a count >= 0');
    if (!Array.isArray(o.ops) || o.ops.length === 0) fail(`${at}.ops`, 'a non-empty array of kernel uses');
    const ops = (o.ops as unknown[]).map((op, j): StageOp => {
      const ok = `${at}.ops[${j}]`;
      if (typeof op !== 'object' || op === null || typeof (op as StageOp).kernel !== 'string') return fail(ok, 'an object with a "kernel" name');
      const p = op as StageOp;
      if (p.kernel === 'dense' && !(isCount(p.nin) && isCount(p.nout) && p.nin > 0 && p.nout > 0)) fail(ok, 'dense with nin and nout > 0');
      for (const k of ['n', 'bytes', 'calls'] as const) if (p[k] !== undefined && !isCount(p[k])) fail(`${ok}.${k}`, 'a count >= 0');
      return p;
    });
    return { name: o.name as string, macs: o.macs as number, weightsBytes: o.weightsBytes as number, stateBytes: o.stateBytes as number, scratchBytes: o.scratchBytes as number, ops };
  });
  const names = new Set<string>();
  for (const s of stages) {
    if (names.has(s.name)) fail('stages', `distinct names (${s.name} appears twice)`);
    names.add(s.name);
  }
  return { model: d.model as string, ...(d.kernels ? { kernels: d.kernels as string } : {}), stages };
}

/** Unit costs from the kernel image's per-stage medians (name -> count). */
export function kernelCosts(medians: ReadonlyMap<string, number>): KernelCosts {
  const probe = medians.get('empty') ?? 0;
  const unit: Record<string, number> = {};
  const densePoints = new Map<string, Array<{ nin: number; perOutput: number }>>();
  for (const [name, count] of medians) {
    if (name === 'empty') continue;
    const net = Math.max(0, count - probe);
    const dense = /^dense_([a-z0-9]+)_(\d+)x(\d+)$/.exec(name);
    if (dense) {
      const pts = densePoints.get(dense[1]!) ?? [];
      pts.push({ nin: Number(dense[2]), perOutput: net / Number(dense[3]) });
      densePoints.set(dense[1]!, pts);
      continue;
    }
    const calls = /^([a-z0-9]+?)_x(\d+)$/.exec(name);
    const units = /^([a-z0-9]+?)_(\d+)$/.exec(name);
    if (calls) unit[calls[1]!] = net / Number(calls[2]);
    else if (units) unit[units[1]!] = net / Number(units[2]);
    else unit[name] = net;
  }
  // a path with two widths fits its own line; a path with one width takes the per-output cost of
  // a fitted path (the code around the dot product is the same)
  const dense: Record<string, { perOutput: number; perMac: number }> = {};
  for (const [path, pts] of densePoints) {
    if (pts.length < 2) continue;
    const [p, q] = [...pts].sort((x, y) => x.nin - y.nin) as [{ nin: number; perOutput: number }, { nin: number; perOutput: number }];
    const perMac = (q.perOutput - p.perOutput) / (q.nin - p.nin);
    dense[path] = { perOutput: p.perOutput - perMac * p.nin, perMac };
  }
  const fitted = Object.values(dense)[0];
  for (const [path, pts] of densePoints) {
    if (pts.length >= 2 || !fitted) continue;
    const p = pts[0]!;
    dense[path] = { perOutput: fitted.perOutput, perMac: (p.perOutput - fitted.perOutput) / p.nin };
  }
  return { probe, dense, unit };
}

/** Predicted count of one stage on one dot-product path; throws naming a kernel it lacks. */
export function predictStage(s: StageCost, k: KernelCosts, path: string): number {
  let total = k.probe;
  for (const op of s.ops) {
    if (op.kernel === 'dense') {
      const d = k.dense[path];
      if (!d) throw new HarnessError('INPUT', `stage ${s.name}: no dense benchmark for the ${path} path in the kernel image (has: ${Object.keys(k.dense).join(', ') || 'none'})`);
      total += op.nout! * (d.perOutput + d.perMac * op.nin!);
      continue;
    }
    const c = k.unit[op.kernel];
    if (c === undefined) throw new HarnessError('INPUT', `stage ${s.name}: kernel ${op.kernel} is not measured by the kernel image (has: ${Object.keys(k.unit).sort().join(', ')})`);
    total += c * (op.n ?? op.bytes ?? op.calls ?? 1);
  }
  return total;
}

/** Prediction against measurement, stage by stage (measured: median count per stage name). */
export function estimateStages(table: StageTable, k: KernelCosts, path: string, measured: ReadonlyMap<string, number> | null): StageEstimate[] {
  return table.stages.map((s) => {
    const predicted = predictStage(s, k, path);
    const m = measured?.get(s.name) ?? null;
    return { ...s, predicted, measured: m, error: m !== null && m > 0 ? (predicted - m) / m : null };
  });
}
