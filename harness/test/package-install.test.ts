/**
 * hil as a user gets it (issue 16): `npm pack`, installed into a fresh folder outside this
 * repository, used there with the project's own config, suite and firmware. Paths resolve against
 * the config file's folder, never against the install folder; `hil init` scaffolds a project that
 * builds and passes; the API imports from JavaScript and TypeScript.
 *
 * Needs the npm registry or npm's cache for the package's dependencies (both are there after
 * `npm ci`), and the reference firmware build.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { FIRMWARE_BUILD, REPO_ROOT, VECTORS_DIR } from '../src/core/paths.ts';
import type { RunReport } from '../src/core/results.ts';
import { packAndInstall, removeBuiltDist } from './helpers/pack-install.ts';
import { runCli, type CliResult } from './helpers/run-cli.ts';

const SIM = path.join(FIRMWARE_BUILD, 'host', 'hil-sim-model-s');
const QEMU_ELF = path.join(FIRMWARE_BUILD, 'qemu', 'hil-qemu-model-s-semihost.elf');
const HAVE_QEMU = spawnSync('qemu-system-arm', ['--version']).status === 0;

function reportOf(r: CliResult, project: string): { dir: string; report: RunReport } {
  const last = r.stdout.trim().split('\n').pop() ?? '';
  expect(last, `exit ${r.code}: ${r.stderr.slice(-1500)}`).to.match(/report\.html$/);
  const dir = path.dirname(path.resolve(project, last));
  return { dir, report: JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as RunReport };
}

describe('hil as an installed package, in a project of its own (issue 16)', function () {
  this.timeout(600_000);
  let root: string; // the user's machine: a folder outside this repository
  let bin: string; // node_modules/hil/harness/bin/hil.js of the installed package
  let pkg: string;

  before(function () {
    if (!existsSync(SIM)) this.skip();
    root = mkdtempSync(path.join(tmpdir(), 'hil-user-'));
    ({ pkg, bin } = packAndInstall(root));
  });

  after(() => {
    if (root) rmSync(root, { recursive: true, force: true });
    removeBuiltDist();
  });

  it('installs compiled JavaScript with declarations and no TypeScript sources; `hil --help` lists every command', async () => {
    expect(existsSync(path.join(pkg, 'harness', 'dist', 'cli', 'main.js'))).to.equal(true);
    expect(existsSync(path.join(pkg, 'harness', 'dist', 'index.d.ts'))).to.equal(true);
    expect(existsSync(path.join(pkg, 'harness', 'src'))).to.equal(false);
    const help = await runCli(['--help'], {}, { cwd: root, bin });
    expect(help.code, help.stderr).to.equal(0);
    for (const c of ['init', 'run', 'golden', 'info', 'tune', 'estimate']) expect(help.stdout).to.match(new RegExp(`hil ${c}\\b`));
    const npx = spawnSync('npx', ['--no-install', 'hil', '--version'], { cwd: root, encoding: 'utf8' });
    expect(npx.stdout.trim()).to.equal(JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version);
  });

  it('the API imports from JavaScript and type-checks from TypeScript', () => {
    const js = spawnSync(process.execPath, ['--input-type=module', '-e', "import { connect, hilChai, readGolden } from 'hil'; console.log([connect, hilChai, readGolden].map((f) => typeof f).join(' '))"], { cwd: root, encoding: 'utf8' });
    expect(js.stdout.trim(), js.stderr).to.equal('function function function');
    writeFileSync(
      path.join(root, 'check.ts'),
      "import { connect, type Device, type RunReport } from 'hil';\nexport async function first(): Promise<string> {\n  const d: Device = await connect({ target: 'sim' });\n  try { return d.info.model; } finally { await d.close(); }\n}\nexport const passed = (r: RunReport): number => r.summary.passed;\n",
    );
    const tsc = spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '--strict', '--skipLibCheck', '--module', 'nodenext', '--moduleResolution', 'nodenext', 'check.ts'], { cwd: root, encoding: 'utf8' });
    expect(tsc.status, tsc.stdout + tsc.stderr).to.equal(0);
    writeFileSync(path.join(root, 'wrong.ts'), "import { connect } from 'hil';\nconst n: number = connect;\nexport { n };\n");
    const wrong = spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '--strict', '--skipLibCheck', '--module', 'nodenext', '--moduleResolution', 'nodenext', 'wrong.ts'], { cwd: root, encoding: 'utf8' });
    expect(wrong.stdout, 'the declarations give connect its real type').to.match(/wrong\.ts\(2,7\): error TS2322/);
  });

  it("the project's own config, suite and firmware: goldens and reports land in the project, relative to the config file", async () => {
    const project = path.join(root, 'product');
    mkdirSync(path.join(project, 'fw'), { recursive: true });
    copyFileSync(SIM, path.join(project, 'fw', 'hil-sim-model-s'));
    if (HAVE_QEMU) copyFileSync(QEMU_ELF, path.join(project, 'fw', 'model-s.elf'));
    // the suite: the smoke manifest and inputs, without goldens
    cpSync(path.join(VECTORS_DIR, 'smoke'), path.join(project, 'tests', 'smoke'), { recursive: true, filter: (src) => !src.includes(`${path.sep}golden`) });
    writeFileSync(
      path.join(project, 'hil.config.json'),
      JSON.stringify({
        defaults: { target: 'sim', suites: ['smoke'], vectorsDir: 'tests' },
        targets: { sim: { kind: 'sim', firmware: 'fw/hil-sim-model-s' }, emu: { kind: 'qemu', firmware: 'fw/model-s.elf' } },
      }),
    );
    // run from a subfolder with --config: everything resolves against the config file's folder
    const sub = path.join(project, 'src');
    mkdirSync(sub);
    const golden = await runCli(['golden', '--config', '../hil.config.json'], {}, { cwd: sub, bin });
    expect(golden.code, golden.stderr).to.equal(0);
    for (const f of readdirSync(path.join(VECTORS_DIR, 'smoke', 'golden'))) {
      expect(readFileSync(path.join(project, 'tests', 'smoke', 'golden', f)).equals(readFileSync(path.join(VECTORS_DIR, 'smoke', 'golden', f))), f).to.equal(true);
    }
    const run = await runCli(['run', '--config', '../hil.config.json', '--target', HAVE_QEMU ? 'emu' : 'sim'], {}, { cwd: sub, bin });
    const { dir, report } = reportOf(run, sub);
    expect(path.dirname(dir)).to.equal(path.join(project, 'reports'));
    const n = (JSON.parse(readFileSync(path.join(VECTORS_DIR, 'smoke', 'manifest.json'), 'utf8')) as { cases: unknown[] }).cases.length;
    expect(report.summary).to.include({ total: n, passed: n });
    expect(report.target.firmware).to.equal(path.join(project, 'fw', HAVE_QEMU ? 'model-s.elf' : 'hil-sim-model-s'));
    expect(report.environment.hilVersion).to.equal(JSON.parse(readFileSync(path.join(pkg, 'package.json'), 'utf8')).version);
    // nothing in the install folder, nothing beside the working directory
    for (const d of ['reports', 'vectors/smoke/golden']) expect(existsSync(path.join(pkg, d)), d).to.equal(false);
    expect(existsSync(path.join(sub, 'reports'))).to.equal(false);
  });

  it('hil init in an empty folder: the skeleton builds (host-sim), makes its goldens and passes hil run --target sim', async () => {
    const app = path.join(root, 'app');
    const init = await runCli(['init', '--dir', 'app'], {}, { cwd: root, bin });
    expect(init.code, init.stderr).to.equal(0);
    expect(init.stdout).to.include('created 15 files');
    const config = JSON.parse(readFileSync(path.join(app, 'hil.config.json'), 'utf8')) as { $schema: string };
    expect(existsSync(path.resolve(app, config.$schema)), `$schema ${config.$schema}`).to.equal(true);
    const make = spawnSync('make', ['-C', 'firmware'], { cwd: app, encoding: 'utf8' });
    expect(make.status, make.stdout + make.stderr).to.equal(0);
    const golden = await runCli(['golden'], {}, { cwd: app, bin });
    expect(golden.code, golden.stderr).to.equal(0);
    expect(golden.stdout).to.match(/1 goldens: 1 new/);
    const run = await runCli(['run', '--target', 'sim'], {}, { cwd: app, bin });
    const { dir, report } = reportOf(run, app);
    expect(path.dirname(dir)).to.equal(path.join(app, 'reports'));
    expect(report.summary).to.include({ total: 1, passed: 1 });
    expect(report.device?.model).to.equal('passthrough');
    // a pass-through: the golden is the input, sample for sample
    const wavData = (f: string) => readFileSync(f).subarray(44);
    expect(wavData(path.join(app, 'vectors/smoke/golden/tone-in-noise.wav')).equals(wavData(path.join(app, 'vectors/smoke/tone-in-noise.wav')))).to.equal(true);
    // and init never overwrites: a second init writes nothing and says what is in the way
    const again = await runCli(['init', '--dir', 'app'], {}, { cwd: root, bin });
    expect(again.code).to.equal(2);
    expect(again.stderr.trim().split('\n')).to.have.length(1);
    expect(again.stderr).to.match(/already has hil\.config\.json, .* and \d+ more of its files; nothing was written/);
  });

  it('hil init refuses a folder that has one of its files and writes nothing at all', async () => {
    const dir = path.join(root, 'half');
    mkdirSync(path.join(dir, 'firmware'), { recursive: true });
    writeFileSync(path.join(dir, 'firmware', 'Makefile'), 'all:\n');
    const r = await runCli(['init', '--dir', dir], {}, { cwd: root, bin });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include('already has firmware/Makefile; nothing was written');
    expect(readdirSync(dir).sort()).to.deep.equal(['firmware']);
    expect(readdirSync(path.join(dir, 'firmware'))).to.deep.equal(['Makefile']);
  });
});
