import { expect } from 'chai';
import { ReadlineParser } from '@serialport/parser-readline';

import { Prng } from '../core/prng.ts';
import { LineSplitter } from './line-splitter.ts';

/** Split `chunks` with a LineSplitter; lines and heads copied out (views are only valid in the call). */
function split(chunks: readonly Buffer[], limit: number): { lines: string[]; overlong: string[]; splitter: LineSplitter } {
  const lines: string[] = [];
  const overlong: string[] = [];
  const splitter = new LineSplitter(limit, {
    line: (b) => void lines.push(b.toString('latin1')),
    overlong: (h) => void overlong.push(h.toString('latin1')),
  });
  for (const c of chunks) splitter.push(c);
  splitter.flush();
  return { lines, overlong, splitter };
}

/** What @serialport/parser-readline (delimiter '\n') makes of the same chunks, empty lines dropped. */
async function readline(chunks: readonly Buffer[]): Promise<string[]> {
  const parser = new ReadlineParser({ delimiter: '\n', encoding: 'latin1' });
  const out: string[] = [];
  parser.on('data', (s: string) => void out.push(s));
  const done = new Promise((r) => parser.once('end', r));
  for (const c of chunks) parser.write(c);
  parser.end();
  await done;
  return out.filter((s) => s.length > 0);
}

function randomChunks(rng: Prng, text: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < text.length; ) {
    const n = 1 + rng.int(rng.next() < 0.3 ? 3 : 120);
    out.push(Buffer.from(text.subarray(i, i + n))); // a copy: the splitter must not depend on chunk reuse
    i += n;
  }
  return out;
}

describe('LineSplitter', () => {
  it('frames like @serialport/parser-readline for any chunking (lines within the limit)', async () => {
    const rng = new Prng(0x11e5);
    for (let round = 0; round < 200; round++) {
      const parts: string[] = [];
      for (let k = rng.int(12); k > 0; k--) {
        const len = rng.int(rng.next() < 0.2 ? 3 : 90);
        parts.push(Array.from({ length: len }, () => String.fromCharCode(rng.next() < 0.1 ? 0x0d : 0x20 + rng.int(0xdf))).join(''));
      }
      const text = Buffer.from(parts.join('\n') + (rng.next() < 0.5 ? '\n' : ''), 'latin1');
      const chunks = randomChunks(rng, text);
      const got = split(chunks, 100);
      expect(got.overlong, `round ${round}`).to.deep.equal([]);
      expect(got.lines, `round ${round}`).to.deep.equal(await readline(chunks));
    }
  });

  it('bounds every line: heads of at most `limit` bytes, the rest discarded and counted, for any chunking', () => {
    const rng = new Prng(0xb0b);
    const limit = 32;
    const lines = Array.from({ length: 300 }, (_, i) => `${i}:`.padEnd(rng.int(3 * limit), 'x'));
    const text = Buffer.from(lines.map((l) => `${l}\n`).join(''), 'latin1');
    const reference = split([text], limit);
    for (let round = 0; round < 50; round++) {
      const got = split(randomChunks(rng, text), limit);
      expect(got.lines).to.deep.equal(reference.lines);
      expect(got.overlong).to.deep.equal(reference.overlong);
      expect(got.splitter.stats).to.deep.equal(reference.splitter.stats);
    }
    const long = lines.filter((l) => l.length > limit);
    expect(reference.overlong).to.deep.equal(long.map((l) => l.slice(0, limit)));
    expect(reference.lines).to.deep.equal(lines.filter((l) => l.length > 0 && l.length <= limit));
    expect(reference.splitter.stats.discardedBytes).to.equal(long.reduce((a, l) => a + l.length - limit, 0));
    expect(reference.splitter.stats.maxPending).to.equal(limit);
  });

  it('hands a line that arrives whole in one chunk over as a view of that chunk', () => {
    const chunk = Buffer.from('partial-free line\nnext\n');
    const seen: Buffer[] = [];
    const s = new LineSplitter(64, { line: (b) => void seen.push(b), overlong: () => undefined });
    s.push(chunk);
    expect(seen.map((b) => b.buffer === chunk.buffer)).to.deep.equal([true, true]);
    expect(seen.map((b) => b.toString())).to.deep.equal(['partial-free line', 'next']);
  });
});
