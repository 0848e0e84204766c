/**
 * The read floor of host-cost.ts: the CPU a bare Node process spends only receiving a harness's
 * read pattern, from a pipe or from a pseudo-terminal through `serialport`, with nothing done
 * with the bytes.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { SerialPort } from 'serialport';

import { directFdIo } from '../src/transport/direct-fd-io.ts';
import { cpuSecondsSince } from './bench-io.ts';

/**
 * CPU of a bare Node process that only receives `chunksPerSecond` reads of `bytes` bytes from a
 * pipe (another process writes them): the floor any Node harness pays for that read pattern.
 */
export async function readFloor(chunksPerSecond: number, bytes: number, seconds: number): Promise<number> {
  const writer = `const b = Buffer.alloc(${bytes}, 65); const n = ${Math.round(chunksPerSecond * seconds)}; let k = 0; const t0 = performance.now();
function tick() { const due = Math.min(n, Math.floor(((performance.now() - t0) / 1000) * ${chunksPerSecond})); while (k < due) { process.stdout.write(b); k++; } if (k < n) setTimeout(tick, 1); else process.stdout.end(); }
tick();`;
  const child = spawn(process.execPath, ['-e', writer], { stdio: ['ignore', 'pipe', 'inherit'] });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', () => undefined);
    child.once('error', reject);
    child.once('close', () => resolve());
  });
  return (cpuSecondsSince(cpu0) / ((performance.now() - t0) / 1000)) * 100;
}

/**
 * readFloor() through a pseudo-terminal read with `serialport` (as the board target opens it,
 * reading the fd directly, at most every `coalesceMs`): the floor of the `pty` rows.
 */
export async function readFloorSerial(chunksPerSecond: number, bytes: number, seconds: number, coalesceMs: number): Promise<number> {
  const writer = String.raw`
import os, pty, sys, time, tty
m, s = pty.openpty()
tty.setraw(s)
print(os.ttyname(s), flush=True)
sys.stdin.readline()
b = b'A' * ${bytes}
n = int(${chunksPerSecond} * ${seconds}); k = 0; t0 = time.monotonic()
while k < n:
    due = min(n, int((time.monotonic() - t0) * ${chunksPerSecond}))
    while k < due:
        os.write(m, b); k += 1
    time.sleep(0.0007)
time.sleep(0.1)
print('done', flush=True)
sys.stdin.readline()
`;
  const child = spawn('python3', ['-c', writer], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const ptyPath = String((await lines.next()).value);
  const port = new SerialPort({ path: ptyPath, baudRate: 460800, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  directFdIo(port, coalesceMs);
  port.on('data', () => undefined);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  child.stdin.write('go\n');
  await lines.next();
  const pct = (cpuSecondsSince(cpu0) / ((performance.now() - t0) / 1000)) * 100;
  await new Promise<void>((resolve) => port.close(() => resolve()));
  child.stdin.end('\n');
  return pct;
}
