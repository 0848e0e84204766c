/**
 * A protocol session with one device (PROTOCOL.md 3-5): handshake, parameters, reset, statistics
 * and windowed, exactly-once streaming of audio frames. Operations run one at a time, in call
 * order. Any link failure, device fault or device reset fails the pending operation and every
 * later one with the same HarnessError.
 *
 * The session owns the link once open() succeeds: close() closes it. If open() fails, the link is
 * left open and still belongs to the caller.
 */
import { HarnessError } from '../core/errors.ts';
import { parseDeviceStats, type BootInfo, type DeviceStats } from '../protocol/device-reports.ts';
import { paramReal, type DeviceInfo, type ParamDesc } from '../protocol/device-info.ts';
import type { Frame } from '../protocol/frame-codec.ts';
import { MsgType, typeName } from '../protocol/messages.ts';
import { packParam, packSamples, packTap, unpackParam, unpackResult, unpackTapData, type TapDataPayload } from '../protocol/payloads.ts';
import type { ByteLink } from '../transport/byte-link.ts';
import { Connection, type DeviceLogLine } from './connection.ts';
import { describeRequest, deviceFault, deviceRefusal, deviceReset } from './device-errors.ts';
import { handshake } from './handshake.ts';
import type { LinkStats } from './link-stats.ts';
import { RequestPipe } from './request-pipe.ts';
import { RtoEstimator } from './rto.ts';
import { checkSessionOptions, type ResolvedSessionOptions, type SessionOptions } from './session-options.ts';
import { stallTimeout, type LinkRate, type StallTimeout } from './stall-timeout.ts';

export type { SessionOptions } from './session-options.ts';
export type { LinkStats } from './link-stats.ts';
export type { DeviceLogLine } from './connection.ts';

export interface StreamOptions {
  /** Called after each frame's result arrives, in order. */
  readonly onFrame?: (done: number, total: number) => void;
}

export interface StreamResult {
  /** Output samples, as many as the input. */
  readonly output: Int16Array;
  /** Counter delta of each frame (RESULT.cycles). */
  readonly cycles: Uint32Array;
  /** RESULT.flags of each frame. */
  readonly flags: Uint32Array;
  readonly frames: number;
  /**
   * With profiling on: per-stage counts, frame-major (`stages[i * n + k]`: frame i, stage k of
   * the handshake's `stages`, n of them), adding up to `cycles[i]`.
   */
  readonly stages?: Uint32Array;
  /** With tap digests on (setTaps('digests')): per-stage CRC-32 of the taps, frame-major like `stages`. */
  readonly digests?: Uint32Array;
}

/** A stage tap read back from the device (TAP CAPTURE + READ), elements as numbers or, beyond 2^53, bigints. */
export interface TapValues {
  readonly stage: number;
  readonly bits: 16 | 32 | 64;
  readonly values: ReadonlyArray<number | bigint>;
}

const ignore = (): void => undefined;

/** Where stream() puts the per-stage words of each RESULT. */
interface PerStage {
  readonly stages: Uint32Array | undefined;
  readonly nStages: number;
  readonly digests: Uint32Array | undefined;
  readonly nDigests: number;
}

/** Little-endian signed elements of `bytes`; 64-bit ones beyond 2^53 stay bigints. */
function tapValues(bytes: Buffer, elemBytes: number): Array<number | bigint> {
  const out: Array<number | bigint> = [];
  for (let at = 0; at + elemBytes <= bytes.length; at += elemBytes) {
    if (elemBytes === 2) out.push(bytes.readInt16LE(at));
    else if (elemBytes === 4) out.push(bytes.readInt32LE(at));
    else {
      const v = bytes.readBigInt64LE(at);
      out.push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
    }
  }
  return out;
}

