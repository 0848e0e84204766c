import { expect } from 'chai';

import { Prng } from '../core/prng.ts';
import { baudValue, comPortCommand, ComPort, DO, escapeData, IAC, OPT_COM_PORT, SB, SE, TelnetDecoder, WILL } from './telnet-codec.ts';

describe('TELNET codec (RFC 2217 framing)', () => {
  it('doubles every 0xFF of the data and the decoder undoubles it, whatever the chunking', () => {
    const rng = new Prng(0x2217);
    for (let round = 0; round < 200; round++) {
      const data = Buffer.from(rng.bytes(1 + rng.int(300)).map((b) => (rng.next() < 0.3 ? 0xff : b)));
      const wire = escapeData(data);
      expect(wire.length).to.equal(data.length + data.filter((b) => b === 0xff).length);
      const d = new TelnetDecoder();
      const parts: Buffer[] = [];
      for (let at = 0; at < wire.length; ) {
        const n = 1 + rng.int(7);
        const r = d.decode(wire.subarray(at, at + n));
        expect(r.events).to.deep.equal([]);
        parts.push(r.data);
        at += n;
      }
      expect(Buffer.concat(parts).equals(data)).to.equal(true);
    }
  });

  it('takes negotiations and subnegotiations (with doubled 0xFF inside) out of the data, split anywhere', () => {
    const wire = Buffer.concat([
      Buffer.from('ab'),
      Buffer.from([IAC, WILL, 3, IAC, DO, OPT_COM_PORT]),
      Buffer.from([0x41, IAC, IAC, 0x42]),
      comPortCommand(ComPort.SET_BAUDRATE + 100, Uint8Array.of(0, 0, 0xff, 0xff)),
      Buffer.from([IAC, 241]), // NOP
      Buffer.from('z'),
    ]);
    for (let cut = 1; cut < wire.length; cut++) {
      const d = new TelnetDecoder();
      const a = d.decode(wire.subarray(0, cut));
      const b = d.decode(wire.subarray(cut));
      expect(Buffer.concat([a.data, b.data]).toString('latin1'), `cut ${cut}`).to.equal('abA\xffBz');
      expect([...a.events, ...b.events], `cut ${cut}`).to.deep.equal([
        { kind: 'negotiate', verb: WILL, option: 3 },
        { kind: 'negotiate', verb: DO, option: OPT_COM_PORT },
        { kind: 'subnegotiation', option: OPT_COM_PORT, payload: Uint8Array.of(101, 0, 0, 0xff, 0xff) },
        { kind: 'command', command: 241 },
      ]);
    }
  });

  it('encodes COM-PORT commands: SET-BAUDRATE 115200 and a value with 0xFF', () => {
    expect([...comPortCommand(ComPort.SET_BAUDRATE, baudValue(115200))]).to.deep.equal([IAC, SB, 44, 1, 0, 1, 0xc2, 0, IAC, SE]);
    expect([...comPortCommand(ComPort.SET_BAUDRATE, baudValue(0xff00ff))]).to.deep.equal([IAC, SB, 44, 1, 0, 0xff, 0xff, 0, 0xff, 0xff, IAC, SE]);
  });

  it('bounds a subnegotiation that never ends', () => {
    const d = new TelnetDecoder();
    d.decode(Buffer.from([IAC, SB, OPT_COM_PORT]));
    for (let i = 0; i < 100; i++) d.decode(Buffer.alloc(10_000, 7));
    const r = d.decode(Buffer.from([IAC, SE, 0x41]));
    expect(r.data.toString()).to.equal('A');
    expect((r.events[0] as { payload: Uint8Array }).payload.length).to.equal(256);
  });
});
