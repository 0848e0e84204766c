/**
 * `sim` target: the host-native build of a firmware (firmware/boards/host-sim/) spawned as a
 * process; the protocol runs over its stdin/stdout, its stderr is kept for error messages.
 * Host time is not target time: the counter source is `none`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

import { HarnessError } from '../core/errors.ts';
import { childProcessLink } from '../transport/child-process-link.ts';
import type { ByteLink } from '../transport/byte-link.ts';
import { registerChild } from './child-registry.ts';
import type { Target, TargetExit, TargetStartOptions } from './target.ts';

const STDERR_TAIL = 2048;

export class SimTarget implements Target {
  readonly kind = 'sim' as const;
  readonly description: string;
  exited: Promise<TargetExit> | undefined;
  private child: ChildProcess | undefined;
  private link: ByteLink | undefined;
  private stderr = '';

  constructor(readonly firmware: string) {
    this.description = `sim:${firmware}`;
  }

  async start(options: TargetStartOptions = {}): Promise<ByteLink> {
    try {
      accessSync(this.firmware, constants.X_OK);
    } catch {
      throw new HarnessError(
        'TARGET',
        `sim firmware ${this.firmware} does not exist or is not executable (build it with \`npm run build:fw\`)`,
        { target: this.description, file: this.firmware },
      );
    }
    const child = spawn(this.firmware, [], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
    });
    registerChild(child);
    this.child = child;
    this.stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString('utf8')).slice(-STDERR_TAIL);
    });
    this.exited = new Promise<TargetExit>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal, stderrTail: this.stderr }));
      child.once('error', () => resolve({ code: null, signal: null, stderrTail: this.stderr }));
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (e) =>
        reject(new HarnessError('TARGET', `cannot start sim firmware ${this.firmware}: ${e.message}`, { target: this.description })),
      );
    });
    this.link = childProcessLink(child, this.description);
    return this.link;
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (this.link) await this.link.close().catch(() => undefined);
    this.link = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const done = this.exited ?? Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    const forced = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve();
      }, 1000);
    });
    await Promise.race([done, forced]);
    clearTimeout(timer);
    await done;
  }
}
