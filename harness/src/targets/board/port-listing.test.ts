import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { listFromSysfs, listSerialPorts, type PortListing } from './port-listing.ts';
import { describeListing, describePortSpec, matchExistingPath, matchIdentity } from './port-match.ts';

/** A small sysfs + /dev tree as Linux lays it out: a USB CDC port, an FTDI port, a 16550 UART, a
 *  legacy 8250 slot with no UART, a virtual console. */
function fakeMachine(): { sys: string; dev: string; root: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'hil-sysfs-'));
  const sys = path.join(root, 'sys');
  const dev = path.join(root, 'dev');
  const write = (f: string, v: string): void => {
    mkdirSync(path.dirname(f), { recursive: true });
    writeFileSync(f, `${v}\n`);
  };
  const usbDevice = (bus: string, vid: string, pid: string, serial: string, maker: string): string => {
    const d = path.join(sys, 'devices/pci0000:00/0000:00:14.0/usb1', bus);
    write(path.join(d, 'idVendor'), vid);
    write(path.join(d, 'idProduct'), pid);
    write(path.join(d, 'serial'), serial);
    write(path.join(d, 'manufacturer'), maker);
    return d;
  };
  const tty = (name: string, deviceDir: string | null, type?: string): void => {
    const t = path.join(sys, 'devices/virtual/tty', name);
    mkdirSync(t, { recursive: true });
    if (deviceDir) {
      mkdirSync(deviceDir, { recursive: true });
      symlinkSync(deviceDir, path.join(t, 'device'));
    }
    if (type !== undefined) write(path.join(t, 'type'), type);
    mkdirSync(path.join(sys, 'class/tty'), { recursive: true });
    symlinkSync(t, path.join(sys, 'class/tty', name));
  };
  const stlink = usbDevice('1-2', '0483', '374b', '066DFF485550755187123456', 'STMicroelectronics');
  const ftdi = usbDevice('1-3', '0403', '6001', 'A10KXYZ', 'FTDI');
  tty('ttyACM0', path.join(stlink, '1-2:1.2'));
  tty('ttyUSB0', path.join(ftdi, '1-3:1.0/ttyUSB0'));
  tty('ttyS0', path.join(sys, 'devices/pnp0/00:01'), '4');
  tty('ttyS1', path.join(sys, 'devices/platform/serial8250'), '0');
  tty('tty1', null);
  mkdirSync(path.join(dev, 'serial/by-id'), { recursive: true });
  symlinkSync('../../ttyACM0', path.join(dev, 'serial/by-id/usb-STMicroelectronics_STM32_STLink_066DFF485550755187123456-if02'));
  mkdirSync(path.join(dev, 'pts'), { recursive: true });
  for (const n of ['ptmx', '0', '12', '3']) writeFileSync(path.join(dev, 'pts', n), '');
  return { sys, dev, root };
}

const failingList = () => Promise.reject(new Error('spawn udevadm ENOENT'));

describe('serial port listing', () => {
  const m = fakeMachine();
  after(() => rmSync(m.root, { recursive: true, force: true }));

  it('reads USB identity from sysfs, skips consoles and empty 8250 slots', () => {
    const ports = listFromSysfs(m.sys, m.dev)!;
    expect(ports.map((p) => path.basename(p.path))).to.deep.equal(['ttyACM0', 'ttyS0', 'ttyUSB0']);
    const acm = ports[0]!;
    expect(acm).to.include({ vendorId: '0483', productId: '374b', serialNumber: '066DFF485550755187123456', manufacturer: 'STMicroelectronics' });
    expect(acm.byId).to.match(/by-id\/usb-STMicroelectronics_STM32_STLink_.*-if02$/);
    expect(ports[1]).to.include({ vendorId: null, serialNumber: null });
    expect(ports[2]).to.include({ vendorId: '0403', productId: '6001', serialNumber: 'A10KXYZ' });
  });

  it("falls back to sysfs when serialport's listing fails (no udevadm), and says so", async () => {
    const l = await listSerialPorts({ sysRoot: m.sys, devRoot: m.dev, serialportList: failingList });
    expect(l.source).to.equal('sysfs');
    expect(l.note).to.contain('udevadm');
    expect(l.ports).to.have.length(3);
    expect(l.ptys).to.deep.equal(['0', '3', '12'].map((n) => path.join(m.dev, 'pts', n)));
  });

  it("uses serialport's listing when it works (ids lower-cased)", async () => {
    const l = await listSerialPorts({ devRoot: m.dev, serialportList: async () => [{ path: '/dev/ttyACM7', vendorId: '1366', productId: '0105', serialNumber: '000123', manufacturer: 'SEGGER' }] });
    expect(l.source).to.equal('serialport');
    expect(l.ports).to.deep.equal([{ path: '/dev/ttyACM7', vendorId: '1366', productId: '0105', serialNumber: '000123', manufacturer: 'SEGGER', byId: null }]);
  });

  it('says when listing is not possible at all', async () => {
    const l = await listSerialPorts({ sysRoot: path.join(m.root, 'nope'), devRoot: m.dev, serialportList: failingList });
    expect(l.source).to.equal('none');
    expect(describeListing(l)).to.match(/^listing serial ports is not possible here: .*udevadm.*; pseudo-terminals open: /);
  });
});

