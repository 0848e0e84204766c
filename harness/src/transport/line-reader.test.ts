import { expect } from 'chai';
import { PassThrough } from 'node:stream';

import { describeBytes } from '../core/errors.ts';
import { Prng } from '../core/prng.ts';
import { ByteRing } from './byte-ring.ts';
import { LineReader } from './line-reader.ts';

type Ev = { kind: 'line' | 'overlong'; text: string } | { kind: 'end' } | { kind: 'error'; text: string };

function collect(limit?: number) {
  const input = new PassThrough();
  const events: Ev[] = [];
  let resolveEnd!: () => void;
  const ended = new Promise<void>((r) => (resolveEnd = r));
  const reader = new LineReader(
    input,
    {
      line: (bytes) => events.push({ kind: 'line', text: bytes.toString('utf8') }),
      overlong: (head) => events.push({ kind: 'overlong', text: head.toString('utf8') }),
      end: () => {
        events.push({ kind: 'end' });
        resolveEnd();
      },
      error: (e) => events.push({ kind: 'error', text: e.message }),
    },
    limit === undefined ? {} : { limit },
  );
  return { input, events, reader, ended };
}

describe('LineReader', () => {
  it('splits lines across arbitrary chunk boundaries, keeping a trailing \\r, skipping empty lines', async () => {
    const { input, events, ended } = collect();
    const text = 'one\r\ntwo\n\nthree @:AQID\nlast-partial';
    const rng = new Prng(3);
    let i = 0;
    while (i < text.length) {
      const n = 1 + rng.int(5);
      input.write(text.slice(i, i + n));
      i += n;
    }
    input.end();
    await ended;
    expect(events).to.deep.equal([
      { kind: 'line', text: 'one\r' },
      { kind: 'line', text: 'two' },
      { kind: 'line', text: 'three @:AQID' },
      { kind: 'line', text: 'last-partial' },
      { kind: 'end' },
    ]);
  });

  it('cuts a line over the limit once, discards the rest and carries on', async () => {
    const { input, events, reader, ended } = collect(16);
    input.write('short\n\n\n');
    input.write('@:' + 'A'.repeat(40));
    input.write('B'.repeat(40) + '\nafter\n');
    input.write('exactly-16-bytes\n' + 'x'.repeat(16) + '\r\n' + 'y'.repeat(17) + '\n');
    input.end();
    await ended;
    expect(events).to.deep.equal([
      { kind: 'line', text: 'short' },
      { kind: 'overlong', text: '@:' + 'A'.repeat(14) },
      { kind: 'line', text: 'after' },
      { kind: 'line', text: 'exactly-16-bytes' },
      { kind: 'line', text: 'x'.repeat(16) + '\r' },
      { kind: 'overlong', text: 'y'.repeat(16) },
      { kind: 'end' },
    ]);
    expect(reader.stats).to.include({ overlong: 2, lines: 4, discardedBytes: 66 + 1, maxPending: 16 });
  });

  it('a \\r exactly at the limit split across chunks is still a CRLF', async () => {
    const { input, events, ended } = collect(4);
    input.write('abcd\r');
    input.write('\nabcd\r');
    input.write('e\nok\n');
    input.end();
    await ended;
    expect(events.map((e) => e.kind)).to.deep.equal(['line', 'overlong', 'line', 'end']);
    expect(events[0]).to.deep.equal({ kind: 'line', text: 'abcd\r' });
    expect(events[2]).to.deep.equal({ kind: 'line', text: 'ok' });
  });

  it('keeps memory bounded under endless bytes without a newline', async () => {
    const { input, events, reader, ended } = collect();
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    for (let i = 0; i < 64; i++) input.write(chunk); // 4 MiB, no newline
    input.end('\nhello\n');
    await ended;
    expect(events.map((e) => e.kind)).to.deep.equal(['overlong', 'line', 'end']);
    const s = reader.stats;
    expect(s.maxPending).to.equal(8192);
    expect(s.discardedBytes).to.equal(64 * 64 * 1024 - 8192);
    expect(s.bytes).to.equal(64 * 64 * 1024 + 7);
    expect(describeBytes(reader.lastBytes())).to.match(/AAAA\\nhello\\n"$/);
  });

  it('ends when the input is destroyed without an end, delivering the partial line', async () => {
    const { input, events, ended } = collect();
    input.write('bye-partial');
    await new Promise((r) => setImmediate(r));
    input.destroy();
    await ended;
    expect(events).to.deep.equal([{ kind: 'line', text: 'bye-partial' }, { kind: 'end' }]);
  });

  it('reports input errors and stops delivering after detach', async () => {
    const { input, events, reader } = collect();
    input.emit('error', new Error('EIO'));
    reader.detach();
    input.write('ignored\n');
    await new Promise((r) => setImmediate(r));
    expect(events).to.deep.equal([{ kind: 'error', text: 'EIO' }]);
  });
});

describe('ByteRing', () => {
  it('keeps the last bytes in order across wraps', () => {
    const r = new ByteRing(8);
    expect([...r.snapshot()]).to.deep.equal([]);
    r.push(Uint8Array.of(1, 2, 3));
    expect([...r.snapshot()]).to.deep.equal([1, 2, 3]);
    r.push(Uint8Array.of(4, 5, 6, 7, 8, 9, 10));
    expect([...r.snapshot()]).to.deep.equal([3, 4, 5, 6, 7, 8, 9, 10]);
    r.push(new Uint8Array(20).map((_, i) => 100 + i));
    expect([...r.snapshot()]).to.deep.equal([112, 113, 114, 115, 116, 117, 118, 119]);
    expect(r.total).to.equal(30);
  });
});
