/**
 * List the serial ports of this machine with their USB identity. First `serialport`'s own listing
 * (on Linux it runs `udevadm`, which containers and minimal systems lack: it throws ENOENT); when
 * that fails, the same facts straight from sysfs (/sys/class/tty/<name>/device, walking up to the
 * USB device for idVendor, idProduct, serial, manufacturer) plus /dev/serial/by-id names.
 * Pseudo-terminals (/dev/pts/N) are listed separately: they are what QEMU and socat offer.
 */
import { readdirSync, readFileSync, readlinkSync, realpathSync, existsSync } from 'node:fs';
import path from 'node:path';
import { SerialPort } from 'serialport';

export interface PortEntry {
  readonly path: string;
  readonly vendorId: string | null;
  readonly productId: string | null;
  readonly serialNumber: string | null;
  readonly manufacturer: string | null;
  /** /dev/serial/by-id name, when there is one. */
  readonly byId: string | null;
}

export interface PortListing {
  /** Serial devices (ttyACM, ttyUSB, ttyS, ttyAMA, ...). */
  readonly ports: readonly PortEntry[];
  /** Pseudo-terminal slaves open right now. */
  readonly ptys: readonly string[];
  /** Where the list came from; `none`: listing is not possible here. */
  readonly source: 'serialport' | 'sysfs' | 'none';
  /** Why serialport's own listing was not used, if it was not. */
  readonly note: string | null;
}

export interface ListingOptions {
  readonly sysRoot?: string;
  readonly devRoot?: string;
  /** serialport's listing (replaceable to exercise the fallback). */
  readonly serialportList?: () => Promise<ReadonlyArray<{ path: string; vendorId?: string; productId?: string; serialNumber?: string; manufacturer?: string; pnpId?: string }>>;
}

/** Device names serialport's Linux listing accepts. */
const SERIAL_NAME_RE = /^(tty(S|WCH|ACM|USB|AMA|MFD|O|XRUSB)\d*|rfcomm\d+)/;

function readAttr(dir: string, name: string): string | null {
  try {
    const v = readFileSync(path.join(dir, name), 'utf8').trim();
    return v.length > 0 ? v : null;
  } catch {
    return null;
  }
}

/** /dev/serial/by-id names by the device they point at. */
function byIdNames(devRoot: string): Map<string, string> {
  const out = new Map<string, string>();
  const dir = path.join(devRoot, 'serial', 'by-id');
  try {
    for (const name of readdirSync(dir)) {
      try {
        out.set(path.resolve(dir, readlinkSync(path.join(dir, name))), path.join(dir, name));
      } catch {
        /* dangling link */
      }
    }
  } catch {
    /* no such folder */
  }
  return out;
}

/** The sysfs view: every tty with a backing device, with the USB attributes above it. */
export function listFromSysfs(sysRoot = '/sys', devRoot = '/dev'): PortEntry[] | null {
  const classDir = path.join(sysRoot, 'class', 'tty');
  let names: string[];
  try {
    names = readdirSync(classDir);
  } catch {
    return null;
  }
  const byId = byIdNames(devRoot);
  const sysReal = realpathSync(sysRoot);
  const ports: PortEntry[] = [];
  for (const name of names.sort()) {
    if (!SERIAL_NAME_RE.test(name)) continue;
    const ttyDir = path.join(classDir, name);
    if (!existsSync(path.join(ttyDir, 'device'))) continue;
    // legacy 8250 slots without a UART behind them report type 0
    if (name.startsWith('ttyS') && readAttr(ttyDir, 'type') === '0') continue;
    let usb: string | null = null;
    try {
      let dir = realpathSync(path.join(ttyDir, 'device'));
      for (let up = 0; up < 6 && dir.startsWith(sysReal) && dir !== sysReal; up++, dir = path.dirname(dir)) {
        if (readAttr(dir, 'idVendor')) {
          usb = dir;
          break;
        }
      }
    } catch {
      /* unreadable link */
    }
    const devPath = path.join(devRoot, name);
    ports.push({
      path: devPath,
      vendorId: usb ? readAttr(usb, 'idVendor') : null,
      productId: usb ? readAttr(usb, 'idProduct') : null,
      serialNumber: usb ? readAttr(usb, 'serial') : null,
      manufacturer: usb ? readAttr(usb, 'manufacturer') : null,
      byId: byId.get(devPath) ?? null,
    });
  }
  return ports;
}

/** Open pseudo-terminal slaves (/dev/pts/N). */
export function listPtys(devRoot = '/dev'): string[] {
  try {
    return readdirSync(path.join(devRoot, 'pts'))
      .filter((n) => /^\d+$/.test(n))
      .sort((a, b) => Number(a) - Number(b))
      .map((n) => path.join(devRoot, 'pts', n));
  } catch {
    return [];
  }
}

export async function listSerialPorts(o: ListingOptions = {}): Promise<PortListing> {
  const devRoot = o.devRoot ?? '/dev';
  const ptys = listPtys(devRoot);
  let note: string;
  try {
    const list = await (o.serialportList ?? (() => SerialPort.list()))();
    const byId = byIdNames(devRoot);
    const ports = list.map((p) => ({
      path: p.path,
      vendorId: p.vendorId?.toLowerCase() ?? null,
      productId: p.productId?.toLowerCase() ?? null,
      serialNumber: p.serialNumber ?? null,
      manufacturer: p.manufacturer ?? null,
      byId: byId.get(p.path) ?? (p.pnpId ? path.join(devRoot, 'serial', 'by-id', p.pnpId) : null),
    }));
    return { ports, ptys, source: 'serialport', note: null };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    note = /udevadm/.test(msg) ? `serialport's listing needs udevadm, which is missing here (${msg})` : `serialport's listing failed (${msg})`;
  }
  const fromSys = listFromSysfs(o.sysRoot ?? '/sys', devRoot);
  if (fromSys) return { ports: fromSys, ptys, source: 'sysfs', note: `${note}; listed from sysfs instead` };
  return { ports: [], ptys, source: 'none', note: `${note}, and there is no /sys/class/tty to read` };
}
