/**
 * Issue 6 end to end: the bench-board path on the virtual bench board — `hil virtual-board` (QEMU
 * with its gdbstub and the UART on a pty, empty), then `hil run --target board`: the harness
 * flashes model S over GDB RSP, opens the pty with serialport, resets, handshakes and runs the
 * smoke suite bit-exact against the committed goldens. Also `hil flash` alone.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { builtinQemuImage } from '../src/config/builtin-profiles.ts';
import type { RunReport } from '../src/core/results.ts';
import { REPO_ROOT } from '../src/core/paths.ts';
import { startVirtualBoard, virtualBoardProfile, type VirtualBoard } from '../src/targets/board/virtual-board.ts';
import { HIL_BIN, runCli } from './helpers/run-cli.ts';
import { REPO_DEFAULTS } from './helpers/temp-config.ts';

interface VirtualBoardLine {
  readonly ptyPath: string;
  readonly gdbServer: string;
  readonly config: string;
  readonly profile: string;
  readonly pid: number;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Start `hil virtual-board --json` and read the line it prints once the board is up. */
function startCliBoard(): Promise<{ child: ChildProcess; line: VirtualBoardLine; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [HIL_BIN, 'virtual-board', '--json'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ child, line: JSON.parse(out.slice(0, nl)) as VirtualBoardLine, exited });
    });
    void exited.then((code) => reject(new Error(`hil virtual-board exited with ${code}: ${err}`)));
  });
}

/** The config written by `hil virtual-board`, with the reports going to `reportsDir`. */
function configWithReports(configPath: string, reportsDir: string, out: string): string {
  const cfg = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
  writeFileSync(out, JSON.stringify({ ...cfg, defaults: { ...REPO_DEFAULTS, reportsDir } }, null, 2));
  return out;
}

function onlyReport(reportsDir: string): RunReport {
  const runs = readdirSync(reportsDir).filter((d) => d !== 'latest');
  expect(runs, 'one run folder').to.have.length(1);
  return JSON.parse(readFileSync(path.join(reportsDir, runs[0]!, 'report.json'), 'utf8')) as RunReport;
}

describe('bench board: the virtual bench board end to end (issue 6)', function () {
  this.timeout(180_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'hil-board-e2e-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('hil virtual-board, then hil run --target board --suite smoke: flashed over GDB RSP, bit-exact over the pty', async () => {
    const { child, line, exited } = await startCliBoard();
    try {
      expect(line.ptyPath).to.match(/^\/dev\/pts\/\d+$/);
      expect(line.gdbServer).to.match(/^127\.0\.0\.1:\d+$/);
      expect(line.profile).to.equal('board');
      const reportsDir = path.join(dir, 'reports');
      const cfg = configWithReports(line.config, reportsDir, path.join(dir, 'hil.config.json'));

      const r = await runCli(['run', '--config', cfg, '--target', 'board', '--suite', 'smoke']);
      expect(r.code, r.stderr).to.equal(0);
      const report = onlyReport(reportsDir);
      expect(report.status).to.equal('passed');
      expect(report.cases.map((c) => c.id).sort()).to.deep.equal(['smoke/impulse', 'smoke/silence', 'smoke/sweep', 'smoke/tone-1k']);
      for (const c of report.cases) {
        expect(c.status, c.id).to.equal('passed');
        expect(c.output?.tolerance.mode, c.id).to.equal('bit-exact');
        expect(c.output?.mismatches, c.id).to.equal(0);
        expect(c.output?.outputHash, c.id).to.equal(c.output?.goldenHash);
      }
      // the report names the port and the flasher
      const t = report.target;
      expect(t.kind).to.equal('board');
      expect(t.port).to.equal(line.ptyPath);
      expect(t.description).to.contain(line.ptyPath).and.contain('gdb via').and.contain(line.gdbServer);
      expect(t.board?.port).to.include({ path: line.ptyPath, matchedBy: 'path' });
      expect(t.board?.flash).to.include({ type: 'gdb', server: line.gdbServer, verified: true, image: builtinQemuImage('model-s', 'uart') });
      expect(t.board?.flash?.output.join('\n')).to.match(/Section \.text, range .*: matched/);
      expect(t.counter).to.equal('icount');
      expect(report.device?.model).to.equal('model-s');
      expect(report.device?.fw).to.equal('hil-qemu-model-s-uart');
      const runDir = path.join(reportsDir, report.runId);
      const summary = readFileSync(path.join(runDir, 'summary.md'), 'utf8');
      expect(summary).to.match(new RegExp(`\\| Board \\| ${line.ptyPath}, 115200 baud, reset flasher; flashed with gdb-multiarch via ${line.gdbServer}: \\d+ bytes, verified`));
      expect(readFileSync(path.join(runDir, 'report.html'), 'utf8')).to.contain(`flashed with gdb-multiarch via ${line.gdbServer}`);
    } finally {
      child.kill('SIGINT');
    }
    // Ctrl-C ends it cleanly: exit 0, QEMU gone, its temporary config removed
    expect(await exited).to.equal(0);
    expect(alive(line.pid), 'QEMU stopped').to.equal(false);
    expect(existsSync(line.config), 'config removed').to.equal(false);
  });

  describe('hil flash', () => {
    let vb: VirtualBoard;
    let cfg: string;
    before(async () => {
      vb = await startVirtualBoard();
      const board = virtualBoardProfile(vb);
      cfg = path.join(dir, 'flash.config.json');
      // `flashed` talks to the board as it is: no flasher, no reset (the session's HELLO resyncs)
      writeFileSync(cfg, JSON.stringify({ defaults: REPO_DEFAULTS, targets: { board, flashed: { ...board, flasher: { type: 'none' }, reset: 'protocol' } } }));
    });
    after(async () => vb?.stop());

    it('flashes only: the image it loaded is what the board then runs', async () => {
      const r = await runCli(['flash', '--config', cfg, '--target', 'board', '--model', 'gain', '--json']);
      expect(r.code, r.stderr).to.equal(0);
      const record = JSON.parse(r.stdout);
      expect(record).to.include({ type: 'gdb', server: vb.gdbServer, verified: true, image: builtinQemuImage('gain', 'uart') });
      expect(record.loadedBytes).to.be.greaterThan(1000);
      expect(await vb.status()).to.equal('running');
      const info = await runCli(['info', '--config', cfg, '--target', 'flashed', '--json']);
      expect(info.code, info.stderr).to.equal(0);
      expect(JSON.parse(info.stdout).info).to.include({ model: 'gain', board: 'qemu-mps2-an386', counter: 'icount' });
    });

    it('prints the command flasher presets', async () => {
      const r = await runCli(['flash', '--presets']);
      expect(r.code).to.equal(0);
      for (const tool of ['openocd', 'pyocd', 'probe-rs', 'st-flash']) expect(r.stdout).to.contain(`"${tool}"`);
    });
  });
});
