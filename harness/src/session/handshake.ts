/**
 * The handshake (PROTOCOL.md 5): send HELLO, each attempt with a fresh tx, until an INFO answers
 * it; parse and check the INFO. HELLO re-synchronises the device (expected = seq + 1, history
 * cleared), so the request pipe starts at seq + 1.
 */
import { HarnessError } from '../core/errors.ts';
import { describeNotice, parseBoot, parseFault, type BootInfo } from '../protocol/device-reports.ts';
import { parseDeviceInfo, type DeviceInfo } from '../protocol/device-info.ts';
import { encodeFrame, type Frame } from '../protocol/frame-codec.ts';
import { HOST_LINE_LIMIT, MsgType, PAYLOAD_HARD_LIMIT } from '../protocol/messages.ts';
import type { Connection } from './connection.ts';
import type { FramingChoice } from './session-options.ts';

const ASK_V2 = Uint8Array.of(2);

export interface HandshakeOptions {
  readonly timeoutMs: number;
  readonly retryMs: number;
  readonly seq: number;
  /** Ask for framing v2 (HELLO payload 2, PROTOCOL.md 8.1) unless `v1`; `v2`: insist on it. */
  readonly framing?: FramingChoice;
}

export interface HandshakeResult {
  readonly info: DeviceInfo;
  /** The last BOOT message seen before the INFO, if any. */
  readonly boot: BootInfo | undefined;
  readonly attempts: number;
}

export function handshake(conn: Connection, opts: HandshakeOptions): Promise<HandshakeResult> {
  const target = conn.target;
  return new Promise<HandshakeResult>((resolve, reject) => {
    let attempts = 0;
    let boot: BootInfo | undefined;
    let done = false;
    const finish = (err: HarnessError | undefined, result?: HandshakeResult): void => {
      if (done) return;
      done = true;
      clearInterval(retry);
      clearTimeout(deadline);
      conn.setSink(undefined);
      if (err) reject(err);
      else resolve(result!);
    };
    const askV2 = (opts.framing ?? 'auto') !== 'v1';
    // A HELLO always goes out as a v1 line (every firmware understands it); asking for v2, the
    // host expects the device's delimiter after the INFO line.
    conn.setFraming(askV2 ? 2 : 1, 'arm');
    const hello = (): void => {
      attempts++;
      conn.send(encodeFrame({ type: MsgType.HELLO, seq: opts.seq, tx: conn.nextTx() }, askV2 ? ASK_V2 : undefined));
    };
    conn.setSink({
      fail: (err) => finish(err),
      frame: (f: Frame) => {
        if (f.type === MsgType.BOOT) boot = parseBoot(f.payload);
        else if (f.type === MsgType.FAULT) {
          const fault = parseFault(f.payload);
          finish(
            new HarnessError('DEVICE', `${target}: the device reported a fault during the handshake: ${describeNotice(fault)}`, {
              target,
              fault: fault.fields,
            }),
          );
        } else if (f.type === MsgType.INFO && f.seq === opts.seq && !done) {
          try {
            const info = checkInfo(parseDeviceInfo(f.payload, { target }), target);
            if (askV2 && info.framing === 2) conn.setFraming(2, 'use');
            else if (opts.framing === 'v2') {
              throw new HarnessError(
                'HANDSHAKE',
                `${target}: --framing v2: the device does not speak framing v2 (its INFO says framings=${info.framings?.join(',') ?? '1'}): rebuild its firmware with this hil's agent, or use --framing v1 or auto`,
                { target, key: 'framing' },
              );
            } else conn.setFraming(1);
            finish(undefined, { info, boot, attempts });
          } catch (e) {
            finish(e as HarnessError);
          }
        }
        // Anything else (NAKs, stale responses of an earlier session) is ignored here.
      },
    });
    const retry = setInterval(hello, opts.retryMs);
    const deadline = setTimeout(() => {
      const last = conn.lastBytes();
      const st = conn.snapshotStats();
      const junk = [
        st.overlongLines > 0 ? `${st.overlongLines} lines over the ${HOST_LINE_LIMIT}-byte limit, cut and discarded` : '',
        st.hostCrcErrors > 0 ? `${st.hostCrcErrors} corrupt protocol lines` : '',
      ].filter((x) => x);
      const got = st.rxBytes > 0 ? ` (received ${st.rxBytes} bytes${junk.length ? `: ${junk.join(', ')}` : ''})` : ' (received nothing)';
      finish(
        new HarnessError(
          'HANDSHAKE',
          `${target}: no INFO answered HELLO within ${opts.timeoutMs} ms (${attempts} attempts)${got}; last bytes received: ${last}`,
          { target, lastBytes: last, rxBytes: st.rxBytes, overlongLines: st.overlongLines, corruptLines: st.hostCrcErrors },
        ),
      );
    }, opts.timeoutMs);
    if (conn.failed) finish(conn.failed);
    else hello();
  });
}

/** What this host needs from a device to stream to it. */
function checkInfo(info: DeviceInfo, target: string): DeviceInfo {
  const fail = (key: string, why: string): never => {
    throw new HarnessError('HANDSHAKE', `${target}: ${why}`, { target, key });
  };
  if (info.format !== 's16le') fail('format', `the device's sample format is ${info.format}; this host streams s16le`);
  if (info.channels !== 1) fail('channels', `the device expects ${info.channels} channels; this host streams mono`);
  if (2 * info.hop > info.maxPayload) {
    fail('hop', `hop ${info.hop} needs ${2 * info.hop}-byte PROCESS payloads but the device's max_payload is ${info.maxPayload}`);
  }
  if (8 + 2 * info.hop > PAYLOAD_HARD_LIMIT) fail('hop', `hop ${info.hop} does not fit a RESULT in ${PAYLOAD_HARD_LIMIT} bytes`);
  return info;
}
