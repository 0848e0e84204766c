/**
 * Which listed port a profile's `port` names, and how to say what exists when none does. Pure:
 * the listing is taken (port-listing.ts) and the file system asked (board-port.ts) elsewhere.
 */
import type { PortConfig } from '../../config/config-types.ts';
import type { PortRecord } from '../../core/board-record.ts';
import type { PortEntry, PortListing } from './port-listing.ts';

export type PortMatch = { readonly ok: true; readonly record: PortRecord } | { readonly ok: false; readonly message: string };

const hex = (s: string | null | undefined): string | null => (s ? s.toLowerCase().replace(/^0x/, '') : null);

export function hasIdentity(spec: PortConfig): boolean {
  return Boolean(spec.vendorId || spec.productId || spec.serialNumber);
}

/** `/dev/ttyACM0`, or `USB 0483:374b serial 066D...`. */
export function describePortSpec(spec: PortConfig): string {
  if (spec.url) return spec.url;
  if (spec.path && !hasIdentity(spec)) return spec.path;
  const id = `USB ${hex(spec.vendorId) ?? '*'}:${hex(spec.productId) ?? '*'}${spec.serialNumber ? ` serial ${spec.serialNumber}` : ''}`;
  return spec.path ? `${spec.path} (${id})` : id;
}

/** `/dev/ttyACM0 (USB 0483:374b, serial 066D..., STMicroelectronics)`. */
export function describeEntry(e: PortEntry): string {
  const bits = [
    e.vendorId || e.productId ? `USB ${e.vendorId ?? '?'}:${e.productId ?? '?'}` : null,
    e.serialNumber ? `serial ${e.serialNumber}` : null,
    e.manufacturer,
  ].filter((b): b is string => Boolean(b));
  return bits.length > 0 ? `${e.path} (${bits.join(', ')})` : e.path;
}

/** What ports exist, for an error message. */
export function describeListing(l: PortListing): string {
  if (l.source === 'none') {
    const ptys = l.ptys.length > 0 ? `; pseudo-terminals open: ${l.ptys.join(', ')}` : '';
    return `listing serial ports is not possible here: ${l.note ?? 'no listing available'}${ptys}`;
  }
  const ports = l.ports.length > 0 ? `serial ports here: ${l.ports.map(describeEntry).join(', ')}` : 'no serial ports here';
  const ptys = l.ptys.length > 0 ? `; pseudo-terminals: ${l.ptys.join(', ')}` : '';
  const how = l.source === 'sysfs' ? ' (listed from sysfs: serialport\'s listing needs udevadm)' : '';
  return `${ports}${ptys}${how}`;
}

function identityMatches(spec: PortConfig, e: PortEntry): boolean {
  if (spec.vendorId && hex(spec.vendorId) !== hex(e.vendorId)) return false;
  if (spec.productId && hex(spec.productId) !== hex(e.productId)) return false;
  if (spec.serialNumber && spec.serialNumber !== e.serialNumber) return false;
  return true;
}

function record(path: string, matchedBy: PortRecord['matchedBy'], e: PortEntry | undefined, l: PortListing): PortRecord {
  return {
    path,
    matchedBy,
    vendorId: e?.vendorId ?? null,
    productId: e?.productId ?? null,
    serialNumber: e?.serialNumber ?? null,
    manufacturer: e?.manufacturer ?? null,
    byId: e?.byId ?? null,
    listing: l.source,
  };
}

/**
 * A port named by path that exists (`realPath`: where its symlinks lead). With a USB identity as
 * well, the listed device must have it: a different board on the same path is refused.
 */
export function matchExistingPath(spec: PortConfig & { path: string }, realPath: string, l: PortListing): PortMatch {
  const e = l.ports.find((p) => p.path === spec.path || p.path === realPath || p.byId === spec.path);
  if (e && hasIdentity(spec) && e.vendorId && !identityMatches(spec, e)) {
    return { ok: false, message: `port ${spec.path} is ${describeEntry(e)}, not ${describePortSpec({ ...spec, path: undefined })} as the profile says` };
  }
  return { ok: true, record: record(spec.path, 'path', e, l) };
}

/** A port named by USB identity only. */
export function matchIdentity(spec: PortConfig, l: PortListing): PortMatch {
  const wanted = describePortSpec(spec);
  if (l.source === 'none') {
    return { ok: false, message: `cannot find the port ${wanted}: ${describeListing(l)}; name the port by path instead (port.path)` };
  }
  const hits = l.ports.filter((p) => identityMatches(spec, p));
  if (hits.length === 1) return { ok: true, record: record(hits[0]!.path, 'usb', hits[0], l) };
  if (hits.length > 1) {
    return { ok: false, message: `${hits.length} ports match ${wanted}: ${hits.map(describeEntry).join(', ')}; add port.serialNumber to pick one` };
  }
  return { ok: false, message: `no serial port matches ${wanted}; ${describeListing(l)}` };
}
