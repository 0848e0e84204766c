/**
 * The first divergent stage (issue 14.4) through the real CLI: model S builds with a deliberate
 * one-LSB error in one stage from one frame on (firmware/models/model-s/model.mk,
 * MS_STAGE_FAULTS: stagefault-<stage>-f<frame>-e<element>) fail bit-exactness, and the report
 * names that stage, frame and element with both values, on the host simulator (sim against sim)
 * and on QEMU (against the sim). Every expectation is derived from the image's name. Taps only
 * read: the same image streams the same output with digests on and off.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

import { expect } from 'chai';

import { builtinProfile } from '../src/config/builtin-profiles.ts';
import { FIRMWARE_BUILD, VECTORS_DIR } from '../src/core/paths.ts';
import { readWav } from '../src/dsp/wav.ts';
import { withSession } from '../src/runner/open-session.ts';
import { createProfileTarget } from '../src/targets/create-target.ts';
import { runWithReport } from './helpers/run-report.ts';
import { runCli } from './helpers/run-cli.ts';
import { tempConfig } from './helpers/temp-config.ts';

const HAVE_QEMU = spawnSync('qemu-system-arm', ['--version']).status === 0;
const FAULTS = ['gru1-f57-e12', 'synthesis-f40-e7'];
const STAGES = ['input', 'window', 'fft', 'bands', 'features', 'dense1', 'gru1', 'gru2', 'dense2', 'gains', 'ifft', 'synthesis'];
const CASE = 'speech/en-us-m-pink-20db';

function parseFault(name: string): { stage: string; frame: number; element: number } {
  const m = /^([a-z0-9]+)-f(\d+)-e(\d+)$/.exec(name)!;
  return { stage: m[1]!, frame: Number(m[2]), element: Number(m[3]) };
}

const image = (target: 'sim' | 'qemu', fault: string): string =>
  target === 'sim'
    ? path.join(FIRMWARE_BUILD, 'host', `hil-sim-model-s-stagefault-${fault}`)
    : path.join(FIRMWARE_BUILD, 'qemu', `hil-qemu-model-s-stagefault-${fault}-semihost.elf`);

describe('first divergent stage: deliberate one-LSB stage errors (issue 14)', function () {
  this.timeout(180_000);
  let tmp: { dir: string; config: string };
  before(() => {
    tmp = tempConfig({}, 'hil-diverge-');
  });
  after(() => rmSync(tmp.dir, { recursive: true, force: true }));

  for (const target of ['sim', 'qemu'] as const) {
    for (const fault of FAULTS) {
      const want = parseFault(fault);
      it(`${target}: stagefault-${fault} is named as frame ${want.frame}, stage ${want.stage}, element ${want.element}, in every report`, async function () {
        if (target === 'qemu' && !HAVE_QEMU) this.skip();
        const fw = image(target, fault);
        expect(existsSync(fw), `${fw} (npm run build:fw)`).to.equal(true);
        const r = await runWithReport(['--target', target, '--config', tmp.config, '--firmware', fw, '--grep', CASE]);
        expect(r.code, r.stderr.slice(-2000)).to.equal(1);
        const c = r.report.cases.find((x) => x.id === CASE)!;
        expect(c.status).to.equal('failed');
        const d = c.firstDivergence!;
        expect(d, 'firstDivergence').to.not.equal(undefined);
        expect(d).to.include({ status: 'stage', stage: want.stage, stageIndex: STAGES.indexOf(want.stage), frame: want.frame, element: want.element, differing: 1 });
        expect(d.outputFrame, 'the output diverges at or after the stage').to.be.at.least(want.frame);
        expect(d.outputFrame).to.equal(c.output!.firstMismatch!.frame);
        expect(Number(d.targetValue) - Number(d.referenceValue), 'the fault adds 1 LSB').to.equal(1);
        expect(d.identicalBefore).to.deep.equal(STAGES.slice(0, STAGES.indexOf(want.stage)));
        expect(d.reference).to.match(/^sim .*hil-sim-model-s \(build [0-9a-f]{12}\)$/);
        const line = `first divergence: frame ${want.frame}, stage ${want.stage}, element ${want.element}: target ${d.targetValue}, reference ${d.referenceValue}`;
        expect(d.message).to.include(line).and.to.include('earlier stages identical');
        expect(r.stderr, 'console').to.include(line);
        expect(r.html).to.include('First divergent stage').and.to.include(line);
        const md = readFileSync(path.join(r.dir, 'summary.md'), 'utf8');
        expect(md).to.include(line);
        const junit = readFileSync(path.join(r.dir, 'junit.xml'), 'utf8');
        expect(junit).to.include(line);
      });
    }
  }

  it('--no-diagnose leaves the search out; --reference to a missing file is refused at start', async () => {
    const fw = image('sim', FAULTS[1]!);
    const r = await runWithReport(['--target', 'sim', '--config', tmp.config, '--firmware', fw, '--grep', 'smoke/tone-1k', '--no-diagnose']);
    expect(r.code).to.equal(1);
    expect(r.report.cases[0]!.firstDivergence).to.equal(undefined);
    const bad = await runCli(['run', '--target', 'sim', '--config', tmp.config, '--firmware', fw, '--reference', path.join(tmp.dir, 'nope')]);
    expect(bad.code).to.equal(2);
    expect(bad.stderr.trim().split('\n')).to.have.length(1);
    expect(bad.stderr).to.match(/--reference .*nope: no such file/);
  });

  it('a reference that is not the same model (the gain sim) is reported as unavailable, the run goes on', async () => {
    const fw = image('sim', FAULTS[1]!);
    const gain = path.join(FIRMWARE_BUILD, 'host', 'hil-sim-gain');
    const r = await runWithReport(['--target', 'sim', '--config', tmp.config, '--firmware', fw, '--grep', 'smoke/*', '--reference', gain]);
    expect(r.code).to.equal(1);
    for (const c of r.report.cases) {
      expect(c.firstDivergence, c.id).to.include({ status: 'unavailable' });
      expect(c.firstDivergence!.message).to.match(/the reference \(hil-sim-gain, model gain\) exposes no stage taps/);
    }
  });

  for (const target of ['sim', 'qemu'] as const) {
    it(`taps only read: on ${target}, a case streamed with tap digests on gives the same output as with them off`, async function () {
      if (target === 'qemu' && !HAVE_QEMU) this.skip();
      const input = (await readWav(path.join(VECTORS_DIR, 'speech', 'en-us-m-pink-20db.wav'))).samples!;
      await withSession(createProfileTarget(builtinProfile(target)), { handshakeTimeoutMs: 10_000 }, async (s) => {
        expect(s.info.taps?.length).to.equal(STAGES.length);
        await s.reset();
        const off = await s.stream(input);
        await s.reset();
        await s.setTaps('digests');
        const on = await s.stream(input);
        await s.setTaps('off');
        expect(on.digests!.length).to.equal(on.frames * STAGES.length);
        expect(Buffer.from(on.output.buffer).equals(Buffer.from(off.output.buffer))).to.equal(true);
        // every stage has a tap and a digest that changes frame to frame (the tap is really read)
        for (let k = 0; k < STAGES.length; k++) expect(on.digests![100 * STAGES.length + k], STAGES[k]).to.not.equal(on.digests![101 * STAGES.length + k]);
        expect(off.digests).to.equal(undefined);
      });
    });
  }
});
