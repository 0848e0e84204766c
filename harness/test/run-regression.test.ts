/**
 * `hil run` end to end (issue 5 acceptance): the real CLI as a child process, real
 * qemu-system-arm running the reference firmware and a deliberately wrong build of it, real
 * report files. Every expectation about the wrong build is derived from its corruption rule
 * (helpers/hil-run.ts: WRONG), not copied from a run.
 */
import { expect } from 'chai';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { CaseResult, RunReport } from '../src/core/results.ts';
import { VECTORS_DIR } from '../src/core/paths.ts';
import { readGolden } from '../src/api/connect.ts';
import { expectedCorruption, hilRun, junitCase, lines, once, QEMU_WRONG_ELF, SIM_WRONG_EXE, WRONG, type HilRun } from './helpers/hil-run.ts';
import { runCli } from './helpers/run-cli.ts';
import { REPO_DEFAULTS } from './helpers/temp-config.ts';

const SUITES = ['edge', 'heldout', 'smoke', 'speech'];
const caseIds = (suites: readonly string[]) =>
  suites.flatMap((s) => (JSON.parse(readFileSync(path.join(VECTORS_DIR, s, 'manifest.json'), 'utf8')) as { cases: Array<{ name: string }> }).cases.map((c) => `${s}/${c.name}`)).sort();
const byId = (r: RunReport) => new Map(r.cases.map((c) => [c.id, c]));
const noStack = (stderr: string) => expect(stderr, stderr).to.not.match(/^\s+at /m);

