/**
 * A board's serial port on another machine, as ser2net (or labgrid's exporter) serves it:
 *   tcp://host:port      raw TCP: the bytes of the UART as they are; line settings are the
 *                        server's (ser2net's connector, e.g. 115200n81)
 *   rfc2217://host:port  TELNET with the COM-PORT-OPTION (RFC 2217): the baud rate and 8N1 are
 *                        negotiated with the server, DTR/RTS can be driven, 0xFF data bytes travel
 *                        doubled (telnet-codec.ts)
 * The link has the SerialLink shape, so the board target uses it like a local port. A connection
 * that cannot be made, a server that does not confirm the line settings, or a connection that
 * drops is a TARGET/LINK error naming host:port.
 */
import { connect, type Socket } from 'node:net';
import { PassThrough, Writable } from 'node:stream';

import { HarnessError } from '../core/errors.ts';
import { endWritable, sinkErrors } from './byte-link.ts';
import { drainReadable, type SerialLink } from './serial-port-link.ts';
import {
  baudValue,
  comPortCommand,
  ComPort,
  Control,
  DO,
  DONT,
  escapeData,
  negotiation,
  OPT_BINARY,
  OPT_COM_PORT,
  OPT_SGA,
  TelnetDecoder,
  WILL,
  WONT,
  type TelnetEvent,
} from './telnet-codec.ts';

export type RemoteScheme = 'tcp' | 'rfc2217';

export interface RemoteAddress {
  readonly scheme: RemoteScheme;
  readonly host: string;
  readonly port: number;
  /** `scheme://host:port` as given */
  readonly url: string;
}

/** A `tcp://` or `rfc2217://` port address, null for a plain device path; a malformed URL throws. */
export function parsePortUrl(text: string, key = 'port.url'): RemoteAddress | null {
  const m = /^([a-z0-9]+):\/\/(.*)$/i.exec(text);
  if (!m) return null;
  const scheme = m[1]!.toLowerCase();
  if (scheme !== 'tcp' && scheme !== 'rfc2217') {
    throw new HarnessError('CONFIG', `${key}: ${JSON.stringify(text)}: unknown scheme ${scheme}:// (expected tcp://host:port or rfc2217://host:port)`, { key });
  }
  const hp = /^(\[[0-9a-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})\/?$/i.exec(m[2]!);
  const port = hp ? Number(hp[2]) : 0;
  if (!hp || port < 1 || port > 65535) throw new HarnessError('CONFIG', `${key}: ${JSON.stringify(text)}: expected ${scheme}://host:port with a port from 1 to 65535`, { key });
  return { scheme, host: hp[1]!.replace(/^\[|\]$/g, ''), port, url: `${scheme}://${hp[1]}:${port}` };
}

export interface RemoteOpenOptions {
  readonly baudRate: number;
  readonly description?: string;
  /** How long connecting may take (default 5000 ms). */
  readonly connectTimeoutMs?: number;
  /** RFC 2217: how long the server may take to confirm the line settings (default 3000 ms). */
  readonly negotiateTimeoutMs?: number;
  readonly signal?: AbortSignal;
}

function connectSocket(a: RemoteAddress, timeoutMs: number, signal: AbortSignal | undefined, description: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: a.host, port: a.port });
    const fail = (why: string, transient: boolean, cause?: unknown) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      s.destroy();
      reject(new HarnessError('TARGET', `cannot connect to ${a.url}: ${why}`, { port: a.url, target: description, transient }, cause ? { cause } : undefined));
    };
    const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms (host unreachable or filtered)`, true), timeoutMs);
    const onAbort = () => fail('interrupted', false);
    signal?.addEventListener('abort', onAbort, { once: true });
    s.once('error', (e: NodeJS.ErrnoException) => {
      const why = e.code === 'ECONNREFUSED' ? 'connection refused (is ser2net running and listening on that port?)' : e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN' ? `host ${a.host} not found` : e.code === 'EHOSTUNREACH' || e.code === 'ENETUNREACH' ? 'host unreachable' : e.message;
      fail(why, e.code !== 'ENOTFOUND', e);
    });
    s.once('connect', () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      s.removeAllListeners('error');
      s.setNoDelay(true);
      resolve(s);
    });
  });
}

/** Connect and, for rfc2217://, negotiate the line settings. Rejects with a TARGET error. */
export async function openRemotePort(a: RemoteAddress, o: RemoteOpenOptions): Promise<SerialLink> {
  const description = o.description ?? `${a.url} @${o.baudRate}`;
  const socket = await connectSocket(a, o.connectTimeoutMs ?? 5000, o.signal, description);
  sinkErrors(socket);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return a.scheme === 'tcp' ? rawLink(socket, a, o.baudRate, description, closed) : telnetLink(socket, a, o, description, closed);
}

function rawLink(socket: Socket, a: RemoteAddress, baudRate: number, description: string, closed: Promise<void>): SerialLink {
  let closing: Promise<void> | undefined;
  return {
    description,
    path: a.url,
    baudRate,
    input: socket,
    output: socket,
    closed,
    setLines: () => Promise.reject(new HarnessError('TARGET', `${a.url}: raw TCP carries no modem lines (use rfc2217:// for DTR/RTS, or reset "flasher" / "protocol")`, { port: a.url })),
    discardInput: () => Promise.resolve(),
    drainStale: (quietMs, maxMs) => drainReadable(socket, quietMs, maxMs),
    close: () => (closing ??= endWritable(socket)),
  };
}

/** Which options this client accepts: it will do BINARY, SGA and COM-PORT-OPTION, nothing else. */
const WANTED = new Set([OPT_BINARY, OPT_SGA, OPT_COM_PORT]);

