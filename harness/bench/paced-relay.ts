/**
 * A serial line in its own process, for benchmarks: spawns a firmware (the host simulator) and
 * relays this process's stdin to it and its output to this stdout, each direction limited to a
 * baud rate (pacedLink, 8N1). A benchmark that wraps a target in it measures the harness's own
 * CPU without the pacer's, as on a real board where the UART does the pacing.
 *
 *   node --import tsx harness/bench/paced-relay.ts --baud 460800 --firmware PATH
 *
 * writeRelayScript() makes an executable wrapper that runs it, usable as a `sim` firmware.
 */
import { spawn } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
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