describe('hil run end to end on qemu (real emulator, real firmware, real report files)', function () {
  let tmp: string;
  let reports: string;
  const reference = once(() => hilRun(reports, 'reference', ['--target', 'qemu']));
  const wrong = once(() => hilRun(reports, 'wrong', ['--target', 'qemu', '--firmware', QEMU_WRONG_ELF]));

  before(async () => {
    for (const f of [QEMU_WRONG_ELF, SIM_WRONG_EXE]) if (!existsSync(f)) throw new Error(`${f} is missing: run \`make -C firmware all\``);
    tmp = await mkdtemp(path.join(tmpdir(), 'hil-run-e2e-'));
    reports = path.join(tmp, 'reports');
  });
  after(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  describe('every suite on the reference firmware', () => {
    let r: HilRun;
    before(async () => {
      r = await reference();
    });

    it('passes every case (bit-exact, estimated margin, resources) and exits 0', () => {
      expect(r.code, r.stderr).to.equal(0);
      const rep = r.report!;
      expect(rep.status).to.equal('passed');
      expect(rep.complete).to.equal(true);
      expect(rep.cases.map((c) => c.id)).to.deep.equal(caseIds(SUITES));
      expect(rep.summary).to.include({ total: rep.cases.length, passed: rep.cases.length, failed: 0, error: 0, skipped: 0 });
      for (const c of rep.cases) {
        expect(c.status, c.id).to.equal('passed');
        expect(c.output!.status, c.id).to.equal('pass');
        expect(c.margin).to.include({ status: 'pass', counter: 'icount', estimated: true });
        expect(c.outputWav).to.equal(null);
      }
      expect(rep.resources!.status).to.equal('pass');
    });

    it('writes report.json, junit.xml, summary.md, report.html and points latest at the run', () => {
      for (const f of ['report.json', 'junit.xml', 'summary.md', 'report.html']) expect(existsSync(r.file(f)), f).to.equal(true);
      expect(realpathSync(path.join(reports, 'latest'))).to.equal(realpathSync(r.dir));
      expect(r.read('junit.xml')).to.match(new RegExp(`<testsuites [^>]*tests="${r.report!.cases.length + 1}" failures="0" errors="0"`));
      expect(r.read('summary.md')).to.match(/^## .* hil run reference: PASSED/m);
      expect(r.read('report.html')).to.include('data-verdict="passed"');
    });

    it('ends with the path of report.html, printed once, as the only line on stdout', () => {
      expect(lines(r.stdout)).to.deep.equal([r.file('report.html')]);
      expect(r.stderr).to.not.include('report.html');
    });

    it('passes every suite on the host simulator too, its margin not applicable (never a pass)', async () => {
      const s = await hilRun(reports, 'reference-sim', ['--target', 'sim']);
      expect(s.code, s.stderr).to.equal(0);
      expect(s.report!.cases.map((c) => c.id)).to.deep.equal(caseIds(SUITES));
      for (const c of s.report!.cases) {
        expect(c.status, c.id).to.equal('passed');
        expect(c.output!.status, c.id).to.equal('pass');
        expect(c.margin).to.include({ status: 'not-applicable', counter: 'none' });
      }
      for (const f of ['report.json', 'junit.xml', 'summary.md', 'report.html']) expect(existsSync(s.file(f)), f).to.equal(true);
    });
  });

  describe(`a firmware whose output is wrong from frame ${WRONG.fromFrame} (sample ${WRONG.sample} of each frame off by 1 LSB)`, () => {
    let r: HilRun;
    before(async () => {
      r = await wrong();
    });

    it('exits 1 and fails exactly the cases long enough to reach the corruption, at the derived frame and sample', async () => {
      expect(r.code, r.stderr).to.equal(1);
      const rep = r.report!;
      expect(rep.status).to.equal('failed');
      const { hop, rate } = rep.device!;
      let failed = 0;
      for (const c of rep.cases) {
        const n = (await readGolden(c.golden!)).length;
        const want = expectedCorruption(n, hop, rate);
        expect(c.attempts, `${c.id}: a test failure is never retried`).to.equal(1);
        if (!want) {
          expect(c.status, `${c.id} (${n} samples) ends before the corruption`).to.equal('passed');
          continue;
        }
        failed++;
        expect(c.status, c.id).to.equal('failed');
        expect(c.error).to.equal(null);
        expect(c.output!.firstMismatch, c.id).to.include({ frame: want.frame, sample: want.sample, timeS: want.timeS });
        expect(c.output!.firstMismatch!.got - c.output!.firstMismatch!.want, c.id).to.be.oneOf([1, -1]);
        expect(c.output!).to.include({ mismatches: want.mismatches, maxAbsDiffLsb: 1 });
        expect(c.margin!.status, `${c.id}: the timing is not what broke`).to.equal('pass');
        // the corruption is the agent's (agent/hil_corrupt.h), after the model: every stage agrees
        expect(c.firstDivergence, c.id).to.include({ status: 'after-model', outputFrame: want.frame, framesCompared: want.frame + 1 });
        expect(c.firstDivergence!.message, c.id).to.include(`output sample ${want.sample} (frame ${want.frame})`);
      }
      expect(failed).to.be.greaterThan(0);
      expect(rep.summary).to.include({ failed, passed: rep.cases.length - failed, error: 0 });
    });

    it("writes every failed case's output WAV: off by 1 LSB at exactly the corrupted samples", async () => {
      const rep = r.report!;
      const { hop } = rep.device!;
      for (const c of rep.cases.filter((x) => x.status === 'failed')) {
        expect(c.outputWav, c.id).to.match(/^outputs\/.+\.wav$/);
        const out = (await readGolden(r.file(c.outputWav!)));
        const gold = (await readGolden(c.golden!));
        expect(out.length, c.id).to.equal(gold.length);
        const diffs: number[] = [];
        for (let i = 0; i < out.length; i++) if (out[i] !== gold[i]) diffs.push(i);
        const want: number[] = [];
        for (let f = WRONG.fromFrame; f * hop + WRONG.sample < gold.length; f++) want.push(f * hop + WRONG.sample);
        expect(diffs, c.id).to.deep.equal(want);
      }
      expect(rep.cases.filter((c) => c.status === 'passed').every((c) => c.outputWav === null)).to.equal(true);
    });

    it('names the case, frame and sample in report.json, report.html, summary.md and junit.xml', () => {
      const c = byId(r.report!).get('smoke/tone-1k')!;
      const fm = c.output!.firstMismatch!;
      const where = `first at sample ${fm.sample} (frame ${fm.frame}, ${fm.timeS.toFixed(4)} s)`;
      expect(c.output!.message).to.include(where);
      expect(c.divergence!.start).to.be.at.most(fm.sample);
      expect(c.divergence!.start + c.divergence!.output.length).to.be.greaterThan(fm.sample);
      const html = r.read('report.html');
      expect(html).to.include('data-verdict="failed"');
      expect(html).to.include('smoke/tone-1k');
      expect(html).to.include(where);
      expect(html).to.include(`mismatch at sample ${fm.sample.toLocaleString('en-US')} (frame ${fm.frame})`);
      expect(html).to.include('waveform-chart');
      expect(r.read('summary.md')).to.include(`**smoke/tone-1k** (failed): bit-exact violated`);
      expect(junitCase(r.read('junit.xml'), 'smoke/tone-1k')).to.include(`<failure message="bit-exact violated`).and.to.include(where);
    });

    it('catches the same corruption on the host simulator', async () => {
      const s = await hilRun(reports, 'wrong-sim', ['--target', 'sim', '--suite', 'smoke', '--firmware', SIM_WRONG_EXE]);
      expect(s.code, s.stderr).to.equal(1);
      const { hop, rate } = s.report!.device!;
      for (const c of s.report!.cases) {
        const want = expectedCorruption(c.output!.goldenSamples, hop, rate)!;
        expect(c.status).to.equal('failed');
        expect(c.output!.firstMismatch).to.include({ frame: want.frame, sample: want.sample });
        expect(c.margin!.status, 'sim has no cycle counter').to.equal('not-applicable');
      }
    });
  });

  describe('an impossible budget (--clock 1000)', () => {
    let r: HilRun;
    before(async () => {
      r = await hilRun(reports, 'tiny-clock', ['--target', 'qemu', '--suite', 'smoke', '--grep', 'smoke/tone-1k', '--clock', '1000']);
    });

    it('fails the margin assertion (output still bit-exact) with budget, worst cycles and margin', () => {
      expect(r.code, r.stderr).to.equal(1);
      const c = r.report!.cases[0]!;
      const { hop, rate } = r.report!.device!;
      expect(c.status).to.equal('failed');
      expect(c.output!.status).to.equal('pass');
      const m = c.margin!;
      expect(m.status).to.equal('fail');
      expect(m.clockHz).to.equal(1000);
      expect(m.budgetCycles).to.equal((1000 * hop) / rate);
      const worst = Math.max(...c.counts) * m.cpi!;
      expect(m.cycles!.max).to.equal(worst);
      expect(m.margin).to.be.closeTo(1 - worst / m.budgetCycles, 1e-12);
      expect(m.worstFrame).to.equal(c.counts.indexOf(Math.max(...c.counts)));
      expect(m.message).to.include(`margin violated: worst frame ${m.worstFrame} takes ${Math.round(worst)} estimated cycles`);
      expect(m.message).to.include(`of a ${m.budgetCycles}-cycle budget`);
      expect(r.read('summary.md')).to.include('margin violated');
      expect(junitCase(r.read('junit.xml'), 'smoke/tone-1k')).to.include('margin violated');
      expect(r.read('report.html')).to.include(`of a ${m.budgetCycles}-cycle budget`);
    });
  });

  describe('a target that cannot start', () => {
    it('missing firmware image: exits 2 before any case with one line naming the image (issue 8.4 preflight)', async () => {
      const r = await hilRun(reports, 'no-image', ['--target', 'qemu', '--suite', 'smoke', '--firmware', path.join(tmp, 'no-such.elf')]);
      expect(r.code, r.stderr).to.equal(2);
      noStack(r.stderr);
      expect(lines(r.stderr), r.stderr).to.have.length(1);
      expect(r.stderr).to.include('no-such.elf').and.include('does not exist');
      expect(r.report, 'nothing ran, no report').to.equal(null);
    });

    it('missing QEMU binary (from hil.config.json): exits 2 with a TARGET error naming it', async () => {
      const config = path.join(tmp, 'hil.config.json');
      await writeFile(config, JSON.stringify({ defaults: REPO_DEFAULTS, targets: { 'broken-qemu': { kind: 'qemu', qemu: { binary: path.join(tmp, 'no-qemu-system-arm') } } } }));
      const r = await hilRun(reports, 'no-qemu', ['--config', config, '--target', 'broken-qemu', '--suite', 'smoke', '--grep', 'smoke/silence', '--retries', '0']);
      expect(r.code, r.stderr).to.equal(2);
      const c = r.report!.cases[0]!;
      expect(c).to.include({ status: 'error', attempts: 1 });
      expect(c.error!.code).to.equal('TARGET');
      expect(c.error!.message).to.include('no-qemu-system-arm');
      expect(r.report!.target.profile).to.equal('broken-qemu');
    });
  });

  describe('--shard 1/2 + --shard 2/2, then hil merge', () => {
    let merged: RunReport;
    let shards: HilRun[];
    before(async () => {
      shards = [
        await hilRun(reports, 'shard-1', ['--target', 'qemu', '--firmware', QEMU_WRONG_ELF, '--shard', '1/2', '--jobs', '2']),
        await hilRun(reports, 'shard-2', ['--target', 'qemu', '--firmware', QEMU_WRONG_ELF, '--shard', '2/2']),
      ];
      const m = await runCli(['merge', shards[0]!.file('report.json'), shards[1]!.file('report.json'), '--reports-dir', path.join(tmp, 'merged')]);
      expect(m.code, m.stderr).to.equal(1);
      const html = lines(m.stdout).at(-1)!;
      merged = JSON.parse(readFileSync(path.join(path.dirname(html), 'report.json'), 'utf8')) as RunReport;
    });

    it('splits the selection into two disjoint, non-empty halves', () => {
      const [a, b] = shards.map((s) => s.report!.cases.map((c) => c.id));
      expect(a!.length).to.be.greaterThan(0);
      expect(b!.length).to.be.greaterThan(0);
      expect(a!.filter((id) => b!.includes(id))).to.deep.equal([]);
      expect([...a!, ...b!].sort()).to.deep.equal(caseIds(SUITES));
      expect(shards[0]!.report!.selection.shard).to.equal('1/2');
    });

    it("merges to the unsharded run's per-case verdicts, summary and exit code", async () => {
      const whole = (await wrong()).report!;
      const verdicts = (r: RunReport) =>
        r.cases.map((c: CaseResult) => ({ id: c.id, status: c.status, output: c.output?.status, first: c.output?.firstMismatch ?? null, mismatches: c.output?.mismatches, margin: c.margin?.status, counts: c.counts }));
      expect(verdicts(merged)).to.deep.equal(verdicts(whole));
      const { wallSeconds: _a, ...mergedSummary } = merged.summary;
      const { wallSeconds: _b, ...wholeSummary } = whole.summary;
      expect(mergedSummary).to.deep.equal(wholeSummary);
      expect(merged).to.include({ status: whole.status, exitCode: whole.exitCode, complete: true });
      expect(merged.selection.shard).to.equal(null);
    });
  });

  describe('--baseline with an injected cycle regression', () => {
    let r: HilRun;
    const SLOWER = 'smoke/sweep';
    before(async () => {
      // A baseline in which smoke/sweep took 1/1.25 of its cycles: today's run is 25 % slower.
      const base = JSON.parse(readFileSync((await reference()).file('report.json'), 'utf8')) as RunReport;
      const edited = { ...base, cases: base.cases.map((c) => (c.id === SLOWER ? { ...c, counts: c.counts.map((n) => Math.round(n / 1.25)) } : c)) };
      const file = path.join(tmp, 'baseline-report.json');
      await writeFile(file, JSON.stringify(edited));
      r = await hilRun(reports, 'baseline', ['--target', 'qemu', '--suite', 'smoke', '--baseline', file]);
    });

    it('flags the slower case, and only it, in report.json (and fails the run)', () => {
      expect(r.code, r.stderr).to.equal(1);
      const rep = r.report!;
      expect(rep.baseline).to.include({ regressions: 1, threshold: 0.05 });
      for (const c of rep.cases) {
        expect(c.output!.status).to.equal('pass');
        if (c.id === SLOWER) {
          expect(c.baseline!.regression).to.equal(true);
          expect(c.baseline!.medianChange).to.be.closeTo(0.25, 0.001);
          expect(c.baseline!.maxChange).to.be.closeTo(0.25, 0.001);
        } else {
          expect(c.baseline!.regression, c.id).to.equal(false);
          expect(Math.abs(c.baseline!.medianChange), c.id).to.be.at.most(0.05);
        }
      }
      expect(rep.status).to.equal('failed');
    });

    it('shows the regression in summary.md, junit.xml and report.html', () => {
      expect(r.read('summary.md')).to.match(new RegExp(`\\| ${SLOWER} \\|.*\\*\\*regression\\*\\*`));
      expect(junitCase(r.read('junit.xml'), SLOWER)).to.include('type="baseline-regression"').and.to.include('cycle regression against the baseline');
      expect(junitCase(r.read('junit.xml'), 'smoke/tone-1k')).to.not.include('<failure');
      const html = r.read('report.html');
      expect(html).to.include('regression against the baseline');
      expect(html).to.match(/1 regression\b/);
    });
  });

  describe('bad input fails at start: exit 2, one line, no stack trace, no report', () => {
    const cases: Array<[string, string[], RegExp]> = [
      ['an invalid config value', ['--config', '@CONFIG', '--suite', 'smoke'], /^hil: .*hil\.config\.json: targets\.qemu\.clockHz: "fast" is not a number$/],
      ['a bad shard', ['--shard', '3/2'], /^hil: --shard "3\/2": expected i\/n with 1 <= i <= n/],
      ['a missing baseline', ['--baseline', '@TMP/none.json'], /^hil: .*none\.json: cannot read report \(no such file\)$/],
      ['a bad --jobs', ['--jobs', '0'], /^hil: --jobs 0: expected an integer from 1 to 64$/],
    ];
    for (const [what, args, want] of cases) {
      it(what, async () => {
        const config = path.join(tmp, 'bad', 'hil.config.json');
        if (args.includes('@CONFIG')) {
          await mkdir(path.dirname(config), { recursive: true });
          await writeFile(config, JSON.stringify({ targets: { qemu: { kind: 'qemu', clockHz: 'fast' } } }));
        }
        const argv = args.map((a) => a.replace('@CONFIG', config).replace('@TMP', tmp));
        const before = existsSync(path.join(tmp, 'usage')) ? await readdir(path.join(tmp, 'usage')) : [];
        const r = await runCli(['run', '--target', 'qemu', '--reports-dir', path.join(tmp, 'usage'), ...argv]);
        expect(r.code, r.stderr).to.equal(2);
        expect(lines(r.stderr)).to.have.length(1);
        expect(lines(r.stderr)[0]).to.match(want);
        noStack(r.stderr);
        expect(r.stdout).to.equal('');
        const after = existsSync(path.join(tmp, 'usage')) ? await readdir(path.join(tmp, 'usage')) : [];
        expect(after).to.deep.equal(before);
      });
    }
  });
});