async function telnetLink(socket: Socket, a: RemoteAddress, o: RemoteOpenOptions, description: string, closed: Promise<void>): Promise<SerialLink> {
  const decoder = new TelnetDecoder();
  const input = new PassThrough();
  let said = ''; // text the server sent before it confirmed the line settings (e.g. "Port's device already in use")
  let confirmed = false;
  sinkErrors(input);
  const sentWill = new Set<number>();
  const sentDo = new Set<number>();
  const waiting = new Map<number, (value: Uint8Array) => void>();
  const send = (b: Buffer): void => {
    if (!socket.destroyed) socket.write(b);
  };
  let comPortAgreed: (() => void) | undefined;
  const onEvent = (e: TelnetEvent): void => {
    if (e.kind === 'negotiate' && e.verb === DO && e.option === OPT_COM_PORT) comPortAgreed?.();
    if (e.kind === 'negotiate') {
      // answer each request once: agree to the options wanted, refuse the others (RFC 854 loop rule)
      if (e.verb === DO && !sentWill.has(e.option)) {
        sentWill.add(e.option);
        send(negotiation(WANTED.has(e.option) ? WILL : WONT, e.option));
      } else if (e.verb === WILL && !sentDo.has(e.option)) {
        sentDo.add(e.option);
        send(negotiation(WANTED.has(e.option) ? DO : DONT, e.option));
      }
    } else if (e.kind === 'subnegotiation' && e.option === OPT_COM_PORT && e.payload.length > 0) {
      waiting.get(e.payload[0]!)?.(e.payload.subarray(1));
    }
  };
  socket.on('data', (chunk: Buffer) => {
    const { data, events } = decoder.decode(chunk);
    for (const e of events) onEvent(e);
    if (data.length > 0) {
      if (!confirmed && said.length < 200) said += data.toString('latin1');
      input.write(data);
    }
  });
  socket.once('close', () => input.end());
  const answer = (command: number): Promise<Uint8Array> =>
    new Promise((resolve, reject) => {
      const ms = o.negotiateTimeoutMs ?? 3000;
      const timer = setTimeout(() => {
        waiting.delete(command + 100);
        const text = said.replace(/[^\x20-\x7e]+/g, ' ').trim();
        reject(
          new HarnessError(
            'TARGET',
            `${a.url}: the RFC 2217 server did not confirm the line settings within ${ms} ms${text ? `; it said: ${JSON.stringify(text.slice(0, 120))}` : ' (is it a telnet(rfc2217) accepter? a raw TCP port is tcp://)'}`,
            { port: a.url, target: description, transient: /in use/i.test(text) },
          ),
        );
      }, ms);
      waiting.set(command + 100, (v) => {
        clearTimeout(timer);
        waiting.delete(command + 100);
        resolve(v);
      });
    });
  for (const opt of [OPT_COM_PORT, OPT_BINARY]) {
    sentWill.add(opt);
    send(negotiation(WILL, opt));
  }
  for (const opt of [OPT_BINARY, OPT_SGA]) {
    sentDo.add(opt);
    send(negotiation(DO, opt));
  }
  // The line settings go out once the server agrees to the COM-PORT-OPTION (DO COM-PORT-OPTION, as
  // pyserial's client waits for it), and again every 500 ms until it confirms them: ser2net may not
  // answer settings that arrive before it has opened the device.
  const settings = () => {
    send(comPortCommand(ComPort.SET_BAUDRATE, baudValue(o.baudRate)));
    send(comPortCommand(ComPort.SET_DATASIZE, Uint8Array.of(8)));
    send(comPortCommand(ComPort.SET_PARITY, Uint8Array.of(1)));
    send(comPortCommand(ComPort.SET_STOPSIZE, Uint8Array.of(1)));
  };
  let resend: NodeJS.Timeout | undefined;
  try {
    const baud = answer(ComPort.SET_BAUDRATE);
    comPortAgreed = () => {
      comPortAgreed = undefined;
      settings();
    };
    resend = setInterval(settings, 500);
    const got = await baud;
    const rate = got.length >= 4 ? Buffer.from(got).readUInt32BE(0) : 0;
    if (rate !== o.baudRate) throw new HarnessError('TARGET', `${a.url}: asked for ${o.baudRate} baud, the RFC 2217 server set ${rate}`, { port: a.url, target: description });
    confirmed = true;
  } catch (e) {
    socket.destroy();
    throw e;
  } finally {
    clearInterval(resend);
    comPortAgreed = undefined;
  }
  const output = new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (socket.destroyed) cb(new Error(`${a.url}: connection closed`));
      else socket.write(escapeData(chunk), cb);
    },
    final(cb) {
      socket.end();
      cb();
    },
  });
  sinkErrors(output);
  let closing: Promise<void> | undefined;
  return {
    description,
    path: a.url,
    baudRate: o.baudRate,
    input,
    output,
    closed,
    setLines: async (lines) => {
      if (lines.dtr !== undefined) send(comPortCommand(ComPort.SET_CONTROL, Uint8Array.of(lines.dtr ? Control.DTR_ON : Control.DTR_OFF)));
      if (lines.rts !== undefined) send(comPortCommand(ComPort.SET_CONTROL, Uint8Array.of(lines.rts ? Control.RTS_ON : Control.RTS_OFF)));
    },
    discardInput: async () => send(comPortCommand(ComPort.PURGE_DATA, Uint8Array.of(1))),
    drainStale: (quietMs, maxMs) => drainReadable(input, quietMs, maxMs),
    close: () =>
      (closing ??= (async () => {
        await endWritable(output);
        socket.destroy();
        input.destroy();
      })()),
  };
}
