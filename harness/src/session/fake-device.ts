/**
 * A fake device in TypeScript: the device side of protocol v1 with the same rules as the C agent
 * (expected sequence number, response history, NAK CRC/GAP/TOO_LONG/BAD_LENGTH/BAD_VERSION,
 * HELLO re-sync, parameter table, statistics) over an in-memory Duplex pair. For fast unit tests
 * and fault injection; the C host simulator is the reference.
 */
import { formatDeviceInfo, type DeviceInfo } from '../protocol/device-info.ts';
import { decodeLineBytes, encodeFrame, type Frame } from '../protocol/frame-codec.ts';
import { DeviceErrorCode, LINE_MARKER, MsgType, NakReason } from '../protocol/messages.ts';
import { formatKeyValues, packError, packNak, packParam, packResult } from '../protocol/payloads.ts';
import { duplexLink, type ByteLink } from '../transport/byte-link.ts';
import { LineReader } from '../transport/line-reader.ts';
import { memoryDuplexPair } from '../transport/memory-duplex.ts';
import { fakeGainModel, type FakeModel } from './fake-model.ts';
import { Session, type SessionOptions } from './session.ts';

export interface FakeDeviceOptions {
  readonly model?: FakeModel;
  readonly window?: number;
  readonly history?: number;
  readonly maxPayload?: number;
  /** Send BOOT with this reason as soon as the device starts. */
  readonly bootReason?: string;
  /** RESULT.cycles of the n-th frame processed since start (default 1000 + n). */
  readonly cycles?: (n: number) => number;
  /** INFO fields to report instead of the defaults (identity strings, limits). */
  readonly info?: Partial<DeviceInfo>;
  /** Called before executing a request (not HELLO); return false to neither execute nor answer it. */
  readonly beforeExecute?: (request: Frame, device: FakeDevice) => boolean | void;
}

export interface FakeDeviceStats {
  frames: number;
  rxLines: number;
  rxLogLines: number;
  crcErrors: number;
  gapNaks: number;
  tooLong: number;
  historyResends: number;
  errors: number;
  hellos: number;
}

interface Stored {
  readonly seq: number;
  readonly type: number;
  readonly payload: Uint8Array;
}

export class FakeDevice {
  /** The host's end of the link. */
  readonly hostLink: ByteLink;
  readonly info: DeviceInfo;
  readonly model: FakeModel;
  readonly stats: FakeDeviceStats = {
    frames: 0, rxLines: 0, rxLogLines: 0, crcErrors: 0, gapNaks: 0, tooLong: 0, historyResends: 0, errors: 0, hellos: 0,
  };
  /** Next sequence number to execute. */
  expected = 0;
  private readonly history: Stored[] = [];
  private lastGoodTx = 0;
  private readonly end: import('node:stream').Duplex;
  private readonly cycles: (n: number) => number;

  constructor(private readonly opts: FakeDeviceOptions = {}) {
    this.model = opts.model ?? fakeGainModel();
    this.cycles = opts.cycles ?? ((n) => 1000 + n);
    const window = opts.window ?? 8;
    this.info = {
      proto: 1, fw: 'fake-device', fwVersion: '0.0.0', build: 'f00dfeed', board: 'ts-fake', model: this.model.id,
      modelVersion: '1', modelDesc: this.model.description, weights: '00000000', rate: this.model.rate, hop: this.model.hop,
      format: 's16le', channels: 1, latency: this.model.latency, clock: 0, counter: 'none', window,
      history: opts.history ?? window, maxPayload: opts.maxPayload ?? 1024, params: this.model.params,
      ...opts.info,
    };
    for (const p of this.model.params) this.model.setParam(p.id, p.def);
    const [host, dev] = memoryDuplexPair();
    this.end = dev;
    this.hostLink = duplexLink(host, 'fake-device');
    const limit = 2 + 4 * Math.ceil((12 + this.info.maxPayload) / 3);
    new LineReader(dev, {
      line: (t) => this.onLine(t),
      overlong: (head) => this.onOverlong(head),
      end: () => undefined,
      error: () => undefined,
    }, { limit });
    if (opts.bootReason) this.boot(opts.bootReason);
  }

  /** Send the unsolicited BOOT message. */
  boot(reason: string): void {
    this.send(MsgType.BOOT, 0, 0, formatKeyValues([['fw', this.info.fw], ['build', this.info.build], ['reason', reason]]));
  }

  /** Send an unsolicited FAULT message. */
  fault(fields: ReadonlyArray<readonly [string, string]>): void {
    this.send(MsgType.FAULT, 0, 0, formatKeyValues(fields));
  }

  /** Write a device log line. */
  log(text: string): void {
    this.writeRaw(text + '\n');
  }

  writeRaw(data: string | Uint8Array): void {
    if (!this.end.destroyed && !this.end.writableEnded) this.end.write(data);
  }

  /** Close the device's side (the host sees end of stream). */
  close(): void {
    if (!this.end.writableEnded) this.end.end();
  }

  private send(type: number, seq: number, tx: number, payload: Uint8Array = new Uint8Array(0)): void {
    this.writeRaw(encodeFrame({ type, seq, tx }, payload) + '\n');
  }

