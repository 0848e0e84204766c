/**
 * A board in a labgrid place (issue 15.3), as real as this machine allows: Debian 12's labgrid
 * 0.4.1 — its coordinator component, its exporter (which serves the board's pty through ser2net as
 * RFC 2217) and its client — around the virtual bench board. labgrid 0.4.1's coordinator runs
 * inside crossbar, which Debian does not package, so the WAMP router is the minimal one in
 * helpers/wamp-router.ts; everything else is labgrid's own code. hil acquires the place, reads its
 * NetworkSerialPort, runs the smoke suite bit-exact through it, and releases the place at the end,
 * on failure and on SIGINT. A busy place, a place that does not exist and a coordinator that is
 * down are one line each, exit 2. Skipped (failing under CI) without labgrid, ser2net or QEMU.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { expect } from 'chai';

import { startVirtualBoard, virtualBoardProfile, type VirtualBoard } from '../src/targets/board/virtual-board.ts';
import { HIL_BIN, runCli } from './helpers/run-cli.ts';
import { runWithReport } from './helpers/run-report.ts';
import { HAVE_SER2NET } from './helpers/ser2net.ts';
import { startWampRouter, type WampRouter } from './helpers/wamp-router.ts';
import { REPO_DEFAULTS } from './helpers/temp-config.ts';

const PY = '/usr/bin/python3';
const HAVE_LABGRID = existsSync(PY) && spawnSync(PY, ['-c', 'import labgrid.remote.client, labgrid.remote.coordinator, labgrid.remote.exporter'], { stdio: 'ignore' }).status === 0;
const HAVE_QEMU = spawnSync('qemu-system-arm', ['--version'], { stdio: 'ignore' }).status === 0;
const CLIENT = [PY, '-m', 'labgrid.remote.client'];

/** labgrid-client, asynchronously: the WAMP router runs in this process and must keep serving. */
function lg(url: string, args: string[], env: Record<string, string> = {}, timeout = 30_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    execFile(CLIENT[0]!, [...CLIENT.slice(1), '-x', url, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout }, (e, stdout, stderr) => {
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, out: `${stdout}${stderr}` });
    });
  });
}

