/**
 * A serial line in its own process, for benchmarks: spawns a firmware (the host simulator) and
 * relays this process's stdin to it and its output to this stdout, each direction limited to a
 * baud rate (pacedLink, 8N1). A benchmark that wraps a target in it measures the harness's own
 * CPU without the pacer's, as on a real board where the UART does the pacing.
 *
 *   node --import tsx harness/bench/paced-relay.ts --baud 460800 --firmware PATH
 *
 * writeRelayScript() makes an executable wrapper that runs it, usable as a `sim` firmware;
 * startPtyRelay() puts such a wrapper behind a pseudo-terminal, to be opened as a board's port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { childProcessLink } from '../src/transport/child-process-link.ts';
import { pacedLink } from '../src/transport/pacing-link.ts';
import { flagNumber, flagString, isMain, parseFlags } from './bench-io.ts';

const SELF = fileURLToPath(import.meta.url);

/** Write `<dir>/relay-<baud>.sh` running this relay around `firmware`; returns its path. */
export function writeRelayScript(dir: string, firmware: string, baud: number): string {
  const file = path.join(dir, `relay-${baud}.sh`);
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  writeFileSync(file, `#!/bin/sh\nexec ${q(process.execPath)} --import tsx ${q(SELF)} --baud ${baud} --firmware ${q(firmware)}\n`);
  chmodSync(file, 0o755);
  return file;
}

// A pty in front of a command (Python's pty module: Node has none): the slave is what a board's
// USB-serial port is to the harness, opened with `serialport`; the master is copied to and from
// the command's stdio. The slave stays open here too, so the harness closing and reopening the
// port does not hang the line up.
const PTY_BRIDGE = String.raw`
import os, pty, select, signal, subprocess, sys, tty
m, s = pty.openpty()
tty.setraw(s)
child = subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
signal.signal(signal.SIGTERM, lambda *_: (child.kill(), os._exit(0)))
print(os.ttyname(s), flush=True)
out = child.stdout.fileno()
to = {m: child.stdin.fileno(), out: m}
while True:
    for fd in select.select([m, out], [], [])[0]:
        try:
            data = os.read(fd, 65536)
        except OSError:
            data = b''
        if not data:
            if fd == out:
                os._exit(0)
            continue
        os.write(to[fd], data)
`;

export interface PtyRelay {
  /** The pty slave to open as a serial port. */
  readonly path: string;
  stop(): Promise<void>;
}

/** Start `command` behind a pseudo-terminal (needs python3); resolves with the slave's path. */
export async function startPtyRelay(command: string): Promise<PtyRelay> {
  const child: ChildProcess = spawn('python3', ['-c', PTY_BRIDGE, command], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const path = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('error', (e) => reject(new Error(`cannot start the pty bridge (python3): ${e.message}`)));
    void exited.then(() => reject(new Error('the pty bridge (python3 pty module) exited before it made a pty')));
  });
  return {
    path,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

if (isMain(import.meta.url)) {
  const f = parseFlags(process.argv.slice(2));
  const baud = flagNumber(f, 'baud', 115200);
  const firmware = flagString(f, 'firmware', '');
  const child = spawn(firmware, [], { stdio: ['pipe', 'pipe', 'inherit'] });
  const link = pacedLink(childProcessLink(child, `relay:${firmware}`), { baud });
  process.stdin.pipe(link.output);
  link.input.pipe(process.stdout);
  process.stdin.once('end', () => void link.close());
  child.once('exit', (code) => {
    link.input.once('end', () => process.exit(code ?? 1));
    setTimeout(() => process.exit(code ?? 1), 500).unref();
  });
}