export class Session {
  /** The BOOT message seen before the handshake completed, if any. */
  readonly boot: BootInfo | undefined;
  /** No progress for this long declares the device unresponsive (stall-timeout.ts). */
  readonly stall: Pick<StallTimeout, 'ms' | 'formula'>;
  private readonly pipe: RequestPipe;
  private readonly window: number;
  private chain: Promise<unknown> = Promise.resolve();
  private profiling = false;
  private tapMode: 'off' | 'digests' | 'capture' = 'off';
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly conn: Connection,
    readonly info: DeviceInfo,
    boot: BootInfo | undefined,
    opts: ResolvedSessionOptions,
    firstSeq: number,
    linkRate: LinkRate | undefined,
  ) {
    this.boot = boot;
    // v2's 7-bit tags stay unambiguous with at most 32 requests in flight (PROTOCOL.md 8.3)
    this.window = Math.max(1, Math.min(opts.window, info.window, info.history, conn.framing === 2 ? 32 : 0x7fff));
    this.stall =
      opts.requestTimeoutMs !== null || !linkRate
        ? { ms: opts.requestTimeoutMs ?? 30_000, formula: `${opts.requestTimeoutMs ?? 30_000} ms (given)` }
        : stallTimeout({ ...linkRate, window: this.window, hop: info.hop, rate: info.rate });
    // The retransmission timeout stays below half the stall timeout: a silence that long is the
    // device's, never the host's own back-off.
    const maxRtoMs = Math.max(opts.rtoMs, Math.min(4000, this.stall.ms / 2));
    const rto = (): RtoEstimator => new RtoEstimator({ initialMs: opts.rtoMs, minMs: opts.minRtoMs, maxMs: maxRtoMs });
    this.pipe = new RequestPipe(conn, { control: rto(), pipelined: rto() }, {
      window: this.window,
      maxRetries: opts.maxRetries,
      requestTimeoutMs: this.stall.ms,
      stallFormula: this.stall.formula,
      firstSeq,
    });
    conn.setSink({ frame: (f) => this.onFrame(f), fail: (e) => this.pipe.fail(e) });
  }

  /** Open a session: handshake (HELLO until INFO), then ready for requests. */
  static async open(link: ByteLink, options: SessionOptions): Promise<Session> {
    const opts = checkSessionOptions(options);
    const conn = new Connection(link, opts.target, options.signal);
    try {
      const hs = await handshake(conn, { timeoutMs: opts.handshakeTimeoutMs, retryMs: opts.helloRetryMs, seq: opts.initialSeq, framing: opts.framing });
      if (conn.failed) throw conn.failed;
      return new Session(conn, hs.info, hs.boot, opts, (opts.initialSeq + 1) & 0xffff, options.linkRate);
    } catch (e) {
      conn.detach(e instanceof HarnessError ? e : new HarnessError('HANDSHAKE', String(e)));
      throw e;
    }
  }

  get target(): string {
    return this.conn.target;
  }

  /** The framing of the session (PROTOCOL.md 8): 2 when the device agreed to v2. */
  get framing(): 1 | 2 {
    return this.conn.framing;
  }

  /** Frames kept in flight: min(host window, device window, device history). */
  get effectiveWindow(): number {
    return this.window;
  }

  get linkStats(): LinkStats {
    return this.conn.snapshotStats();
  }

  /** Once the session has failed: ms from the last progress to the failure (detection time). */
  get detectionMs(): number | undefined {
    return this.pipe.detectionMs;
  }

  /** Once the session has failed: the audio frame the device was working on, if streaming. */
  get failedFrame(): number | undefined {
    return this.pipe.failedRequest?.frame;
  }

  /** Every device log line (non-protocol line), timestamped, verbatim. */
  get deviceLog(): ReadonlyArray<DeviceLogLine> {
    return this.conn.deviceLog;
  }

  /** Reset the model's streaming state (parameters are kept). */
  reset(): Promise<void> {
    return this.exclusive(async () => {
      await this.control(MsgType.RESET, new Uint8Array(0), MsgType.OK);
    });
  }

  /** Set a parameter in its real unit; returns the value now in force. */
  setParam(name: string, value: number): Promise<number> {
    return this.exclusive(async () => {
      const p = this.param(name);
      const scale = 2 ** p.fracBits;
      const raw = Math.round(value * scale);
      if (!Number.isFinite(value) || raw < p.min || raw > p.max) {
        throw new HarnessError(
          'CONFIG',
          `${this.target}: ${name}=${value} is outside the device's range ${p.min / scale} .. ${p.max / scale} ${p.unit}`.trimEnd(),
          { target: this.target, key: name, param: name, min: p.min / scale, max: p.max / scale, unit: p.unit },
        );
      }
      return this.paramReply(p, await this.control(MsgType.SET_PARAM, packParam(p.id, raw), MsgType.PARAM, p));
    });
  }

  /** Read a parameter in its real unit. */
  getParam(name: string): Promise<number> {
    return this.exclusive(async () => {
      const p = this.param(name);
      return this.paramReply(p, await this.control(MsgType.GET_PARAM, packParam(p.id), MsgType.PARAM, p));
    });
  }

  /**
   * Turn per-stage counts on or off (PROFILE). Needs a model that declares stages; a new
   * handshake turns them off.
   */
  setProfiling(on: boolean): Promise<void> {
    return this.exclusive(async () => {
      if (!this.info.stages?.length) {
        throw new HarnessError('CONFIG', `${this.target}: model ${this.info.model} declares no stages, so it cannot be profiled by stage (INFO has no "stages")`, { target: this.target, key: 'profile' });
      }
      await this.control(MsgType.PROFILE, Uint8Array.of(on ? 1 : 0), MsgType.OK);
      this.profiling = on;
    });
  }

  /**
   * Stage taps (PROTOCOL.md 4.5): 'digests' adds each stage's tap CRC-32 to every RESULT;
   * 'capture' keeps the tap of stage `stage` of the last frame processed, for readTap(). Needs a
   * model with taps (INFO `taps`); a new handshake turns them off.
   */
  setTaps(mode: 'off' | 'digests' | 'capture', stage = 0): Promise<void> {
    return this.exclusive(async () => {
      if (!this.info.taps) {
        throw new HarnessError('CONFIG', `${this.target}: model ${this.info.model} has no stage taps (INFO has no "taps")`, { target: this.target, key: 'taps' });
      }
      const payload = mode === 'capture' ? packTap('capture', stage) : packTap(mode);
      await this.control(MsgType.TAP, payload, MsgType.OK);
      this.tapMode = mode;
    });
  }

  /** The tap captured by setTaps('capture', stage) in the last frame processed, read in chunks. */
  readTap(): Promise<TapValues> {
    return this.exclusive(async () => {
      const chunks: Uint8Array[] = [];
      let offset = 0;
      let first: TapDataPayload | undefined;
      for (;;) {
        const d = unpackTapData(this.expect(await this.pipe.request(MsgType.TAP, packTap('read', offset), { pipelined: false }), MsgType.TAP, MsgType.TAP_DATA).payload);
        first ??= d;
        if (d.offset !== offset || d.stage !== first.stage || d.elemBytes !== first.elemBytes || d.count !== first.count) {
          this.protocolError(`TAP_DATA for stage ${d.stage} at offset ${d.offset}, expected stage ${first.stage} at offset ${offset}`);
        }
        chunks.push(Uint8Array.from(d.bytes));
        offset += d.bytes.length;
        const total = d.count * d.elemBytes;
        if (offset >= total) break;
        if (d.bytes.length === 0) this.protocolError(`TAP_DATA stopped at byte ${offset} of ${total}`);
      }
      return { stage: first.stage, bits: (first.elemBytes * 8) as 16 | 32 | 64, values: tapValues(Buffer.concat(chunks), first.elemBytes) };
    });
  }

  /** The device's statistics (STATS_REPLY). */
  stats(): Promise<DeviceStats> {
    return this.exclusive(async () => {
      const f = await this.control(MsgType.STATS, new Uint8Array(0), MsgType.STATS_REPLY);
      return parseDeviceStats(f.payload, { target: this.target });
    });
  }

  /**
   * Stream samples through the model, `hop` per PROCESS, pipelined up to the window. The last
   * frame is zero-padded; the output is trimmed to the input's length.
   */
  stream(samples: Int16Array, opts: StreamOptions = {}): Promise<StreamResult> {
    return this.exclusive(async () => {
      const hop = this.info.hop;
      const total = Math.ceil(samples.length / hop);
      const output = new Int16Array(total * hop);
      const cycles = new Uint32Array(total);
      const flags = new Uint32Array(total);
      const nStages = this.profiling ? this.info.stages!.length : 0;
      const stages = nStages > 0 ? new Uint32Array(total * nStages) : undefined;
      const nDigests = this.tapMode === 'digests' ? this.info.stages!.length : 0;
      const digests = nDigests > 0 ? new Uint32Array(total * nDigests) : undefined;
      const inflight: Array<Promise<Frame>> = [];
      let done = 0;
      const take = (f: Frame): void => {
        this.result(f, done, hop, output, cycles, flags, { stages, nStages, digests, nDigests });
        done++;
        opts.onFrame?.(done, total);
      };
      for (let i = 0; i < total; i++) {
        if (inflight.length >= this.window) take(await inflight.shift()!);
        // The last frame is zero-padded to the hop.
        const payload = packSamples(samples.subarray(i * hop, Math.min(samples.length, (i + 1) * hop)), hop);
        const p = this.pipe.request(MsgType.PROCESS, payload, { pipelined: true, frame: i });
        p.catch(ignore); // awaited in order below; avoid unhandled-rejection noise
        inflight.push(p);
      }
      while (inflight.length > 0) take(await inflight.shift()!);
      return { output: output.slice(0, samples.length), cycles, flags, frames: total, ...(stages ? { stages } : {}), ...(digests ? { digests } : {}) };
    });
  }

  /** Close the session and the link. Pending operations fail with a LINK error. Idempotent. */
  close(): Promise<void> {
    return (this.closing ??= (async () => {
      this.conn.detach(new HarnessError('LINK', `${this.target}: the session was closed`, { target: this.target }));
      await this.conn.link.close();
    })());
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(() => {
      if (this.conn.failed) throw this.conn.failed;
      return fn();
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  private param(name: string): ParamDesc {
    const p = this.info.params.find((x) => x.name === name);
    if (!p) {
      const names = this.info.params.map((x) => x.name).join(', ') || '(none)';
      throw new HarnessError('CONFIG', `${this.target}: the device has no parameter "${name}"; it has: ${names}`, {
        target: this.target,
        key: name,
      });
    }
    return p;
  }

  private paramReply(p: ParamDesc, f: Frame): number {
    const { id, value } = unpackParam(f.payload);
    if (id !== p.id) this.protocolError(`PARAM reply for id ${id}, expected ${p.id} (${p.name})`);
    return paramReal(p, value);
  }

  /** Send one stop-and-wait request and check the response type (ERROR -> DEVICE error). */
  private async control(type: number, payload: Uint8Array, want: number, param?: ParamDesc): Promise<Frame> {
    const f = await this.pipe.request(type, payload, { pipelined: false });
    return this.expect(f, type, want, undefined, param);
  }

  private expect(f: Frame, type: number, want: number, frame?: number, p?: ParamDesc): Frame {
    if (f.type === want) return f;
    if (f.type === MsgType.ERROR) throw deviceRefusal(this.target, f, type, frame, p);
    return this.protocolError(
      `${typeName(f.type)} in reply to ${describeRequest(typeName(type), f.seq, frame)}, expected ${typeName(want)}`,
    );
  }

  private result(f: Frame, i: number, hop: number, out: Int16Array, cycles: Uint32Array, flags: Uint32Array, per: PerStage): void {
    const r = unpackResult(this.expect(f, MsgType.PROCESS, MsgType.RESULT, i).payload);
    if (r.samples.length !== hop) this.protocolError(`RESULT for frame ${i} has ${r.samples.length} samples, expected ${hop}`);
    const got = r.stages?.length ?? 0;
    if (got !== per.nStages) this.protocolError(`RESULT for frame ${i} has ${got} stage counts, expected ${per.nStages}${per.nStages ? ' (profiling is on)' : ' (profiling is off)'}`);
    const gotDigests = r.digests?.length ?? 0;
    if (gotDigests !== per.nDigests) this.protocolError(`RESULT for frame ${i} has ${gotDigests} stage digests, expected ${per.nDigests}${per.nDigests ? ' (tap digests are on)' : ' (tap digests are off)'}`);
    out.set(r.samples, i * hop);
    cycles[i] = r.cycles;
    flags[i] = r.flags;
    if (per.stages && r.stages) per.stages.set(r.stages, i * per.nStages);
    if (per.digests && r.digests) per.digests.set(r.digests, i * per.nDigests);
  }

  private protocolError(what: string): never {
    const err = new HarnessError('PROTOCOL', `${this.target}: ${what}`, { target: this.target, lastBytes: this.conn.lastBytes() });
    this.conn.fail(err);
    throw err;
  }

  private onFrame(f: Frame): void {
    if (f.type === MsgType.NAK) this.pipe.onNak(f);
    else if (f.type === MsgType.FAULT) this.onFault(f);
    else if (f.type === MsgType.BOOT) this.onBoot(f);
    else if (f.type >= 0x80 && f.type < 0xc0) this.pipe.onResponse(f);
    else if (f.type === MsgType.ERROR) this.pipe.onResponse(f);
    // Requests from the device and unknown device-initiated types are ignored (forward compatible).
  }

  private onFault(f: Frame): void {
    this.conn.fail(deviceFault(this.target, f, this.pipe.current(), this.conn.lastBytes()));
  }

  private onBoot(f: Frame): void {
    this.conn.fail(deviceReset(this.target, f, this.pipe.current()));
  }
}
