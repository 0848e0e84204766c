/**
 * Typed views of the key/value payloads (PROTOCOL.md 4.1, 4.3, 4): INFO -> DeviceInfo,
 * STATS_REPLY -> DeviceStats, BOOT and FAULT -> their fields. Pure functions.
 *
 * INFO problems are HANDSHAKE errors naming the key; STATS_REPLY problems are PROTOCOL errors.
 */
import { HarnessError, isHarnessError } from '../core/errors.ts';
import { PROTO_VERSION } from './messages.ts';
import { formatKeyValues, parseKeyValues, type KeyValues } from './payloads.ts';

export type CounterKind = 'dwt' | 'icount' | 'timer' | 'none';
export const COUNTER_KINDS: readonly CounterKind[] = ['dwt', 'icount', 'timer', 'none'];

/** One runtime parameter. `min`, `max` and `def` are raw fixed-point values (real = raw / 2^fracBits). */
export interface ParamDesc {
  readonly id: number;
  readonly name: string;
  readonly unit: string;
  readonly fracBits: number;
  readonly min: number;
  readonly max: number;
  readonly def: number;
}

export interface DeviceInfo {
  readonly proto: number;
  readonly fw: string;
  readonly fwVersion: string;
  readonly build: string;
  readonly board: string;
  readonly model: string;
  readonly modelVersion: string;
  readonly modelDesc: string;
  readonly weights: string;
  readonly rate: number;
  readonly hop: number;
  readonly format: string;
  readonly channels: number;
  readonly latency: number;
  readonly clock: number;
  readonly counter: CounterKind;
  readonly window: number;
  readonly history: number;
  readonly maxPayload: number;
  readonly params: readonly ParamDesc[];
  /** Named stages of the model's frame (INFO `stages`), in order; absent: not profiled by stage. */
  readonly stages?: readonly string[];
  /** Per stage, its tap's element type and count, or null (INFO `taps`, 4.5); absent: no taps. */
  readonly taps?: ReadonlyArray<TapDesc | null>;
  /** The framings the device speaks (INFO `framings`, PROTOCOL.md 8.1); absent: v1 only. */
  readonly framings?: readonly number[];
  /** The framing in force after the HELLO this INFO answers (INFO `framing`; absent: 1). */
  readonly framing?: number;
}

/** A stage tap's shape: `count` signed integers of `bits` bits. */
export interface TapDesc {
  readonly bits: 16 | 32 | 64;
  readonly count: number;
}

type Ctx = { readonly target?: string };

function where(ctx: Ctx): string {
  return ctx.target ? `${ctx.target}: ` : '';
}

function kvOf(payload: Uint8Array | KeyValues, code: 'HANDSHAKE' | 'PROTOCOL', what: string, ctx: Ctx): KeyValues {
  if (!(payload instanceof Uint8Array)) return payload;
  try {
    return parseKeyValues(payload);
  } catch (e) {
    const msg = isHarnessError(e) ? e.message : String(e);
    throw new HarnessError(code, `${where(ctx)}malformed ${what}: ${msg}`, { ...ctx }, { cause: e });
  }
}

/** Parse a non-negative (or, with `signed`, any) decimal integer within the int32/uint32 range. */
function parseInteger(text: string, signed: boolean): number | undefined {
  if (!(signed ? /^-?\d{1,10}$/ : /^\d{1,10}$/).test(text)) return undefined;
  const n = Number(text);
  if (signed ? n < -0x80000000 || n > 0x7fffffff : n > 0xffffffff) return undefined;
  return n;
}