  private nak(seq: number, tx: number, reason: number): void {
    this.send(MsgType.NAK, seq, tx, packNak(this.expected, reason));
  }

  private onOverlong(head: Buffer): void {
    this.stats.rxLines++;
    this.stats.tooLong++;
    if (head.toString('latin1', 0, LINE_MARKER.length) === LINE_MARKER) this.nak(0, this.lastGoodTx, NakReason.TOO_LONG);
  }

  private onLine(bytes: Buffer): void {
    this.stats.rxLines++;
    const d = decodeLineBytes(bytes);
    if (d.kind === 'log') {
      this.stats.rxLogLines++;
      return;
    }
    if (d.kind === 'corrupt') {
      if (d.reason === 'version') return this.nak(0, this.lastGoodTx, NakReason.BAD_VERSION);
      this.stats.crcErrors++;
      return this.nak(0, this.lastGoodTx, NakReason.CRC);
    }
    const f = d.frame;
    this.lastGoodTx = f.tx;
    if (f.payload.length > this.info.maxPayload) return this.nak(f.seq, f.tx, NakReason.BAD_LENGTH);
    if (f.type === MsgType.HELLO) {
      this.stats.hellos++;
      this.expected = (f.seq + 1) & 0xffff;
      this.history.length = 0;
      return this.send(MsgType.INFO, f.seq, f.tx, formatDeviceInfo(this.info));
    }
    if (f.seq === this.expected) {
      if (this.opts.beforeExecute?.(f, this) === false) return;
      const [type, payload] = this.execute(f);
      this.history.push({ seq: f.seq, type, payload });
      if (this.history.length > this.info.history) this.history.shift();
      this.expected = (this.expected + 1) & 0xffff;
      return this.send(type, f.seq, f.tx, payload);
    }
    const behind = (this.expected - f.seq) & 0xffff;
    const stored = behind >= 1 && behind <= this.info.history ? this.history.find((h) => h.seq === f.seq) : undefined;
    if (stored) {
      this.stats.historyResends++;
      return this.send(stored.type, f.seq, f.tx, stored.payload);
    }
    this.stats.gapNaks++;
    this.nak(f.seq, f.tx, NakReason.GAP);
  }

  private error(code: number, message: string): [number, Uint8Array] {
    this.stats.errors++;
    return [MsgType.ERROR, packError(code, message)];
  }

  private execute(f: Frame): [number, Uint8Array] {
    const p = Buffer.from(f.payload.buffer, f.payload.byteOffset, f.payload.length);
    const m = this.model;
    switch (f.type) {
      case MsgType.RESET:
        m.reset();
        return [MsgType.OK, new Uint8Array(0)];
      case MsgType.SET_PARAM:
      case MsgType.GET_PARAM: {
        const set = f.type === MsgType.SET_PARAM;
        if (p.length !== (set ? 6 : 2)) return this.error(DeviceErrorCode.BAD_PAYLOAD, `payload of ${p.length} bytes`);
        const id = p.readUInt16LE(0);
        const desc = m.params.find((x) => x.id === id);
        if (!desc) return this.error(DeviceErrorCode.BAD_PARAM, `no parameter ${id}`);
        if (set) {
          const v = p.readInt32LE(2);
          if (v < desc.min || v > desc.max) return this.error(DeviceErrorCode.PARAM_RANGE, `${desc.name}: ${v} outside [${desc.min}, ${desc.max}]`);
          m.setParam(id, v);
        }
        return [MsgType.PARAM, packParam(id, m.getParam(id))];
      }
      case MsgType.PROCESS: {
        if (p.length !== 2 * m.hop) return this.error(DeviceErrorCode.BAD_PAYLOAD, `payload of ${p.length} bytes`);
        const input = new Int16Array(m.hop);
        for (let i = 0; i < m.hop; i++) input[i] = p.readInt16LE(2 * i);
        const out = m.process(input);
        if (!out) return this.error(DeviceErrorCode.MODEL, `model failed on frame ${this.stats.frames}`);
        const n = this.stats.frames++;
        return [MsgType.RESULT, packResult({ cycles: this.cycles(n), flags: 0, samples: out })];
      }
      case MsgType.STATS: {
        const s = this.stats;
        return [MsgType.STATS_REPLY, formatKeyValues([
          ['frames', String(s.frames)], ['rx_lines', String(s.rxLines)], ['rx_log_lines', String(s.rxLogLines)],
          ['crc_errors', String(s.crcErrors)], ['gap_naks', String(s.gapNaks)], ['too_long', String(s.tooLong)],
          ['history_resends', String(s.historyResends)], ['errors', String(s.errors)], ['stack_hwm', '-1'],
          ['stack_size', '0'], ['uptime', '0'],
        ])];
      }
      default:
        return this.error(DeviceErrorCode.UNKNOWN_TYPE, `type 0x${f.type.toString(16)}`);
    }
  }
}

/** A session on a fake device with short retransmission timeouts (unit tests). */
export function openFakeSession(dev: FakeDevice, opts: Partial<SessionOptions> = {}): Promise<Session> {
  return Session.open(dev.hostLink, { target: 'fake:gain', minRtoMs: 5, rtoMs: 50, ...opts });
}
