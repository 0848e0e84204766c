/**
 * A small QMP (QEMU Machine Protocol) client over a unix socket: capability negotiation, commands
 * with per-command timeouts, and events. Bounded: a single message over `maxLineBytes` closes the
 * connection with an error, and at most `maxEvents` events are kept.
 *
 * QEMU answers commands in order; each command carries an `id` that the reply echoes, so replies
 * are matched by id and asynchronous events (`{"event": ...}`) can interleave freely.
 *
 * Caveat (QEMU 7.2, measured): while the guest is blocked in a semihosting SYS_READ on the
 * console, QEMU's main loop cannot take the big lock and QMP does not answer until input arrives
 * or stdin reaches EOF. Every command therefore has a timeout.
 */
import { createConnection, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

import { HarnessError } from '../../core/errors.ts';

/** One asynchronous QMP event, e.g. `SHUTDOWN`, `RESET`, `STOP`, `RESUME`. */
export interface QmpEvent {
  readonly event: string;
  readonly data?: unknown;
  readonly timestamp?: { readonly seconds: number; readonly microseconds: number };
}

export interface QmpConnectOptions {
  /** Give up connecting after this long (the socket appears shortly after QEMU starts). */
  readonly timeoutMs?: number;
  /** Default timeout of each command. */
  readonly commandTimeoutMs?: number;
  /** Longest accepted message line, in bytes. */
  readonly maxLineBytes?: number;
  /** Events kept in `events` (oldest dropped first). */
  readonly maxEvents?: number;
  /** Name for error messages, e.g. the QEMU target description. */
  readonly target?: string;
  /** Abort connecting. */
  readonly signal?: AbortSignal;
}

interface Pending {
  readonly command: string;
  readonly resolve: (value: unknown) => void;
  readonly reject: (e: Error) => void;
  readonly timer: NodeJS.Timeout;
}

const DEFAULTS = {
  timeoutMs: 5000,
  commandTimeoutMs: 5000,
  maxLineBytes: 1 << 20,
  maxEvents: 256,
} as const;

/** A negotiated QMP session. Create with {@link QmpClient.connect}. */
export class QmpClient {
  /** Recent events, oldest first (bounded). */
  readonly events: QmpEvent[] = [];
  /** QEMU version from the greeting, e.g. `7.2.22`. */
  readonly version: string;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(e: QmpEvent) => void>();
  private nextId = 1;
  private buffer = '';
  private closedError: HarnessError | undefined;
  private readonly closed: Promise<void>;

  private constructor(
    private readonly socket: Socket,
    private readonly path: string,
    private readonly opts: Required<Omit<QmpConnectOptions, 'signal' | 'target'>> & { target: string },
    greeting: unknown,
  ) {
    const v = (greeting as { QMP?: { version?: { qemu?: { major: number; minor: number; micro: number } } } }).QMP
      ?.version?.qemu;
    this.version = v ? `${v.major}.${v.minor}.${v.micro}` : 'unknown';
    this.closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', (e) => this.fail(this.error(`QMP socket error: ${e.message}`, e)));
    socket.on('close', () => this.fail(this.error('QMP connection closed')));
    socket.resume();
  }

  /**
   * Connect to a QMP unix socket (retrying until it exists), read the greeting and negotiate
   * capabilities. Rejects with a TARGET HarnessError on timeout or protocol trouble.
   */
  static async connect(path: string, options: QmpConnectOptions = {}): Promise<QmpClient> {
    const opts = {
      timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
      commandTimeoutMs: options.commandTimeoutMs ?? DEFAULTS.commandTimeoutMs,
      maxLineBytes: options.maxLineBytes ?? DEFAULTS.maxLineBytes,
      maxEvents: options.maxEvents ?? DEFAULTS.maxEvents,
      target: options.target ?? `qmp:${path}`,
    };
    const deadline = Date.now() + opts.timeoutMs;
    let lastError: unknown;
    for (;;) {
      if (options.signal?.aborted) {
        throw new HarnessError('TARGET', `connecting to QMP at ${path} was aborted`, { target: opts.target, path });
      }
      try {
        const { socket, greeting } = await openAndGreet(path, Math.max(100, deadline - Date.now()), opts.maxLineBytes);
        const client = new QmpClient(socket, path, opts, greeting);
        await client.execute('qmp_capabilities');
        return client;
      } catch (e) {
        lastError = e;
        if (Date.now() >= deadline) break;
        await sleep(20);
      }
    }
    throw new HarnessError(
      'TARGET',
      `cannot connect to QEMU's QMP socket ${path} within ${opts.timeoutMs} ms: ${errorText(lastError)}`,
      { target: opts.target, path },
      { cause: lastError },
    );
  }

  /** Is the connection still usable? */
  get isOpen(): boolean {
    return this.closedError === undefined;
  }

  /** Subscribe to events; returns an unsubscribe function. */
  onEvent(listener: (e: QmpEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Run a QMP command and resolve with its `return` value. */
  execute<T = unknown>(command: string, args?: Record<string, unknown>, timeoutMs = this.opts.commandTimeoutMs): Promise<T> {
    if (this.closedError) return Promise.reject(this.closedError);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          this.error(`QMP command ${command} got no answer within ${timeoutMs} ms (is the guest blocked in a semihosting read?)`, undefined, {
            command,
          }),
        );
      }, timeoutMs);
      this.pending.set(id, { command, resolve: resolve as (v: unknown) => void, reject, timer });
      const msg = JSON.stringify(args ? { execute: command, arguments: args, id } : { execute: command, id });
      this.socket.write(`${msg}\n`);
    });
  }

  /** Resume a guest started with `-S`. */
  async cont(timeoutMs?: number): Promise<void> {
    await this.execute('cont', undefined, timeoutMs);
  }

  /** Reset the machine (as the reset button would). */
  async systemReset(timeoutMs?: number): Promise<void> {
    await this.execute('system_reset', undefined, timeoutMs);
  }

  /** `query-status`: e.g. `{ status: 'running', running: true }`. */
  async queryStatus(timeoutMs?: number): Promise<{ status: string; running: boolean }> {
    return this.execute('query-status', undefined, timeoutMs);
  }

  /**
   * Ask QEMU to exit. Resolves when QEMU acknowledged it or closed the connection; rejects only on
   * timeout.
   */
  async quit(timeoutMs = this.opts.commandTimeoutMs): Promise<void> {
    if (this.closedError) return;
    const acked = this.execute('quit', undefined, timeoutMs).then(
      () => undefined,
      (e: unknown) => {
        if (!this.isOpen) return; // QEMU closed the socket while quitting: that is success
        throw e;
      },
    );
    await Promise.race([acked, this.closed]);
  }

  /** Close the connection (does not stop QEMU). Idempotent. */
  async close(): Promise<void> {
    if (!this.socket.destroyed) this.socket.destroy();
    await this.closed;
  }

  private onData(d: Buffer): void {
    this.buffer += d.toString('utf8');
    for (;;) {
      const nl = this.buffer.indexOf('\n');
      if (nl < 0) break;
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (line.length > 0) this.onMessage(line);
    }
    if (this.buffer.length > this.opts.maxLineBytes) {
      this.fail(this.error(`QMP message longer than ${this.opts.maxLineBytes} bytes`));
      this.socket.destroy();
    }
  }

  private onMessage(line: string): void {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return; // not JSON: ignore (QMP never sends this)
    }
    if (typeof msg['event'] === 'string') {
      const ev = msg as unknown as QmpEvent;
      this.events.push(ev);
      if (this.events.length > this.opts.maxEvents) this.events.shift();
      for (const l of this.listeners) {
        try {
          l(ev);
        } catch {
          /* a listener's failure is its own business */
        }
      }
      return;
    }
    const id = msg['id'];
    if (typeof id !== 'number') return;
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    if ('error' in msg) {
      const err = msg['error'] as { class?: string; desc?: string };
      p.reject(this.error(`QMP command ${p.command} failed: ${err.class ?? 'Error'}: ${err.desc ?? ''}`, undefined, { command: p.command }));
    } else {
      p.resolve(msg['return']);
    }
  }

  private fail(e: HarnessError): void {
    if (this.closedError) return;
    this.closedError = e;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(e);
    }
  }

  private error(message: string, cause?: unknown, extra: Record<string, unknown> = {}): HarnessError {
    return new HarnessError('TARGET', message, { target: this.opts.target, path: this.path, ...extra }, { cause });
  }
}

