/**
 * Typed views of the device's reports: STATS_REPLY (PROTOCOL.md 4.3), and the unsolicited BOOT and
 * FAULT messages (section 4). Pure functions.
 */
import { HarnessError, isHarnessError } from '../core/errors.ts';
import { parseKeyValues, type KeyValues } from './payloads.ts';

/** STATS_REPLY keys, in the spec's order, and their DeviceStats field names. */
const STATS_KEYS = [
  ['frames', 'frames'],
  ['rx_lines', 'rxLines'],
  ['rx_log_lines', 'rxLogLines'],
  ['crc_errors', 'crcErrors'],
  ['gap_naks', 'gapNaks'],
  ['too_long', 'tooLong'],
  ['history_resends', 'historyResends'],
  ['errors', 'errors'],
  ['stack_hwm', 'stackHwm'],
  ['stack_size', 'stackSize'],
  ['uptime', 'uptime'],
] as const;

export type DeviceStatsField = (typeof STATS_KEYS)[number][1];

/** STATS_REPLY as numbers. Keys this host does not know (a newer firmware) are ignored. */
export type DeviceStats = { readonly [K in DeviceStatsField]: number };

/** Parse STATS_REPLY. Every key of PROTOCOL.md 4.3 is required; `stack_hwm` may be -1. */
export function parseDeviceStats(payload: Uint8Array | KeyValues, ctx: { readonly target?: string } = {}): DeviceStats {
  const where = ctx.target ? `${ctx.target}: ` : '';
  let kv: KeyValues;
  try {
    kv = payload instanceof Uint8Array ? parseKeyValues(payload) : payload;
  } catch (e) {
    throw new HarnessError('PROTOCOL', `${where}malformed STATS_REPLY: ${isHarnessError(e) ? e.message : String(e)}`, { ...ctx });
  }
  const map = new Map(kv.map(([k, v]) => [k, v] as const));
  const out: Record<string, number> = {};
  for (const [key, field] of STATS_KEYS) {
    const v = map.get(key);
    if (v === undefined) throw new HarnessError('PROTOCOL', `${where}STATS_REPLY lacks the key "${key}"`, { ...ctx, key });
    if (!/^-?\d{1,20}$/.test(v) || !Number.isSafeInteger(Number(v))) {
      throw new HarnessError('PROTOCOL', `${where}STATS_REPLY ${key}=${JSON.stringify(v.slice(0, 40))} is not an integer`, {
        ...ctx,
        key,
      });
    }
    out[field] = Number(v);
  }
  return out as DeviceStats;
}

/** Key/value text read leniently: a crashing device may send imperfect text, and it is evidence. */
export interface DeviceNotice {
  /** All `key=value` fields (first occurrence wins). */
  readonly fields: Readonly<Record<string, string>>;
  /** The payload as text, for messages and logs. */
  readonly text: string;
}

export interface BootInfo extends DeviceNotice {
  readonly fw?: string;
  readonly build?: string;
  readonly reason?: string;
}

export interface FaultInfo extends DeviceNotice {
  /** e.g. `hardfault`, `stack-overflow`, `assert`; `unknown` when absent. */
  readonly kind: string;
}

function parseNotice(payload: Uint8Array): DeviceNotice {
  const text = Buffer.from(payload.buffer, payload.byteOffset, payload.length).toString('utf8');
  const fields: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const k = line.slice(0, eq);
    if (!(k in fields)) fields[k] = line.slice(eq + 1);
  }
  return { fields, text: text.replace(/\n+$/, '') };
}

export function parseBoot(payload: Uint8Array): BootInfo {
  const n = parseNotice(payload);
  return { ...n, fw: n.fields['fw'], build: n.fields['build'], reason: n.fields['reason'] };
}

export function parseFault(payload: Uint8Array): FaultInfo {
  const n = parseNotice(payload);
  return { ...n, kind: n.fields['kind'] ?? 'unknown' };
}

/** One-line rendering of a notice's fields: `kind=hardfault pc=0x00001234 frame=17`. */
export function describeNotice(n: DeviceNotice): string {
  const parts = Object.entries(n.fields).map(([k, v]) => `${k}=${v}`);
  return parts.length > 0 ? parts.join(' ') : JSON.stringify(n.text.slice(0, 120));
}
