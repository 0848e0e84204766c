/** The HarnessErrors a session raises for what the device reports: ERROR replies, FAULT, BOOT. */
import { HarnessError } from '../core/errors.ts';
import type { ParamDesc } from '../protocol/device-info.ts';
import { describeNotice, parseBoot, parseFault } from '../protocol/device-reports.ts';
import type { Frame } from '../protocol/frame-codec.ts';
import { deviceErrorName, typeName } from '../protocol/messages.ts';
import { unpackError } from '../protocol/payloads.ts';

/** What the device was working on, for messages. */
export interface CurrentRequest {
  readonly type: string;
  readonly seq: number;
  readonly frame?: number;
}

export function describeRequest(type: string, seq: number, frame?: number): string {
  return `${type} seq ${seq}${frame === undefined ? '' : ` (frame ${frame})`}`;
}

/** An ERROR reply to a request: DEVICE error with the device's code name and message. */
export function deviceRefusal(target: string, f: Frame, requestType: number, frame?: number, p?: ParamDesc): HarnessError {
  const { code, message } = unpackError(f.payload);
  const codeName = deviceErrorName(code);
  let text = `${target}: the device refused ${describeRequest(typeName(requestType), f.seq, frame)}: ${codeName}${message ? `: ${message}` : ''}`;
  const range = p && { param: p.name, min: p.min / 2 ** p.fracBits, max: p.max / 2 ** p.fracBits, unit: p.unit };
  if (range) text += ` (parameter ${range.param}, range ${range.min} .. ${range.max}${range.unit ? ` ${range.unit}` : ''})`;
  return new HarnessError('DEVICE', text, {
    target,
    frame,
    request: typeName(requestType),
    deviceCode: codeName,
    deviceMessage: message,
    ...range,
  });
}

function during(cur: CurrentRequest | undefined): string {
  return cur ? ` while processing ${describeRequest(cur.type, cur.seq, cur.frame)}` : '';
}

/** An unsolicited FAULT: the device stopped. */
export function deviceFault(target: string, f: Frame, cur: CurrentRequest | undefined, lastBytes: string): HarnessError {
  const fault = parseFault(f.payload);
  return new HarnessError('DEVICE', `${target}: device fault${during(cur)}: ${describeNotice(fault)}`, {
    target,
    frame: cur?.frame,
    request: cur?.type,
    fault: fault.fields,
    lastBytes,
  });
}

/** An unsolicited BOOT after the handshake: the device reset and lost its state. */
export function deviceReset(target: string, f: Frame, cur: CurrentRequest | undefined): HarnessError {
  const boot = parseBoot(f.payload);
  return new HarnessError('DEVICE', `${target}: device reset mid-session${during(cur)} (BOOT ${describeNotice(boot)})`, {
    target,
    frame: cur?.frame,
    request: cur?.type,
    boot: boot.fields,
  });
}
