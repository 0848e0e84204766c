/**
 * openSerialPort on a real pseudo-terminal (Python's pty module makes the pair; its master plays
 * the device): the port reads and writes its fd directly (directFdIo), bytes arrive intact and in
 * order through many small chunks both ways, a write larger than the pty's buffer waits for the
 * device and completes in order, and a device that goes away closes the link.
 */
import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { SerialPort } from 'serialport';

import { createHash } from 'node:crypto';

import { DEFAULT_READ_COALESCE_MS, directFdIo, READ_COALESCE_BYTES, READ_COALESCE_MAX_MS, readCoalesceMs } from './direct-fd-io.ts';
import { openSerialPort } from './serial-port-link.ts';

// The "device": prints the slave's path, then sends `n` chunks of `size` bytes a millisecond
// apart (chunk k filled with byte 32 + k % 90), then echoes what it reads until `stop` arrives.
const DEVICE = String.raw`
import os, pty, sys, time, tty, select
m, s = pty.openpty()
tty.setraw(s)
print(os.ttyname(s), flush=True)
n, size = int(sys.argv[1]), int(sys.argv[2])
sys.stdin.readline()
for k in range(n):
    os.write(m, bytes([32 + k % 90]) * size)
    time.sleep(0.001)
got = b''
while not got.endswith(b'stop\n'):
    r, _, _ = select.select([m], [], [], 10)
    if not r: break
    got += os.read(m, 4096)
os.write(m, b'echo:' + got)
time.sleep(0.3)
`;

// A device that does not read for 0.5 s (the pty buffer fills and the host's writes go partial),
// then reads everything and answers with the length and SHA-256 of what it got.
const SLOW_READER = String.raw`
import hashlib, os, pty, select, sys, time, tty
m, s = pty.openpty()
tty.setraw(s)
print(os.ttyname(s), flush=True)
want = int(sys.argv[1])
time.sleep(0.5)
got = b''
while len(got) < want:
    r, _, _ = select.select([m], [], [], 10)
    if not r: break
    got += os.read(m, 65536)
print('got %d %s' % (len(got), hashlib.sha256(got).hexdigest()), flush=True)
time.sleep(0.3)
`;

const hasPython = spawnSync('python3', ['-c', 'import pty'], { stdio: 'ignore' }).status === 0;

function startDevice(n: number, size: number): { child: ChildProcessWithoutNullStreams; path: Promise<string> } {
  const child = spawn('python3', ['-c', DEVICE, String(n), String(size)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const rl = createInterface({ input: child.stdout });
  const path = new Promise<string>((resolve, reject) => {
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`pty device exited (${code})`)));
  });
  return { child, path };
}

describe('serial port link on a pty', function () {
  before(function () {
    if (!hasPython) this.skip();
  });

  it('reads the fd directly; many small chunks arrive intact and in order, writes reach the device, a vanished device closes the link', async () => {
    const n = 300;
    const size = 49;
    const dev = startDevice(n, size);
    const link = await openSerialPort(await dev.path, { baudRate: 460800 });
    try {
      const binding = (link.input as SerialPort).port;
      expect(binding && Object.hasOwn(binding, 'read'), 'read() replaced on the binding port').to.equal(true);
      expect(binding && Object.hasOwn(binding, 'write'), 'write() replaced on the binding port').to.equal(true);
      const chunks: Buffer[] = [];
      let reads = 0;
      const all = new Promise<Buffer>((resolve) => {
        link.input.on('data', (b: Buffer) => {
          reads++;
          chunks.push(Buffer.from(b));
          const total = chunks.reduce((a, c) => a + c.length, 0);
          if (total >= n * size) resolve(Buffer.concat(chunks));
        });
      });
      dev.child.stdin.write('go\n');
      const got = await all;
      const want = Buffer.concat(Array.from({ length: n }, (_, k) => Buffer.alloc(size, 32 + (k % 90))));
      expect(got.subarray(0, n * size).equals(want)).to.equal(true);
      expect(reads).to.be.greaterThan(1);
      chunks.length = 0;
      const echoed = new Promise<string>((resolve) => {
        link.input.on('data', () => {
          const text = Buffer.concat(chunks).toString('latin1');
          if (text.includes('stop\n')) resolve(text);
        });
      });
      link.output.write('hello over the pty\n');
      link.output.write('stop\n');
      expect(await echoed).to.contain('echo:hello over the pty\nstop\n');
      // The device goes away (the pty master closes): the port closes instead of hanging.
      await link.closed;
    } finally {
      dev.child.kill();
      await link.close();
    }
  });

  it('a write far larger than the pty buffer waits for the device (partial writes) and arrives whole, in order', async () => {
    const total = 256 * 1024;
    const child = spawn('python3', ['-c', SLOW_READER, String(total)], { stdio: ['pipe', 'pipe', 'pipe'] });
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const link = await openSerialPort(String((await lines.next()).value), { baudRate: 460800 });
    try {
      const data = Buffer.alloc(total);
      for (let i = 0; i < total; i++) data[i] = (i * 7 + (i >> 9)) & 0xff;
      const answer = lines.next();
      await new Promise<void>((resolve, reject) => (link.input as SerialPort).write(data, (e) => (e ? reject(e) : resolve())));
      await new Promise<void>((resolve, reject) => (link.input as SerialPort).drain((e) => (e ? reject(e) : resolve())));
      expect(String((await answer).value)).to.equal(`got ${total} ${createHash('sha256').update(data).digest('hex')}`);
    } finally {
      child.kill();
      await link.close();
    }
  });

  it('directFdIo leaves a port without a unix binding alone', () => {
    expect(directFdIo({ port: undefined } as unknown as Parameters<typeof directFdIo>[0])).to.equal(null);
  });

  it('readCoalesceMs waits for about READ_COALESCE_BYTES on the wire, within its bounds', () => {
    // 8N1: 10 bits a byte; 2100 bytes take 45.6 ms at 460800 baud and 22.8 ms at 921600
    expect(readCoalesceMs(460800)).to.equal(Math.round((READ_COALESCE_BYTES * 10 * 1000) / 460800));
    expect(readCoalesceMs(921600)).to.equal(Math.round((READ_COALESCE_BYTES * 10 * 1000) / 921600));
    expect(readCoalesceMs(921600)).to.be.within(DEFAULT_READ_COALESCE_MS, READ_COALESCE_MAX_MS);
    expect(readCoalesceMs(9600)).to.equal(READ_COALESCE_MAX_MS);
    expect(readCoalesceMs(12_000_000)).to.equal(DEFAULT_READ_COALESCE_MS);
    // what arrives during the wait stays well inside the kernel's 4 KiB tty buffer at any rate
    for (const baud of [9600, 115200, 460800, 921600, 1_500_000, 3_000_000]) expect((readCoalesceMs(baud) / 1000) * (baud / 10)).to.be.below(3000);
  });
});
