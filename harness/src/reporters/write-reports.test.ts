import { expect } from 'chai';
import { lstat, mkdtemp, readdir, readFile, readlink, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { RunReport } from '../core/results.ts';
import { readWav } from '../dsp/wav.ts';
import { failingOutputs, failingRun, MISMATCH } from '../../test/fixtures/failing-run.ts';
import { passingRun } from '../../test/fixtures/passing-run.ts';
import { checkRunId, outputWavNames, writeReports } from './write-reports.ts';

describe('writeReports', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hil-reports-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes report.json, junit.xml, summary.md and report.html into reports/<run-id>/', async () => {
    const w = await writeReports(passingRun, { reportsDir: dir });
    expect(w.dir).to.equal(path.join(dir, passingRun.runId));
    expect((await readdir(w.dir)).sort()).to.deep.equal(['junit.xml', 'report.html', 'report.json', 'summary.md']);
    const json = JSON.parse(await readFile(w.json, 'utf8')) as RunReport;
    expect(json.runId).to.equal(passingRun.runId);
    expect(json.cases).to.have.length(passingRun.cases.length);
    expect(await readFile(w.junit, 'utf8')).to.match(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /);
    expect(await readFile(w.markdown, 'utf8')).to.match(/^## ✅ hil run /);
    expect(await readFile(w.html, 'utf8')).to.include('data-verdict="passed"');
    expect(w.warnings).to.deep.equal([]);
  });

  it('writes the failed cases\' output WAVs and records their relative paths', async () => {
    const w = await writeReports(failingRun, { reportsDir: dir, failedOutputs: failingOutputs() });
    expect(w.outputs).to.have.length(1);
    const json = JSON.parse(await readFile(w.json, 'utf8')) as RunReport;
    const c = json.cases.find((x) => x.id === MISMATCH.id)!;
    expect(c.outputWav).to.equal('outputs/speech--en-gb-m-babble-0db.wav');
    expect(json.cases.filter((x) => x.outputWav !== null)).to.have.length(1);
    const wav = await readWav(path.join(w.dir, c.outputWav!));
    expect(wav.sampleRate).to.equal(16000);
    expect(Array.from(wav.samples!)).to.deep.equal(Array.from(failingOutputs().get(MISMATCH.id)!));
    expect(await readFile(w.html, 'utf8')).to.include('<a href="outputs/speech--en-gb-m-babble-0db.wav">');
    expect(w.report.cases.find((x) => x.id === MISMATCH.id)!.outputWav).to.equal(c.outputWav);
  });

  it('warns instead of failing when output samples cannot be written', async () => {
    const noDevice = { ...failingRun, device: null };
    const w = await writeReports(noDevice, { reportsDir: dir, failedOutputs: new Map([[MISMATCH.id, new Int16Array(4)], ['nope/x', new Int16Array(1)]]) });
    expect(w.outputs).to.deep.equal([]);
    expect(w.warnings.join('\n')).to.include('unknown case "nope/x"').and.include('no sample rate known');
    const withRate = await writeReports(noDevice, { reportsDir: dir, rate: 8000, failedOutputs: new Map([[MISMATCH.id, new Int16Array(4)]]) });
    expect(withRate.outputs).to.have.length(1);
  });

  it('points reports/latest at the newest run with a relative symlink, replacing the previous one', async () => {
    await writeReports(passingRun, { reportsDir: dir });
    const latest = path.join(dir, 'latest');
    expect((await lstat(latest)).isSymbolicLink()).to.equal(true);
    expect(await readlink(latest)).to.equal(passingRun.runId);
    const w2 = await writeReports(failingRun, { reportsDir: dir });
    expect(w2.latest).to.equal(latest);
    expect(await readlink(latest)).to.equal(failingRun.runId);
    expect(await readFile(path.join(latest, 'report.html'), 'utf8')).to.include(failingRun.runId);
    const leftovers = (await readdir(dir)).filter((n) => n.includes('.tmp-'));
    expect(leftovers).to.deep.equal([]);
  });

  it('falls back to a copy when symlinks fail, and back to a symlink later', async () => {
    const noSymlinks = async () => {
      throw Object.assign(new Error('EPERM: operation not permitted, symlink'), { code: 'EPERM' });
    };
    const w = await writeReports(passingRun, { reportsDir: dir, symlink: noSymlinks });
    const latest = path.join(dir, 'latest');
    const st = await lstat(latest);
    expect(st.isSymbolicLink()).to.equal(false);
    expect(st.isDirectory()).to.equal(true);
    expect(w.warnings.join('\n')).to.match(/could not make a symlink \(EPERM.*\); .*latest is a copy of 20261124-091502Z-3f1a/);
    expect(JSON.parse(await readFile(path.join(latest, 'report.json'), 'utf8')).runId).to.equal(passingRun.runId);
    await writeReports(failingRun, { reportsDir: dir, symlink: noSymlinks });
    expect(JSON.parse(await readFile(path.join(latest, 'report.json'), 'utf8')).runId).to.equal(failingRun.runId);
    await writeReports(passingRun, { reportsDir: dir });
    expect(await readlink(latest)).to.equal(passingRun.runId);
    expect((await readdir(dir)).filter((n) => n.includes('.tmp-'))).to.deep.equal([]);
  });

  it('overwrites files of an existing run folder atomically (no temp files left)', async () => {
    const runDir = path.join(dir, passingRun.runId);
    await mkdir(runDir, { recursive: true });
    await writeFile(path.join(runDir, 'report.json'), 'old');
    await writeReports(passingRun, { reportsDir: dir });
    expect(JSON.parse(await readFile(path.join(runDir, 'report.json'), 'utf8')).runId).to.equal(passingRun.runId);
    expect((await readdir(runDir)).filter((n) => n.startsWith('.'))).to.deep.equal([]);
  });

  it('refuses run ids that are not plain folder names', async () => {
    for (const bad of ['../x', 'a/b', 'latest', '', '.hidden']) expect(() => checkRunId(bad), bad).to.throw(/not a plain folder name/);
    let err: unknown;
    try {
      await writeReports({ ...passingRun, runId: '../escape' }, { reportsDir: dir });
    } catch (e) {
      err = e;
    }
    expect(err).to.have.property('code', 'INPUT');
  });

  it('gives distinct WAV names to ids that differ only in punctuation', () => {
    const names = outputWavNames(['edge/a b', 'edge/a-b', 'edge/<script>']);
    expect([...names.values()]).to.deep.equal(['outputs/edge--a-b.wav', 'outputs/edge--a-b-2.wav', 'outputs/edge---script.wav']);
  });
});