async function until(what: string, ok: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

describe('labgrid: a virtual bench board in a labgrid place (issue 15)', function () {
  this.timeout(300_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'hil-labgrid-'));
  const config = path.join(dir, 'hil.config.json');
  let router: WampRouter | undefined;
  let coordinator: ChildProcess | undefined;
  let exporter: ChildProcess | undefined;
  let vb: VirtualBoard | undefined;
  let url = '';
  let pdu: Server | undefined;
  const pduRequests: string[] = [];

  before(async function () {
    if (!HAVE_LABGRID || !HAVE_SER2NET || !HAVE_QEMU) this.skip();
    router = await startWampRouter();
    url = router.url;
    coordinator = spawn(PY, ['-c', `from autobahn.asyncio.wamp import ApplicationRunner\nfrom labgrid.remote.coordinator import CoordinatorComponent\nApplicationRunner(${JSON.stringify(url)}, 'realm1').run(CoordinatorComponent)`], { cwd: dir, stdio: 'ignore' });
    // a client that joins before the coordinator has registered its procedures hangs: probe briefly
    await until('the coordinator', async () => (await lg(url, ['places'], {}, 5000)).code === 0, 90_000);
    vb = await startVirtualBoard();
    // the place's power: a "simplerest" power switch whose power-on resets the virtual board
    pdu = createServer((req, res) => {
      pduRequests.push(req.url ?? '');
      if (req.url === '/relay/0/1') void vb!.qmp.systemReset().catch(() => undefined);
      res.end(req.url === '/relay/0' ? '1' : '');
    });
    await new Promise<void>((resolve) => pdu!.listen(0, '127.0.0.1', resolve));
    const pduPort = (pdu.address() as AddressInfo).port;
    writeFileSync(
      path.join(dir, 'exporter.yaml'),
      `bench:\n  RawSerialPort:\n    port: ${realpathSync(vb.ptyPath)}\n    speed: 115200\n  NetworkPowerPort:\n    model: simplerest\n    host: 'http://127.0.0.1:${pduPort}/relay/{index}/{value}'\n    index: 0\n`,
    );
    exporter = spawn(PY, ['-m', 'labgrid.remote.exporter', '-x', url, '-n', 'lab-pi', '--hostname', '127.0.0.1', path.join(dir, 'exporter.yaml')], { cwd: dir, stdio: 'ignore' });
    await until('the exporter', async () => (await lg(url, ['resources'], {}, 5000)).out.includes('lab-pi/bench/NetworkSerialPort'), 90_000);
    expect((await lg(url, ['-p', 'bench-1', 'create'])).code).to.equal(0);
    expect((await lg(url, ['-p', 'bench-1', 'add-match', 'lab-pi/bench/*'])).code).to.equal(0);
    const { port: _port, ...board } = virtualBoardProfile(vb);
    writeFileSync(
      config,
      JSON.stringify({
        defaults: { ...REPO_DEFAULTS, reportsDir: path.join(dir, 'reports') },
        targets: {
          lab: { ...board, labgrid: { place: 'bench-1', coordinator: url, client: CLIENT } },
          'lab-power': { ...board, reset: 'power', labgrid: { place: 'bench-1', coordinator: url, client: CLIENT } },
          nowhere: { ...board, labgrid: { place: 'no-such-place', coordinator: url, client: CLIENT } },
          down: { ...board, labgrid: { place: 'bench-1', coordinator: 'ws://127.0.0.1:9/ws', client: CLIENT } },
        },
      }),
    );
  });
  after(async () => {
    pdu?.close();
    exporter?.kill('SIGTERM');
    coordinator?.kill('SIGTERM');
    await vb?.stop();
    await router?.close();
    await sleep(500);
    exporter?.kill('SIGKILL');
    coordinator?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  const released = async () => /acquired: None/.test((await lg(url, ['-p', 'bench-1', 'show'])).out);

  it('acquires the place, runs the smoke suite bit-exact over its RFC 2217 port, releases the place', async () => {
    const r = await runWithReport(['--config', config, '--target', 'lab', '--suite', 'smoke']);
    expect(r.code, r.stderr.slice(-2000)).to.equal(0);
    expect(r.report.summary.passed).to.equal(4);
    expect(r.report.target.labgrid).to.include({ place: 'bench-1', coordinator: url, released: true });
    expect(r.report.target.labgrid!.port).to.match(/^rfc2217:\/\/127\.0\.0\.1:\d+$/);
    expect(r.report.target.port).to.equal(r.report.target.labgrid!.port);
    expect(await released(), 'the place is free afterwards').to.equal(true);
  });

  it('reset "power": the place\'s power resource power-cycles the board (labgrid-client power cycle), then bit-exact', async () => {
    pduRequests.length = 0;
    const r = await runWithReport(['--config', config, '--target', 'lab-power', '--suite', 'smoke']);
    expect(r.code, r.stderr.slice(-2000)).to.equal(0);
    expect(r.report.summary.passed).to.equal(4);
    expect(r.report.target.board!.reset).to.equal('power');
    expect(pduRequests, 'off, then on').to.include.members(['/relay/0/0', '/relay/0/1']);
    expect(pduRequests.indexOf('/relay/0/0')).to.be.below(pduRequests.lastIndexOf('/relay/0/1'));
    expect(await released()).to.equal(true);
  });

  it('a place another user holds is busy: one line naming the owner, exit 2, the place still theirs', async () => {
    expect((await lg(url, ['-p', 'bench-1', 'acquire'], { LG_USERNAME: 'alice' })).code).to.equal(0);
    try {
      const r = await runCli(['run', '--config', config, '--target', 'lab', '--suite', 'smoke']);
      expect(r.code).to.equal(2);
      const lines = r.stderr.split('\n').filter((l) => l.startsWith('hil: '));
      expect(lines, r.stderr).to.have.length(1);
      expect(lines[0]).to.match(/labgrid place bench-1 .*: it is busy: acquired by \S+\/alice/);
    } finally {
      await lg(url, ['-p', 'bench-1', 'release'], { LG_USERNAME: 'alice' });
    }
    expect(await released()).to.equal(true);
  });

  it('a place that does not exist and a coordinator that is down: one line each, exit 2', async () => {
    const a = await runCli(['run', '--config', config, '--target', 'nowhere', '--suite', 'smoke']);
    expect(a.code).to.equal(2);
    expect(a.stderr).to.match(/labgrid place no-such-place .*: it does not exist on the coordinator/);
    const b = await runCli(['run', '--config', config, '--target', 'down', '--suite', 'smoke']);
    expect(b.code).to.equal(2);
    expect(b.stderr).to.match(/labgrid place bench-1 \(ws:\/\/127\.0\.0\.1:9\/ws\): the coordinator ws:\/\/127\.0\.0\.1:9\/ws is not reachable/);
  });

  it('SIGINT mid-run: exit 130 and the place released', async () => {
    const child = spawn(process.execPath, [HIL_BIN, 'run', '--config', config, '--target', 'lab', '--suite', 'smoke'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    await until('the first case to start', async () => /\] start /.test(err), 60_000);
    await sleep(1500);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
    expect(code, err).to.equal(130);
    expect(await released(), 'released on SIGINT').to.equal(true);
  });
});
