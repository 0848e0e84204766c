/**
 * A real ser2net (Debian's, 4.x) on 127.0.0.1 for the tests: connections from a serial device
 * (a pty) to a raw TCP and an RFC 2217 accepter, configured the way labgrid's exporter and a lab's
 * own ser2net.yaml do it. start() waits until every accepter answers; stop() leaves nothing running.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { freeTcpPort } from '../../src/targets/board/virtual-board.ts';

export const HAVE_SER2NET = spawnSync('ser2net', ['-v'], { stdio: 'ignore' }).status === 0 || spawnSync('/usr/sbin/ser2net', ['-v'], { stdio: 'ignore' }).status === 0;
const BIN = spawnSync('ser2net', ['-v'], { stdio: 'ignore' }).status === 0 ? 'ser2net' : '/usr/sbin/ser2net';

export interface Ser2net {
  readonly raw: number;
  readonly rfc2217: number;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** Is something listening on 127.0.0.1:port? Read from /proc/net/tcp, not by connecting: a
 *  connection makes ser2net open (and then slowly close) the device, and a client arriving during
 *  that close is not served. */
function answers(port: number): Promise<boolean> {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  try {
    const rows = readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1);
    return Promise.resolve(rows.some((r) => {
      const f = r.trim().split(/\s+/);
      return f[1]?.endsWith(hex) === true && f[3] === '0A';
    }));
  } catch {
    return Promise.resolve(false);
  }
}

/** ser2net serving `device` (115200 8N1) raw on one port and as RFC 2217 on another. */
export async function startSer2net(device: string, dir: string, ports?: { raw: number; rfc2217: number }): Promise<Ser2net> {
  const raw = ports?.raw ?? (await freeTcpPort());
  const rfc2217 = ports?.rfc2217 ?? (await freeTcpPort());
  const yaml = path.join(dir, `ser2net-${raw}.yaml`);
  writeFileSync(
    yaml,
    [
      'connection: &raw',
      `  accepter: tcp,127.0.0.1,${raw}`,
      `  connector: serialdev,${device},115200n81,local`,
      '  options:',
      '    kickolduser: true',
      'connection: &rfc2217',
      `  accepter: telnet(rfc2217),tcp,127.0.0.1,${rfc2217}`,
      `  connector: serialdev,${device},115200n81,local`,
      '  options:',
      '    kickolduser: true',
      '',
    ].join('\n'),
  );
  const child = spawn(BIN, ['-n', '-u', '-c', yaml, '-P', path.join(dir, `ser2net-${raw}.pid`)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 10_000;
  while (!((await answers(raw)) && (await answers(rfc2217)))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`ser2net did not start (exit ${child.exitCode}): ${err}`);
    }
    await sleep(50);
  }
  return {
    raw,
    rfc2217,
    child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await Promise.race([exited, sleep(2000).then(() => child.kill('SIGKILL'))]);
      await exited;
    },
  };
}
