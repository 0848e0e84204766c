import { expect } from 'chai';

import { protocolLineBytes, STALL_FLOOR_MS, STALL_SAFETY, stallTimeout } from './stall-timeout.ts';

describe('session/stall-timeout', () => {
  it('sizes protocol lines like the codec: marker, base64 of header + payload + CRC, newline', () => {
    expect(protocolLineBytes(0)).to.equal(2 + 16 + 1); // 12 bytes -> 16 base64 characters
    expect(protocolLineBytes(320)).to.equal(2 + 4 * Math.ceil(332 / 3) + 1); // a PROCESS of hop 160
  });

  it('is the floor on pipes, where 8 frames of 10 ms are far below it', () => {
    const t = stallTimeout({ window: 8, hop: 160, rate: 16000, bytesPerSecond: Infinity, slowdown: 1, source: 'pipe' });
    expect(t.ms).to.equal(STALL_FLOOR_MS);
    expect(t.frameMs).to.equal(10);
    expect(t.wireMs).to.equal(0);
  });

  it('grows with the window and the wire time of a slow serial link', () => {
    const baud = 115200;
    const t = stallTimeout({ window: 8, hop: 160, rate: 16000, bytesPerSecond: baud / 10, slowdown: 1, source: 'uart' });
    const wire = (1000 * (protocolLineBytes(320) + protocolLineBytes(328))) / (baud / 10);
    expect(t.wireMs).to.be.closeTo(wire, 1e-9);
    expect(t.ms).to.equal(Math.ceil(STALL_SAFETY * 8 * (10 + wire)));
    expect(t.ms).to.be.above(STALL_FLOOR_MS);
    const w1 = stallTimeout({ window: 1, hop: 160, rate: 16000, bytesPerSecond: baud / 10, slowdown: 1, source: 'uart' });
    expect(w1.ms).to.equal(STALL_FLOOR_MS);
    expect(t.formula).to.contain('4 x 8 frames');
  });
});
