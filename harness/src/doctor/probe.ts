/** Probes for `hil doctor` (I/O): run a command's --version, list serial ports, check device access. */
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';

import type { ProbeResult } from './checks.ts';

export function probeCommand(command: string, args: readonly string[]): Promise<ProbeResult> {
  return new Promise((resolve) => {
    execFile(command, [...args], { timeout: 10_000 }, (err, stdout) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') return resolve({ found: false, detail: `${command} not found on PATH` });
      const first = String(stdout).split('\n').find((l) => l.trim().length > 0) ?? '';
      const version = /(\d+\.\d+(\.\d+)?)/.exec(first)?.[1];
      resolve({ found: true, version });
    });
  });
}

/** Serial ports: listing goes through udevadm, which containers lack (ENOENT); fall back to /dev. */
export async function probeSerial(): Promise<ProbeResult> {
  try {
    const { SerialPort } = await import('serialport');
    const ports = await SerialPort.list();
    const inaccessible = ports.filter((p) => {
      try {
        accessSync(p.path, constants.R_OK | constants.W_OK);
        return false;
      } catch {
        return true;
      }
    });
    const detail = `${ports.length} port(s) listed${ports.length ? `: ${ports.map((p) => p.path).join(', ')}` : ''}` +
      (inaccessible.length ? `; no read/write access to ${inaccessible.map((p) => p.path).join(', ')} (add yourself to the dialout group)` : '');
    return { found: true, detail };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const devs = existsSync('/dev') ? readdirSync('/dev').filter((d) => /^tty(ACM|USB)\d+$/.test(d)) : [];
    return {
      found: true,
      detail: `port listing unavailable here (${code === 'ENOENT' ? 'udevadm not found' : (e as Error).message}); /dev has ${devs.length ? devs.join(', ') : 'no ttyACM*/ttyUSB*'}`,
    };
  }
}
