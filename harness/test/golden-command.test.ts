/**
 * Issue 3, goldens: `hil golden` regenerates the golden outputs from the bit-true reference (the
 * host simulator) and reports which changed. `--check` verifies the committed goldens and writes
 * nothing; without it, missing and stale goldens are rewritten and the rest left alone.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { expect } from 'chai';

import { builtinProfile } from '../src/config/builtin-profiles.ts';
import { FIRMWARE_BUILD, VECTORS_DIR } from '../src/core/paths.ts';
import { runCli } from './helpers/run-cli.ts';
import { REPO_DEFAULTS } from './helpers/temp-config.ts';

const SIM = builtinProfile('sim', 'sim', 'model-s').firmware;
const WRONG = path.join(FIRMWARE_BUILD, 'host', 'hil-sim-model-s-wrong-f40s7');
const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

/** name -> sha256 of every golden WAV of a suite folder. */
function goldens(suiteDir: string): Map<string, string> {
  const dir = path.join(suiteDir, 'golden');
  return new Map(readdirSync(dir).filter((f) => f.endsWith('.wav')).map((f) => [f, sha(path.join(dir, f))]));
}

/** The `N goldens: a new, b changed, c unchanged` closing line. */
function totals(stdout: string): { total: number; fresh: number; changed: number; unchanged: number } {
  const m = /^(\d+) goldens: (\d+) new, (\d+) changed, (\d+) unchanged/m.exec(stdout);
  expect(m, stdout).to.not.equal(null);
  return { total: Number(m![1]), fresh: Number(m![2]), changed: Number(m![3]), unchanged: Number(m![4]) };
}

describe('hil golden (issue 3)', function () {
  this.timeout(120_000);
  before(function () {
    if (!existsSync(SIM) || !existsSync(WRONG)) this.skip();
  });

  it('--check: every committed golden is current; exit 0, nothing written', async () => {
    const before = goldens(path.join(VECTORS_DIR, 'smoke'));
    const r = await runCli(['golden', '--check']);
    expect(r.code, r.stderr).to.equal(0);
    const t = totals(r.stdout);
    expect(t.changed + t.fresh).to.equal(0);
    expect(t.unchanged).to.equal(t.total).and.to.be.at.least(19);
    expect(r.stdout).to.match(/^unchanged smoke\/impulse\s+[0-9a-f]{16}\s+vectors\/smoke\/golden\/impulse\.wav$/m);
    expect(goldens(path.join(VECTORS_DIR, 'smoke'))).to.deep.equal(before);
  });

  it('--check with a firmware that differs: names every changed case, exit 1, writes nothing', async () => {
    const before = goldens(path.join(VECTORS_DIR, 'smoke'));
    const r = await runCli(['golden', '--check', '--suite', 'smoke', '--firmware', WRONG]);
    expect(r.code, r.stderr).to.equal(1);
    const changed = [...r.stdout.matchAll(/^changed\s+(\S+)/gm)].map((m) => m[1]);
    expect(changed).to.deep.equal(['smoke/impulse', 'smoke/silence', 'smoke/sweep', 'smoke/tone-1k']);
    expect(totals(r.stdout)).to.deep.equal({ total: 4, fresh: 0, changed: 4, unchanged: 0 });
    expect(r.stderr, 'says which build produced them').to.contain('hil-sim-model-s-wrong-f40s7 build');
    expect(goldens(path.join(VECTORS_DIR, 'smoke'))).to.deep.equal(before);
  });

  it('regenerates a missing and a stale golden byte for byte, leaving current ones untouched', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hil-golden-'));
    try {
      cpSync(path.join(VECTORS_DIR, 'smoke'), path.join(dir, 'smoke'), { recursive: true });
      const config = path.join(dir, 'hil.config.json');
      writeFileSync(config, JSON.stringify({ defaults: { ...REPO_DEFAULTS, vectorsDir: '.', suites: ['smoke'], reportsDir: 'reports' } }));
      const committed = goldens(path.join(VECTORS_DIR, 'smoke'));
      const g = (name: string): string => path.join(dir, 'smoke', 'golden', name);
      rmSync(g('impulse.wav'));
      const stale = readFileSync(g('sweep.wav'));
      stale.writeInt16LE(1234, stale.length - 2);
      writeFileSync(g('sweep.wav'), stale);
      const untouched = statSync(g('tone-1k.wav')).mtimeMs;

      const check = await runCli(['golden', '--check', '--config', config]);
      expect(check.code, check.stderr).to.equal(1);
      expect(totals(check.stdout)).to.deep.equal({ total: 4, fresh: 1, changed: 1, unchanged: 2 });
      expect(existsSync(g('impulse.wav')), '--check writes nothing').to.equal(false);

      const r = await runCli(['golden', '--config', config]);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.match(/^new\s+smoke\/impulse\b/m).and.match(/^changed\s+smoke\/sweep\b/m);
      expect(totals(r.stdout)).to.deep.equal({ total: 4, fresh: 1, changed: 1, unchanged: 2 });
      expect(goldens(path.join(dir, 'smoke'))).to.deep.equal(committed);
      expect(statSync(g('tone-1k.wav')).mtimeMs, 'a current golden is not rewritten').to.equal(untouched);

      const again = await runCli(['golden', '--check', '--config', config]);
      expect(again.code, again.stderr).to.equal(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