/** Open the socket and read the greeting line, within timeoutMs. */
function openAndGreet(path: string, timeoutMs: number, maxLineBytes: number): Promise<{ socket: Socket; greeting: unknown }> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ path });
    let buf = '';
    const timer = setTimeout(() => finish(new Error('no QMP greeting')), timeoutMs);
    function finish(e: Error | undefined, greeting?: unknown): void {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', onError);
      if (e) {
        socket.destroy();
        reject(e);
      } else {
        resolve({ socket, greeting });
      }
    }
    function onError(e: Error): void {
      finish(e);
    }
    function onData(d: Buffer): void {
      buf += d.toString('utf8');
      const nl = buf.indexOf('\n');
      if (nl < 0) {
        if (buf.length > maxLineBytes) finish(new Error('QMP greeting too long'));
        return;
      }
      const rest = buf.slice(nl + 1);
      let greeting: unknown;
      try {
        greeting = JSON.parse(buf.slice(0, nl));
      } catch {
        finish(new Error('QMP greeting is not JSON'));
        return;
      }
      if (typeof greeting !== 'object' || greeting === null || !('QMP' in greeting)) {
        finish(new Error('not a QMP greeting'));
        return;
      }
      socket.pause(); // the client resumes once its own listener is attached
      if (rest.trim().length > 0) socket.unshift(Buffer.from(rest, 'utf8'));
      finish(undefined, greeting);
    }
    socket.on('data', onData);
    socket.on('error', onError);
  });
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
