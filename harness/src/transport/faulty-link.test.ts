import { expect } from 'chai';
import { PassThrough } from 'node:stream';

import { Prng } from '../core/prng.ts';
import { duplexLink } from './byte-link.ts';
import { FaultInjector, faultyLink } from './faulty-link.ts';
import { memoryDuplexPair } from './memory-duplex.ts';

async function through(inj: FaultInjector, data: Buffer, chunk = 97): Promise<Buffer> {
  const out: Buffer[] = [];
  inj.on('data', (b: Buffer) => out.push(b));
  const done = new Promise((r) => inj.on('end', r));
  for (let i = 0; i < data.length; i += chunk) inj.write(data.subarray(i, i + chunk));
  inj.end();
  await done;
  return Buffer.concat(out);
}

describe('FaultInjector / faultyLink', () => {
  const data = Buffer.from(new Prng(1).bytes(200_000));

  it('passes bytes unchanged at rate 0', async () => {
    const out = await through(new FaultInjector(1, 0), data);
    expect(out.equals(data)).to.equal(true);
  });

  it('is deterministic for a seed, whatever the chunking, and counts what it injected', async () => {
    const kinds = ['flip', 'drop', 'dup', 'garbage', 'line'] as const;
    const a = new FaultInjector(42, 1e-3, kinds);
    const b = new FaultInjector(42, 1e-3, kinds);
    const c = new FaultInjector(43, 1e-3, kinds);
    const [oa, ob, oc] = await Promise.all([through(a, data, 97), through(b, data, 4096), through(c, data)]);
    expect(oa.equals(ob)).to.equal(true);
    expect(oa.equals(oc)).to.equal(false);
    expect(oa.equals(data)).to.equal(false);
    const total = Object.values(a.counts).reduce((x, y) => x + y, 0);
    expect(total).to.be.within(120, 280); // ~200 expected at 1e-3 over 200 kB
    for (const k of kinds) expect(a.counts[k], k).to.be.greaterThan(0);
    expect(a.counts).to.deep.equal(b.counts);
  });

  it('stalls delay bytes without changing them', async () => {
    const small = data.subarray(0, 5000);
    const out = await through(new FaultInjector(5, 2e-3, ['stall'], 2), small);
    expect(out.equals(small)).to.equal(true);
  });

  it('wraps a link in both directions with independent counts', async () => {
    const [hostEnd, devEnd] = memoryDuplexPair();
    const link = faultyLink(duplexLink(hostEnd, 'mem'), { seed: 9, rxErrorRate: 0.01, txErrorRate: 0, kinds: ['flip'] });
    expect(link.description).to.equal('mem');
    const got: Buffer[] = [];
    devEnd.on('data', (b: Buffer) => got.push(b));
    const rx: Buffer[] = [];
    link.input.on('data', (b: Buffer) => rx.push(b));
    link.output.write(data.subarray(0, 10_000));
    devEnd.write(data.subarray(0, 10_000));
    await new Promise((r) => setTimeout(r, 20));
    expect(Buffer.concat(got).equals(data.subarray(0, 10_000))).to.equal(true);
    expect(Buffer.concat(rx).length).to.equal(10_000);
    expect(Buffer.concat(rx).equals(data.subarray(0, 10_000))).to.equal(false);
    expect(link.injected.tx.flip).to.equal(0);
    expect(link.injected.rx.flip).to.be.greaterThan(50);
    await link.close();
    expect(hostEnd.destroyed).to.equal(true);
  });

  it('rejects a bad rate', () => {
    expect(() => new FaultInjector(1, 2)).to.throw(RangeError);
    expect(() => new FaultInjector(1, 0.1, [])).to.throw(RangeError);
  });
});

describe('memoryDuplexPair', () => {
  it('carries bytes both ways and propagates end', async () => {
    const [a, b] = memoryDuplexPair();
    const got: string[] = [];
    b.on('data', (d: Buffer) => got.push(d.toString()));
    const ended = new Promise((r) => b.on('end', r));
    a.write('hi ');
    a.end('there');
    await ended;
    expect(got.join('')).to.equal('hi there');
    const p = new PassThrough();
    expect(p.readable).to.equal(true);
  });
});
