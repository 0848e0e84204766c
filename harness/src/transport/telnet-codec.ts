/**
 * TELNET framing for RFC 2217 (serial port control over TELNET, as ser2net's
 * `telnet(rfc2217)` accepter and labgrid's exporter serve it): pure codec, no sockets.
 *
 * Data: every 0xFF data byte travels doubled (IAC IAC) in both directions; the decoder undoubles
 * it and takes commands out of the stream: option negotiation (IAC WILL/WONT/DO/DONT opt) and
 * subnegotiations (IAC SB opt ... IAC SE, where 0xFF is doubled too). The decoder keeps its state
 * across chunks, so a command split over two TCP segments is still one command.
 *
 * RFC 854 (TELNET), RFC 856 (BINARY), RFC 858 (SUPPRESS-GO-AHEAD), RFC 2217 (COM-PORT-OPTION).
 */

export const IAC = 255;
export const DONT = 254;
export const DO = 253;
export const WONT = 252;
export const WILL = 251;
export const SB = 250;
export const SE = 240;

export const OPT_BINARY = 0;
export const OPT_SGA = 3;
export const OPT_COM_PORT = 44;

/** RFC 2217 client-to-server subnegotiation commands; the server answers with command + 100. */
export const ComPort = {
  SET_BAUDRATE: 1,
  SET_DATASIZE: 2,
  SET_PARITY: 3,
  SET_STOPSIZE: 4,
  SET_CONTROL: 5,
  PURGE_DATA: 12,
} as const;

/** SET-CONTROL values (RFC 2217 section 3). */
export const Control = { DTR_ON: 8, DTR_OFF: 9, RTS_ON: 11, RTS_OFF: 12 } as const;

export type TelnetEvent =
  | { readonly kind: 'negotiate'; readonly verb: typeof WILL | typeof WONT | typeof DO | typeof DONT; readonly option: number }
  | { readonly kind: 'subnegotiation'; readonly option: number; readonly payload: Uint8Array }
  | { readonly kind: 'command'; readonly command: number };

/** Largest subnegotiation kept; longer ones are cut (a hostile server cannot grow memory). */
const SB_LIMIT = 256;

type State = 'data' | 'iac' | 'verb' | 'sb-option' | 'sb' | 'sb-iac';

export class TelnetDecoder {
  private state: State = 'data';
  private verb = 0;
  private sbOption = 0;
  private sb: number[] = [];

  /** Split a received chunk into data bytes (undoubled) and TELNET events, in order of arrival. */
  decode(chunk: Uint8Array): { data: Buffer; events: TelnetEvent[] } {
    const out = Buffer.allocUnsafe(chunk.length);
    let n = 0;
    const events: TelnetEvent[] = [];
    for (const b of chunk) {
      switch (this.state) {
        case 'data':
          if (b === IAC) this.state = 'iac';
          else out[n++] = b;
          break;
        case 'iac':
          if (b === IAC) {
            out[n++] = IAC;
            this.state = 'data';
          } else if (b === WILL || b === WONT || b === DO || b === DONT) {
            this.verb = b;
            this.state = 'verb';
          } else if (b === SB) {
            this.state = 'sb-option';
          } else {
            events.push({ kind: 'command', command: b });
            this.state = 'data';
          }
          break;
        case 'verb':
          events.push({ kind: 'negotiate', verb: this.verb as typeof WILL, option: b });
          this.state = 'data';
          break;
        case 'sb-option':
          this.sbOption = b;
          this.sb = [];
          this.state = 'sb';
          break;
        case 'sb':
          if (b === IAC) this.state = 'sb-iac';
          else if (this.sb.length < SB_LIMIT) this.sb.push(b);
          break;
        case 'sb-iac':
          if (b === SE) {
            events.push({ kind: 'subnegotiation', option: this.sbOption, payload: Uint8Array.from(this.sb) });
            this.state = 'data';
          } else {
            // IAC IAC inside a subnegotiation is one 0xFF; anything else is kept as is
            if (this.sb.length < SB_LIMIT) this.sb.push(b === IAC ? IAC : b);
            this.state = 'sb';
          }
          break;
      }
    }
    return { data: out.subarray(0, n), events };
  }
}

/** Data bytes for the wire: every 0xFF doubled. */
export function escapeData(data: Uint8Array): Buffer {
  let ff = 0;
  for (const b of data) if (b === IAC) ff++;
  if (ff === 0) return Buffer.from(data);
  const out = Buffer.allocUnsafe(data.length + ff);
  let n = 0;
  for (const b of data) {
    out[n++] = b;
    if (b === IAC) out[n++] = IAC;
  }
  return out;
}

export function negotiation(verb: typeof WILL | typeof WONT | typeof DO | typeof DONT, option: number): Buffer {
  return Buffer.from([IAC, verb, option]);
}

/** IAC SB COM-PORT-OPTION command value... IAC SE, with 0xFF in the value doubled. */
export function comPortCommand(command: number, value: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([IAC, SB, OPT_COM_PORT, command]), escapeData(value), Buffer.from([IAC, SE])]);
}

/** SET-BAUDRATE's value: the rate as a 4-byte big-endian number. */
export function baudValue(baud: number): Uint8Array {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(baud >>> 0, 0);
  return b;
}