/** Parse INFO key/values into a DeviceInfo. Unknown keys are ignored (forward compatible). */
export function parseDeviceInfo(payload: Uint8Array | KeyValues, ctx: Ctx = {}): DeviceInfo {
  const kv = kvOf(payload, 'HANDSHAKE', 'INFO', ctx);
  const single = new Map<string, string>();
  const paramLines: string[] = [];
  for (const [k, v] of kv) {
    if (k === 'param') paramLines.push(v);
    else if (single.has(k)) throw bad(ctx, k, v, 'appears twice');
    else single.set(k, v);
  }
  const str = (key: string): string => {
    const v = single.get(key);
    if (v === undefined) throw new HarnessError('HANDSHAKE', `${where(ctx)}INFO lacks the key "${key}"`, { ...ctx, key });
    return v;
  };
  const int = (key: string, min = 0, max = 0xffffffff): number => {
    const v = str(key);
    const n = parseInteger(v, false);
    if (n === undefined || n < min || n > max) throw bad(ctx, key, v, `is not an integer in ${min} .. ${max}`);
    return n;
  };
  // Read the keys in the spec's order, so the first problem reported is the first in the text.
  const proto = int('proto');
  if (proto !== PROTO_VERSION) {
    throw bad(ctx, 'proto', String(proto), `is not supported (this host speaks protocol ${PROTO_VERSION})`);
  }
  const ident = {
    fw: str('fw'),
    fwVersion: str('fw_version'),
    build: str('build'),
    board: str('board'),
    model: str('model'),
    modelVersion: str('model_version'),
    modelDesc: str('model_desc'),
    weights: str('weights'),
  };
  const audio = {
    rate: int('rate', 1),
    hop: int('hop', 1, 0xffff),
    format: str('format'),
    channels: int('channels', 1, 0xffff),
    latency: int('latency'),
    clock: int('clock'),
  };
  const counter = str('counter');
  if (!(COUNTER_KINDS as readonly string[]).includes(counter)) {
    throw bad(ctx, 'counter', counter, `is not one of ${COUNTER_KINDS.join(', ')}`);
  }
  const link = {
    window: int('window', 1, 0x7fff),
    history: int('history', 1, 0x7fff),
    maxPayload: int('max_payload', 0, 0xffff),
  };
  const params = paramLines.map((line) => parseParamDesc(line, ctx));
  const ids = new Set<number>();
  const names = new Set<string>();
  for (const p of params) {
    if (ids.has(p.id)) throw bad(ctx, 'param', `${p.id},${p.name}`, `repeats parameter id ${p.id}`);
    if (names.has(p.name)) throw bad(ctx, 'param', `${p.id},${p.name}`, `repeats parameter name ${p.name}`);
    ids.add(p.id);
    names.add(p.name);
  }
  const stagesText = single.get('stages');
  const stages = stagesText === undefined ? undefined : parseStages(stagesText, ctx);
  const tapsText = single.get('taps');
  if (tapsText !== undefined && !stages) throw bad(ctx, 'taps', tapsText, 'comes without "stages"');
  const taps = tapsText === undefined || !stages ? undefined : parseTaps(tapsText, stages.length, ctx);
  const framingsText = single.get('framings');
  const framings = framingsText === undefined ? undefined : framingsText.split(',').map(Number);
  if (framings && framings.some((f) => !Number.isInteger(f) || f < 1 || f > 255)) throw bad(ctx, 'framings', framingsText!, 'is not a list of framing versions such as 1,2');
  const framing = single.has('framing') ? int('framing', 1, 255) : undefined;
  return {
    proto,
    ...ident,
    ...audio,
    counter: counter as CounterKind,
    ...link,
    params,
    ...(stages ? { stages } : {}),
    ...(taps ? { taps } : {}),
    ...(framings ? { framings } : {}),
    ...(framing !== undefined ? { framing } : {}),
  };
}

/** Largest number of stages a device may declare (PROTOCOL.md 4.4). */
export const MAX_STAGES = 16;

/** INFO `stages`: 1 .. 16 distinct names [a-z0-9_]+, comma separated. */
function parseStages(text: string, ctx: Ctx): string[] {
  const names = text.split(',');
  if (names.length > MAX_STAGES) throw bad(ctx, 'stages', text, `declares ${names.length} stages (at most ${MAX_STAGES})`);
  const seen = new Set<string>();
  for (const n of names) {
    if (!/^[a-z0-9_]+$/.test(n)) throw bad(ctx, 'stages', text, `has a bad stage name ${JSON.stringify(n)} (expected [a-z0-9_]+)`);
    if (seen.has(n)) throw bad(ctx, 'stages', text, `repeats the stage ${n}`);
    seen.add(n);
  }
  return names;
}

