/**
 * The C unit tests are part of `npm test`: `make -s -C firmware test` builds and runs every test
 * binary the fragments register (agent tests against the canonical frames file, q helpers, the
 * fuzz corpus replays, model S) and must pass. Each binary's own summary line is checked so that
 * a test silently dropped from the Makefile fails here.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

import { expect } from 'chai';

import { REPO_ROOT } from '../src/core/paths.ts';

interface MakeResult {
  readonly code: number | null;
  readonly out: string;
}

function makeTest(): Promise<MakeResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('make', ['-s', '-C', path.join(REPO_ROOT, 'firmware'), 'test'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, out }));
  });
}

/** `== test NAME: CMD` headers followed by that binary's output, by name. */
function sections(out: string): Map<string, string> {
  const m = new Map<string, string>();
  const parts = out.split(/^== test ([\w-]+): .*$/m);
  for (let i = 1; i + 1 < parts.length; i += 2) m.set(parts[i]!, parts[i + 1]!);
  return m;
}

describe('firmware C unit tests (make -C firmware test)', function () {
  this.timeout(300_000);
  let r: MakeResult;
  let tests: Map<string, string>;

  before(async () => {
    r = await makeTest();
    tests = sections(r.out);
  });

  it('make test exits 0 and says every C test passed', () => {
    expect(r.code, r.out.slice(-4000)).to.equal(0);
    expect(r.out).to.match(/^all C tests passed$/m);
    expect(r.out).not.to.match(/^FAIL|FAILED$/m);
  });

  it('runs the agent tests against the canonical frames file', function () {
    const s = tests.get('agent') ?? '';
    const canon = /canonical: (\d+) frames, (\d+) corrupt/.exec(s);
    const counts = /^(\d+) passed, (\d+) failed$/m.exec(s);
    expect(canon, s).to.not.equal(null);
    expect(counts, s).to.not.equal(null);
    expect(Number(canon![1])).to.be.above(0);
    expect(Number(counts![2])).to.equal(0);
    this.test!.title += ` (${counts![1]} checks, ${canon![1]} canonical frames)`;
  });

  for (const [name, what] of [['q', 'the q helper tests'], ['cm-fault', 'the Cortex-M fault decoding tests']] as const) {
    it(`runs ${what}`, function () {
      const counts = /^(\d+) passed, (\d+) failed$/m.exec(tests.get(name) ?? '');
      expect(counts, r.out).to.not.equal(null);
      expect(Number(counts![1])).to.be.above(0);
      expect(Number(counts![2])).to.equal(0);
      this.test!.title += ` (${counts![1]} checks)`;
    });
  }

  it('runs the model S self test (paths, reset, bypass, identity, limiter)', () => {
    expect(tests.get('model-s') ?? '', r.out).to.match(/test_model_s: all passed \(identity max error 0 LSB\)/);
  });

  it('replays every fuzz corpus without a crash', function () {
    const replays = [...tests.entries()].filter(([name]) => name.startsWith('fuzz-'));
    expect(replays.length).to.be.above(0);
    for (const [name, s] of replays) expect(s, name).to.match(/: \d+ inputs ok/);
    this.test!.title += ` (${replays.map(([n, s]) => `${n} ${/(\d+) inputs ok/.exec(s)?.[1]}`).join(', ')})`;
  });
});
