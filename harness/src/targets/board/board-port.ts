/**
 * Find and open a bench board's serial port, waiting out USB re-enumeration: after a flash (or a
 * reset) a USB CDC port can vanish and come back, possibly under another name, and for a moment
 * refuse to open (EACCES until udev applies its rules, EIO while the device settles). Until the
 * deadline the port is looked up again (by path, or by USB identity in a fresh listing) and the
 * open retried; what is left at the deadline is reported with the ports that do exist.
 */
import { existsSync, realpathSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

import type { PortConfig } from '../../config/config-types.ts';
import type { PortRecord } from '../../core/board-record.ts';
import { HarnessError } from '../../core/errors.ts';
import { openRemotePort, parsePortUrl, type RemoteAddress } from '../../transport/remote-serial-link.ts';
import { openSerialPort, type SerialLink } from '../../transport/serial-port-link.ts';
import { listSerialPorts, type PortListing } from './port-listing.ts';
import { describeListing, describePortSpec, matchExistingPath, matchIdentity, type PortMatch } from './port-match.ts';

export interface PortLookupOptions {
  /** The port listing (default: listSerialPorts()). */
  readonly listing?: () => Promise<PortListing>;
}

export interface PortOpenOptions extends PortLookupOptions {
  readonly baudRate: number;
  /** How long the port may take to (re)appear and open; 0: one attempt. */
  readonly timeoutMs: number;
  readonly pollMs?: number;
  readonly signal?: AbortSignal;
  /** For messages: the target, e.g. `board bench`. */
  readonly target: string;
}

/** What the report records of a remote port (no USB identity to look up). */
function remoteRecord(url: string): PortRecord {
  return { path: url, matchedBy: 'url', vendorId: null, productId: null, serialNumber: null, manufacturer: null, byId: null, listing: 'none' };
}

/** Look the port up once (a remote port is not looked up: it is reached when opened). */
export async function lookUpPort(spec: PortConfig, o: PortLookupOptions = {}): Promise<PortMatch> {
  if (spec.url) {
    parsePortUrl(spec.url);
    return { ok: true, record: remoteRecord(spec.url) };
  }
  const list = o.listing ?? (() => listSerialPorts());
  if (spec.path) {
    const p = spec.path;
    if (!existsSync(p)) return { ok: false, message: `port ${p} does not exist; ${describeListing(await list())}` };
    let real = p;
    try {
      real = realpathSync(p);
    } catch {
      /* keep the path */
    }
    return matchExistingPath({ ...spec, path: p }, real, await list());
  }
  return matchIdentity(spec, await list());
}

export function portError(message: string, spec: PortConfig, target: string, cause?: unknown): HarnessError {
  return new HarnessError('TARGET', `${target}: ${message}`, { port: spec.path ?? describePortSpec(spec), target }, cause ? { cause } : undefined);
}

/**
 * Connect to a remote port, retrying a refused connection or a server whose device is still in
 * use until `timeoutMs` has passed (ser2net restarting, or still closing an earlier connection);
 * a connection that cannot work (unknown host, not RFC 2217) fails at once.
 */
async function openRemoteBoardPort(remote: RemoteAddress, spec: PortConfig, o: PortOpenOptions): Promise<{ link: SerialLink; port: PortRecord }> {
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    try {
      const link = await openRemotePort(remote, { baudRate: o.baudRate, description: `${o.target} (${remote.url} @${o.baudRate})`, signal: o.signal });
      return { link, port: remoteRecord(remote.url) };
    } catch (e) {
      const transient = e instanceof HarnessError && e.context.transient === true;
      if (!transient || o.signal?.aborted || Date.now() + (o.pollMs ?? 200) > deadline) throw portError((e as Error).message, spec, o.target, e);
    }
    await sleep(o.pollMs ?? 200, undefined, { signal: o.signal }).catch(() => undefined);
  }
}

/** Resolve and open the port, retrying until `timeoutMs` has passed. */
export async function openBoardPort(spec: PortConfig, o: PortOpenOptions): Promise<{ link: SerialLink; port: PortRecord }> {
  const remote = spec.url ? parsePortUrl(spec.url) : null;
  if (remote) return openRemoteBoardPort(remote, spec, o);
  const deadline = Date.now() + o.timeoutMs;
  const pollMs = o.pollMs ?? 200;
  let last: { message: string; cause?: unknown } = { message: `port ${describePortSpec(spec)} not found` };
  for (;;) {
    if (o.signal?.aborted) throw new HarnessError('INTERRUPTED', `${o.target}: opening the serial port was interrupted`, { port: spec.path });
    const m = await lookUpPort(spec, o);
    if (m.ok) {
      try {
        const link = await openSerialPort(m.record.path, { baudRate: o.baudRate, description: `${o.target} (${m.record.path} @${o.baudRate})` });
        return { link, port: m.record };
      } catch (e) {
        const transient = e instanceof HarnessError ? e.context.transient !== false : true;
        if (!transient) throw portError((e as Error).message, spec, o.target, e);
        last = { message: (e as Error).message, cause: e };
      }
    } else {
      last = { message: m.message };
    }
    if (Date.now() + pollMs > deadline) break;
    await sleep(pollMs, undefined, { signal: o.signal }).catch(() => undefined);
  }
  const waited = o.timeoutMs > 0 ? ` (waited ${o.timeoutMs} ms for it to appear and open)` : '';
  throw portError(`${last.message}${waited}`, spec, o.target, last.cause);
}
