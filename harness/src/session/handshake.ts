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

export interface HandshakeOptions {
  readonly timeoutMs: number;
  readonly retryMs: number;
  readonly seq: number;
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
    const hello = (): void => {
      attempts++;
      conn.send(encodeFrame({ type: MsgType.HELLO, seq: opts.seq, tx: conn.nextTx() }));
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
        } else if (f.type === MsgType.INFO && f.seq === opts.seq) {
          try {
            const info = checkInfo(parseDeviceInfo(f.payload, { target }), target);
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