/** INFO `taps`: one entry per stage, `i16x320`, `i32x20`, `i64x20` or `-` (no tap). */
function parseTaps(text: string, nStages: number, ctx: Ctx): Array<TapDesc | null> {
  const items = text.split(',');
  if (items.length !== nStages) throw bad(ctx, 'taps', text, `has ${items.length} entries for ${nStages} stages`);
  return items.map((it) => {
    if (it === '-') return null;
    const m = /^i(16|32|64)x(\d{1,5})$/.exec(it);
    const count = m ? Number(m[2]) : 0;
    if (!m || count < 1 || count > 0xffff) throw bad(ctx, 'taps', text, `has a bad entry ${JSON.stringify(it)} (expected i16xN, i32xN, i64xN or -)`);
    return { bits: Number(m[1]) as 16 | 32 | 64, count };
  });
}

/** INFO `taps` text of a tap list. */
export function formatTaps(taps: ReadonlyArray<TapDesc | null>): string {
  return taps.map((t) => (t ? `i${t.bits}x${t.count}` : '-')).join(',');
}

function bad(ctx: Ctx, key: string, value: string, why: string): HarnessError {
  return new HarnessError('HANDSHAKE', `${where(ctx)}INFO ${key}=${JSON.stringify(value.slice(0, 80))} ${why}`, {
    ...ctx,
    key,
  });
}

/** Parse one INFO `param` value: `id,name,unit,frac_bits,min,max,default`. */
export function parseParamDesc(line: string, ctx: Ctx = {}): ParamDesc {
  const f = line.split(',');
  if (f.length !== 7) throw bad(ctx, 'param', line, 'is not id,name,unit,frac_bits,min,max,default');
  const [idS, name, unit, fbS, minS, maxS, defS] = f as [string, string, string, string, string, string, string];
  const id = parseInteger(idS, false);
  const fracBits = parseInteger(fbS, false);
  const min = parseInteger(minS, true);
  const max = parseInteger(maxS, true);
  const def = parseInteger(defS, true);
  if (id === undefined || id > 0xffff) throw bad(ctx, 'param', line, 'has a bad id');
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw bad(ctx, 'param', line, 'has a bad name');
  if (fracBits === undefined || fracBits > 30) throw bad(ctx, 'param', line, 'has bad frac_bits (0 .. 30)');
  if (min === undefined || max === undefined || def === undefined) throw bad(ctx, 'param', line, 'has a bad min, max or default');
  if (!(min <= def && def <= max)) throw bad(ctx, 'param', line, 'does not satisfy min <= default <= max');
  return { id, name, unit, fracBits, min, max, def };
}

/** The INFO key/values of a DeviceInfo, in the spec's order (used by fakes and tests). */
export function formatDeviceInfo(info: DeviceInfo): Uint8Array {
  const kv: Array<[string, string]> = [
    ['proto', String(info.proto)],
    ['fw', info.fw],
    ['fw_version', info.fwVersion],
    ['build', info.build],
    ['board', info.board],
    ['model', info.model],
    ['model_version', info.modelVersion],
    ['model_desc', info.modelDesc],
    ['weights', info.weights],
    ['rate', String(info.rate)],
    ['hop', String(info.hop)],
    ['format', info.format],
    ['channels', String(info.channels)],
    ['latency', String(info.latency)],
    ['clock', String(info.clock)],
    ['counter', info.counter],
    ['window', String(info.window)],
    ['history', String(info.history)],
    ['max_payload', String(info.maxPayload)],
  ];
  for (const p of info.params) kv.push(['param', [p.id, p.name, p.unit, p.fracBits, p.min, p.max, p.def].join(',')]);
  if (info.stages && info.stages.length > 0) kv.push(['stages', info.stages.join(',')]);
  if (info.stages && info.stages.length > 0 && info.taps) kv.push(['taps', formatTaps(info.taps)]);
  if (info.framings) kv.push(['framings', info.framings.join(',')]);
  if (info.framing !== undefined) kv.push(['framing', String(info.framing)]);
  return formatKeyValues(kv);
}

/** Real value of a raw fixed-point parameter value. */
export function paramReal(p: ParamDesc, raw: number): number {
  return raw / 2 ** p.fracBits;
}
