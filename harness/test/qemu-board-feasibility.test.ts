/**
 * Real-time feasibility of a board link (issue 9.3), end to end: `hil run` against a board
 * profile (the virtual bench board: QEMU with a gdbstub and its UART on a pty, flashed over GDB
 * RSP) checks at the handshake, before streaming, whether the profile's baud rate can carry the
 * stream in real time, warns on stderr when it cannot, and records the check in report.json
 * (target.linkFeasibility) and summary.md. Skipped without qemu-system-arm, gdb-multiarch or the
 * uart image.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

import { expect } from 'chai';

import { FIRMWARE_BUILD } from '../src/core/paths.ts';
import { HIL_BIN } from './helpers/run-cli.ts';
import { runWithReport } from './helpers/run-report.ts';
import { tempConfig, REPO_DEFAULTS } from './helpers/temp-config.ts';

const HAVE_TOOLS = spawnSync('qemu-system-arm', ['--version']).status === 0 && spawnSync('gdb-multiarch', ['--version']).status === 0;
const UART_IMAGE = path.join(FIRMWARE_BUILD, 'qemu', 'hil-qemu-model-s-uart.elf');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

describe('board link real-time feasibility (hil run on the virtual board)', function () {
  this.timeout(120_000);
  let board: ChildProcess | undefined;
  let qemuPid = 0;
  let tmp: { dir: string; config: string };

  before(async function () {
    if (!HAVE_TOOLS || !existsSync(UART_IMAGE)) this.skip();
    tmp = tempConfig({}, 'hil-feas-');
    const boardConfig = path.join(tmp.dir, 'board.json');
    board = spawn(process.execPath, [HIL_BIN, 'virtual-board', '--json', '--write-config', boardConfig], { stdio: ['ignore', 'pipe', 'pipe'] });
    const line = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('virtual board did not start')), 20_000);
      createInterface({ input: board!.stdout! }).once('line', (l) => {
        clearTimeout(timer);
        resolve(l);
      });
      board!.once('exit', (c) => reject(new Error(`virtual board exited with ${c}`)));
    });
    qemuPid = (JSON.parse(line) as { pid: number }).pid;
    // the board profile, with this test's reports folder
    const cfg = JSON.parse(readFileSync(boardConfig, 'utf8')) as { targets: Record<string, Record<string, unknown>> };
    writeFileSync(tmp.config, JSON.stringify({ ...cfg, defaults: { ...REPO_DEFAULTS, reportsDir: path.join(tmp.dir, 'reports') } }));
  });

  after(async () => {
    if (board && board.exitCode === null) {
      const exited = new Promise((r) => board!.once('exit', r));
      board.kill('SIGINT');
      await exited;
    }
    if (qemuPid) expect(alive(qemuPid), 'virtual board QEMU left behind').to.equal(false);
    if (tmp) rmSync(tmp.dir, { recursive: true, force: true });
  });

  it('warns before streaming and records a link-bound run at 115200 baud', async () => {
    const r = await runWithReport(['--config', tmp.config, '--target', 'board', '--baud', '115200', '--suite', 'smoke', '--grep', 'smoke/impulse']);
    expect(r.code, r.stderr.slice(-2000)).to.equal(0);
    const warning = r.stderr.indexOf('hil: warning: link-bound: 115200 baud');
    expect(warning, r.stderr).to.be.at.least(0);
    expect(warning).to.be.below(r.stderr.indexOf('PASS  smoke/impulse')); // said before the case finished streaming
    const f = r.report.target.linkFeasibility!;
    // the board speaks framing v2 (PROTOCOL.md 8): 337 wire bytes a RESULT
    expect(f).to.include({ baud: 115200, rate: 16000, hop: 160, framing: 2, level: 'infeasible', bottleneck: 'deviceToHost' });
    expect(f.maxRealTimeFactor).to.be.closeTo(11520 / 337 / 100, 0.001);
    expect(r.report.device?.framing).to.equal(2);
    expect(readFileSync(path.join(r.dir, 'summary.md'), 'utf8')).to.match(/\| Link feasibility \| infeasible: link-bound/);
    // framing v1 on the same link: 459 wire bytes a RESULT
    const v1 = await runWithReport(['--config', tmp.config, '--target', 'board', '--baud', '115200', '--framing', 'v1', '--suite', 'smoke', '--grep', 'smoke/impulse']);
    expect(v1.code, v1.stderr.slice(-2000)).to.equal(0);
    expect(v1.report.target.linkFeasibility).to.include({ framing: 1, level: 'infeasible' });
    expect(v1.report.target.linkFeasibility!.maxRealTimeFactor).to.be.closeTo(0.251, 0.001);
    expect(v1.report.device?.framing).to.equal(1);
  });

  it('records a feasible link without a warning at 921600 baud', async () => {
    const r = await runWithReport(['--config', tmp.config, '--target', 'board', '--baud', '921600', '--suite', 'smoke', '--grep', 'smoke/impulse']);
    expect(r.code, r.stderr.slice(-2000)).to.equal(0);
    expect(r.stderr).not.to.contain('hil: warning: link-bound');
    expect(r.report.target.linkFeasibility).to.include({ baud: 921600, level: 'ok' });
  });
});