describe('matching a profile port', () => {
  const m = fakeMachine();
  after(() => rmSync(m.root, { recursive: true, force: true }));
  let l: PortListing;
  before(async () => {
    l = await listSerialPorts({ sysRoot: m.sys, devRoot: m.dev, serialportList: failingList });
  });

  it('finds a board by vendor and product id, and records its identity', () => {
    const r = matchIdentity({ vendorId: '0483', productId: '374B' }, l);
    expect(r.ok).to.equal(true);
    if (r.ok) expect(r.record).to.include({ path: path.join(m.dev, 'ttyACM0'), matchedBy: 'usb', serialNumber: '066DFF485550755187123456', listing: 'sysfs' });
  });

  it('names the ports that exist when none matches', () => {
    const r = matchIdentity({ vendorId: '1366', productId: '0105' }, l);
    expect(r.ok).to.equal(false);
    if (!r.ok) {
      expect(r.message).to.contain('no serial port matches USB 1366:0105');
      expect(r.message).to.contain('ttyACM0 (USB 0483:374b, serial 066DFF485550755187123456, STMicroelectronics)');
      expect(r.message).to.contain('pseudo-terminals');
    }
  });

  it('asks for a serial number when several boards match', () => {
    const two: PortListing = { ...l, ports: [...l.ports, { ...l.ports[0]!, path: '/dev/ttyACM1', serialNumber: 'OTHER' }] };
    const r = matchIdentity({ vendorId: '0483' }, two);
    expect(r.ok).to.equal(false);
    if (!r.ok) expect(r.message).to.match(/^2 ports match USB 0483:\*: .*add port.serialNumber/);
    const one = matchIdentity({ vendorId: '0483', serialNumber: 'OTHER' }, two);
    expect(one.ok && one.record.path).to.equal('/dev/ttyACM1');
  });

  it('by path: takes the identity from the listing, refuses another board on that path', () => {
    const acm = path.join(m.dev, 'ttyACM0');
    const ok = matchExistingPath({ path: acm }, acm, l);
    expect(ok.ok && ok.record).to.include({ matchedBy: 'path', vendorId: '0483' });
    const wrong = matchExistingPath({ path: acm, vendorId: '1366' }, acm, l);
    expect(wrong.ok).to.equal(false);
    if (!wrong.ok) expect(wrong.message).to.contain('not USB 1366:*');
  });

  it('cannot look up a USB identity where listing is impossible', () => {
    const r = matchIdentity({ vendorId: '0483', productId: '374b' }, { ports: [], ptys: [], source: 'none', note: 'no udevadm' });
    expect(r.ok).to.equal(false);
    if (!r.ok) expect(r.message).to.contain('not possible here').and.contain('port.path');
  });

  it('describes specs for messages', () => {
    expect(describePortSpec({ path: '/dev/ttyACM0' })).to.equal('/dev/ttyACM0');
    expect(describePortSpec({ vendorId: '0483', productId: '374b', serialNumber: 'X1' })).to.equal('USB 0483:374b serial X1');
  });
});
