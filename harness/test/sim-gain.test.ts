/**
 * Issue 2 end to end on the real host simulator (firmware/build/host/hil-sim-gain, built by
 * `npm run build`): the real C agent and gain model over a child process's stdio, the real
 * session, the real CLI.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { applyGainQ15, dbToGainQ15 } from '../src/dsp/gain-q15.ts';
import { withSession } from '../src/runner/open-session.ts';
import { SimTarget } from '../src/targets/sim-target.ts';
import { builtinProfile } from '../src/config/builtin-profiles.ts';
import { faultyLink } from '../src/transport/faulty-link.ts';
import { Session } from '../src/session/session.ts';
import { readCanonicalMono16, writeRawWav } from './helpers/raw-wav.ts';
import { runCli } from './helpers/run-cli.ts';
import { seededAudio } from './helpers/signals.ts';

const SIM = builtinProfile('sim', 'sim', 'gain').firmware;

function expected(input: Int16Array, gainDb: number): Int16Array {
  return applyGainQ15(input, dbToGainQ15(Math.round(gainDb * 256)));
}

function firstDiff(a: Int16Array, b: Int16Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe('host simulator with the gain model (issue 2)', function () {
  const dir = mkdtempSync(path.join(tmpdir(), 'hil-sim-'));
  const tenSeconds = seededAudio(160_000, 2);

  it('hil info prints the handshake with the parameter table', async () => {
    const r = await runCli(['info', '--target', 'sim', '--model', 'gain', '--json']);
    expect(r.code, r.stderr).to.equal(0);
    const { info } = JSON.parse(r.stdout);
    expect(info).to.include({ proto: 1, model: 'gain', rate: 16000, hop: 160, format: 's16le', channels: 1, counter: 'none' });
    expect(info.params.map((p: { name: string }) => p.name)).to.include('gain_db');
    expect(info.build).to.match(/^[0-9a-f]{6,}$/);
  });

  it('hil process on a 10 s WAV writes exactly the expected gain applied', async () => {
    const input = path.join(dir, 'in.wav');
    const output = path.join(dir, 'out.wav');
    writeRawWav(input, { rate: 16000, channels: 1, bits: 16, samples: tenSeconds });
    const r = await runCli(['process', '--target', 'sim', '--model', 'gain', input, output, '--param', 'gain_db=-6.5', '--json']);
    expect(r.code, r.stderr).to.equal(0);
    const out = readCanonicalMono16(readFileSync(output));
    const want = expected(tenSeconds, -6.5);
    expect(out.length).to.equal(tenSeconds.length);
    expect(firstDiff(out, want), 'first mismatching sample').to.equal(-1);
    const summary = JSON.parse(r.stdout);
    expect(summary.frames).to.equal(1000);
    expect(summary.counter.source).to.equal('none');
  });

  for (const [what, spec, mismatch] of [
    ['stereo', { rate: 16000, channels: 2, bits: 16 }, /2 channels/],
    ['44.1 kHz', { rate: 44100, channels: 1, bits: 16 }, /44100/],
    ['8-bit', { rate: 16000, channels: 1, bits: 8 }, /8-bit/],
  ] as const) {
    it(`hil process rejects a ${what} WAV with a one-line error naming the file`, async () => {
      const input = path.join(dir, `bad-${what.replace(/\W/g, '')}.wav`);
      writeRawWav(input, { ...spec, samples: new Int16Array(spec.channels * 1600).fill(spec.bits === 8 ? 10 : 1000) });
      const r = await runCli(['process', '--target', 'sim', '--model', 'gain', input, path.join(dir, 'never.wav')]);
      expect(r.code).to.equal(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines, r.stderr).to.have.length(1);
      expect(lines[0]).to.contain(path.basename(input)).and.match(mismatch);
      expect(r.stderr).not.to.match(/\n\s+at /);
    });
  }

  async function streamOnSim(window: number, opts: { faults?: number; env?: Record<string, string> } = {}) {
    const target = new SimTarget(SIM);
    const link = await target.start({ env: opts.env });
    const l = opts.faults ? faultyLink(link, { seed: 7, rxErrorRate: opts.faults, txErrorRate: opts.faults }) : link;
    const session = await Session.open(l, { target: target.description, window, handshakeTimeoutMs: 10_000 });
    try {
      await session.setParam('gain_db', 9);
      await session.reset();
      const r = await session.stream(tenSeconds);
      return { output: r.output, stats: { ...session.linkStats }, log: [...session.deviceLog] };
    } finally {
      await session.close();
      await target.stop();
    }
  }

  it('window 8 and stop-and-wait give identical, bit-exact output', async () => {
    const w8 = await streamOnSim(8);
    const w1 = await streamOnSim(1);
    const want = expected(tenSeconds, 9);
    expect(firstDiff(w8.output, want)).to.equal(-1);
    expect(firstDiff(w1.output, w8.output)).to.equal(-1);
  });

  it('stays bit-exact through a seeded fault-injecting link, counting the re-sends', async () => {
    const r = await streamOnSim(8, { faults: 1e-3 });
    expect(firstDiff(r.output, expected(tenSeconds, 9))).to.equal(-1);
    expect(r.stats.resentLines).to.be.greaterThan(0);
    expect(r.stats.hostCrcErrors + Object.values(r.stats.naks).reduce((a: number, b) => a + (b as number), 0)).to.be.greaterThan(0);
  });

  it('captures device log lines printed mid-stream without disturbing the stream', async () => {
    const r = await streamOnSim(8, { env: { HIL_SIM_LOG_EVERY: '100' } });
    expect(firstDiff(r.output, expected(tenSeconds, 9))).to.equal(-1);
    const lines = r.log.filter((l) => /frame/.test(l.text));
    expect(lines.length).to.be.at.least(9);
    for (const l of lines) expect(l.t).to.be.a('number').and.at.least(0);
  });

  it('a missing firmware fails with a TARGET error, not a crash', async () => {
    const r = await runCli(['info', '--target', 'sim', '--firmware', path.join(dir, 'no-such-sim')]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/no-such-sim.*does not exist/);
  });

  it('withSession stops the simulator even when the body throws', async () => {
    const target = new SimTarget(SIM);
    let err: unknown;
    await withSession(target, {}, async () => {
      throw new Error('boom');
    }).catch((e) => (err = e));
    expect((err as Error).message).to.equal('boom');
    const exit = await target.exited;
    expect(exit).to.not.equal(undefined);
  });
});
