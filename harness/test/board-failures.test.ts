/**
 * Issue 6: how the board path fails — each an exit 2 with one line a lab engineer can act on:
 * a flash that cannot reach its GDB server (with gdb's own output), a port that does not exist
 * (with the ports that do), a silent device (port, baud and last bytes), a wrong image (counter),
 * a profile that cannot work (the key to fix).
 */
import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { TargetProfileFile } from '../src/config/config-types.ts';
import type { RunReport } from '../src/core/results.ts';
import { freeTcpPort, startVirtualBoard, virtualBoardProfile, type VirtualBoard } from '../src/targets/board/virtual-board.ts';
import { runCli, type CliResult } from './helpers/run-cli.ts';
import { REPO_DEFAULTS } from './helpers/temp-config.ts';

function oneLineError(r: CliResult): string {
  expect(r.code, r.stderr).to.equal(2);
  expect(r.stderr, 'no stack trace').not.to.match(/\n\s+at /);
  const lines = r.stderr.trim().split('\n').filter((l) => l.startsWith('hil: '));
  expect(lines, r.stderr).to.have.length(1);
  return lines[0]!;
}

describe('bench board: failures (issue 6)', function () {
  this.timeout(120_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'hil-board-fail-'));
  const reportsDir = path.join(dir, 'reports');
  let n = 0;
  const config = (profile: TargetProfileFile): string => {
    const file = path.join(dir, `cfg-${++n}.json`);
    writeFileSync(file, JSON.stringify({ defaults: { ...REPO_DEFAULTS, reportsDir }, targets: { board: profile } }));
    return file;
  };
  let vb: VirtualBoard;
  before(async () => {
    vb = await startVirtualBoard(); // never flashed: paused, nothing answers on its pty
  });
  after(async () => {
    await vb?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a GDB server that is not listening: exit 2 with the flasher output tail', async () => {
    const server = `127.0.0.1:${await freeTcpPort()}`;
    const cfg = config({ ...virtualBoardProfile(vb), flasher: { type: 'gdb', server, resetCommands: ['monitor system_reset'] } });
    for (const cmd of [['run', '--suite', 'smoke'], ['flash']]) {
      const line = oneLineError(await runCli([...cmd, '--config', cfg, '--target', 'board']));
      expect(line, cmd[0]).to.contain('flashing').and.contain(`while connecting to the GDB server ${server}`);
      expect(line, cmd[0]).to.match(/gdb output: .*Connection refused/);
    }
  });

  it('a port that does not exist: exit 2 listing the ports that exist (or saying listing is impossible)', async () => {
    const cfg = config({ kind: 'board', port: { path: '/dev/ttyHIL-nonexistent' }, baudRate: 115200, flasher: { type: 'none' } });
    const line = oneLineError(await runCli(['run', '--config', cfg, '--target', 'board', '--suite', 'smoke']));
    expect(line).to.contain('port /dev/ttyHIL-nonexistent does not exist');
    expect(line).to.match(/serial ports here: |no serial ports here|listing serial ports is not possible here/);
    expect(line, 'the virtual board\'s pty is one that exists').to.contain(vb.ptyPath);
    const usb = config({ kind: 'board', port: { vendorId: '0483', productId: '374b' }, flasher: { type: 'none' } });
    expect(oneLineError(await runCli(['info', '--config', usb, '--target', 'board']))).to.match(/no serial port matches USB 0483:374b|cannot find the port USB 0483:374b/);
  });

  it('a silent device: the handshake fails within its timeout naming port, baud and last bytes', async () => {
    const cfg = config({ kind: 'board', port: { path: vb.ptyPath }, baudRate: 57600, flasher: { type: 'none' }, reset: 'none', handshakeTimeoutMs: 1200 });
    const t0 = Date.now();
    const line = oneLineError(await runCli(['info', '--config', cfg, '--target', 'board']));
    // bounded by the configured timeout (plus Node start-up), not by the test's own 120 s limit
    expect(Date.now() - t0, 'hil info gave up within its handshake timeout').to.be.below(1200 + 10_000);
    expect(line).to.contain(vb.ptyPath).and.contain('@57600 baud');
    expect(line).to.contain('no INFO answered HELLO within 1200 ms').and.contain('last bytes received: (nothing)');

    const r = await runCli(['run', '--config', cfg, '--target', 'board', '--suite', 'smoke', '--grep', 'smoke/silence', '--retries', '0']);
    expect(r.code, r.stderr).to.equal(2);
    const run = readdirSync(reportsDir).filter((d) => d !== 'latest').map((d) => JSON.parse(readFileSync(path.join(reportsDir, d, 'report.json'), 'utf8')) as RunReport).find((x) => x.cases.length === 1)!;
    const c = run.cases[0]!;
    expect(c.status).to.equal('error');
    expect(c.error?.code).to.equal('HANDSHAKE');
    expect(c.error?.message).to.contain(vb.ptyPath).and.contain('@57600 baud').and.contain('last bytes received');
    expect(run.target.port).to.equal(vb.ptyPath);
    expect(run.target.board?.flasher).to.equal('none');
  });

  it('firmware with another counter than the profile names is refused', async () => {
    const other = await startVirtualBoard();
    try {
      const cfg = config({ ...virtualBoardProfile(other), counter: 'dwt' });
      const r = await runCli(['run', '--config', cfg, '--target', 'board', '--suite', 'smoke', '--grep', 'smoke/silence']);
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr).to.contain('the firmware reports counter "icount", the profile expects "dwt" (targets.board.counter)');
    } finally {
      await other.stop();
    }
  });

  it('a profile that cannot work names the key to fix', async () => {
    const noServer = config({ kind: 'board', port: { path: vb.ptyPath }, flasher: { type: 'gdb' } });
    expect(oneLineError(await runCli(['flash', '--config', noServer, '--target', 'board']))).to.contain('targets.board.flasher.server: a gdb flasher needs the GDB server address');
    const badType = config({ kind: 'board', port: { path: vb.ptyPath }, flasher: { type: 'jtag' as 'gdb' } });
    expect(oneLineError(await runCli(['run', '--config', badType, '--target', 'board']))).to.contain('targets.board.flasher.type: "jtag" is not one of gdb, command, none');
    const noPort = config({ kind: 'board' });
    expect(oneLineError(await runCli(['info', '--config', noPort, '--target', 'board']))).to.contain('no serial port configured: set targets.board.port.path');
  });
});
