/**
 * Board pools (issue 15.1): several virtual bench boards (QEMU, each with its gdbstub and its UART
 * on a pty) as one target. `hil run --target <pool> --jobs N` flashes every board, spreads the
 * cases over them and names the board of every case; a board whose QEMU is killed mid-run is taken
 * out, its case retried on another board, and the run completes; a pool with no usable board is
 * one line, exit 2. Skipped (failing under CI) without qemu-system-arm or gdb-multiarch.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { expect } from 'chai';

import type { RunReport } from '../src/core/results.ts';
import { startVirtualBoard, virtualBoardProfile, type VirtualBoard } from '../src/targets/board/virtual-board.ts';
import { runCli } from './helpers/run-cli.ts';
import { runWithReport } from './helpers/run-report.ts';
import { REPO_DEFAULTS } from './helpers/temp-config.ts';

const HAVE_TOOLS = spawnSync('qemu-system-arm', ['--version'], { stdio: 'ignore' }).status === 0 && spawnSync('gdb-multiarch', ['--version'], { stdio: 'ignore' }).status === 0;

function boardsOf(r: RunReport): Map<string, number> {
  const n = new Map<string, number>();
  for (const c of r.cases) n.set(c.board!.name, (n.get(c.board!.name) ?? 0) + 1);
  return n;
}

describe('board pools: several virtual bench boards as one target (issue 15)', function () {
  this.timeout(300_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'hil-pool-'));
  const boards: VirtualBoard[] = [];
  const config = path.join(dir, 'hil.config.json');

  before(async function () {
    if (!HAVE_TOOLS) this.skip();
    for (let i = 0; i < 3; i++) boards.push(await startVirtualBoard());
    const [a, b, c] = boards.map((vb) => virtualBoardProfile(vb));
    writeFileSync(
      config,
      JSON.stringify({
        defaults: { ...REPO_DEFAULTS, reportsDir: path.join(dir, 'reports') },
        targets: {
          a,
          b,
          c,
          two: { kind: 'board', pool: ['a', 'b'] },
          three: { kind: 'board', pool: ['a', 'b', 'c'] },
          ghosts: { kind: 'board', pool: ['g1', 'g2'] },
          g1: { kind: 'board', port: { path: path.join(dir, 'no-such-tty-1') }, flasher: { type: 'none' }, reset: 'protocol' },
          g2: { kind: 'board', port: { path: path.join(dir, 'no-such-tty-2') }, flasher: { type: 'none' }, reset: 'protocol' },
        },
      }),
    );
  });
  after(async () => {
    for (const vb of boards) await vb.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('two boards, --jobs 2: every case bit-exact, each naming the board that ran it, both boards used', async () => {
    const r = await runWithReport(['--config', config, '--target', 'two', '--jobs', '2', '--suite', 'smoke']);
    expect(r.code, r.stderr.slice(-2000)).to.equal(0);
    expect(r.report.summary).to.include({ total: 4, passed: 4 });
    const used = boardsOf(r.report);
    expect([...used.keys()].sort()).to.deep.equal(['a', 'b']);
    for (const c of r.report.cases) expect(c.board!.port, c.id).to.equal(boards[c.board!.name === 'a' ? 0 : 1]!.ptyPath);
    expect(r.report.target.pool!.map((m) => [m.name, m.status, m.cases])).to.deep.equal([
      ['a', 'used', used.get('a')],
      ['b', 'used', used.get('b')],
    ]);
    expect(r.stderr).to.match(/PASS .*, on [ab][,)]/);
  });

  it('three boards, --jobs 3: the smoke suite bit-exact over all three', async () => {
    const r = await runWithReport(['--config', config, '--target', 'three', '--jobs', '3', '--suite', 'smoke']);
    expect(r.code, r.stderr.slice(-2000)).to.equal(0);
    expect(r.report.summary.passed).to.equal(4);
    expect(boardsOf(r.report).size).to.equal(3);
  });

  it('a pool with no usable board: one line naming each board, exit 2', async () => {
    const r = await runCli(['run', '--config', config, '--target', 'ghosts', '--suite', 'smoke']);
    expect(r.code).to.equal(2);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('hil: '));
    expect(lines, r.stderr).to.have.length(1);
    expect(lines[0]).to.match(/pool ghosts: no usable board: g1: preparing it failed: .*no-such-tty-1 does not exist.*; g2: preparing it failed/);
  });

  it("a board's QEMU killed mid-run: the board is taken out, its case finishes on the other, the run completes", async () => {
    const run = runWithReport(['--config', config, '--target', 'two', '--jobs', '2', '--suite', 'smoke', '--suite', 'edge']);
    await sleep(9000); // both boards are streaming by now (flash, then about 4 s a case)
    process.kill(boards[0]!.pid, 'SIGKILL');
    const r = await run;
    expect(r.code, r.stderr.slice(-3000)).to.equal(0);
    for (const c of r.report.cases) expect(c.status, c.id).to.equal('passed');
    const pool = r.report.target.pool!;
    expect(pool[0]).to.include({ name: 'a', status: 'out' });
    expect(pool[0]!.reason).to.be.a('string').and.not.equal('');
    expect(pool[1]).to.include({ name: 'b', status: 'used' });
    const moved = r.report.cases.filter((c) => (c.earlierAttempts?.length ?? 0) > 0);
    expect(moved.length, 'the case that was on board a').to.be.at.least(1);
    for (const c of moved) expect(c.board!.name, c.id).to.equal('b');
  });
});
