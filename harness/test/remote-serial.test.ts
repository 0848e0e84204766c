/**
 * Remote serial ports through a real ser2net (issue 15.2): raw TCP (tcp://) and RFC 2217
 * (rfc2217://, TELNET with the COM-PORT-OPTION) in front of a pseudo-terminal on 127.0.0.1.
 *  - 0xFF runs travel intact both ways (TELNET doubles them on the wire; the client undoubles),
 *    between a socat pty pair served by ser2net and the client link;
 *  - the virtual bench board behind ser2net runs the smoke suite bit-exact over both;
 *  - ser2net restarted mid-run: the case meets a LINK error naming host:port, is retried after
 *    reconnecting, and the run completes;
 *  - a refused port and a server that does not speak RFC 2217: one line, exit 2.
 * Skipped (and so failing under CI) when ser2net, socat or qemu-system-arm is missing.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { expect } from 'chai';

import { HarnessError } from '../src/core/errors.ts';
import { openRemotePort, parsePortUrl } from '../src/transport/remote-serial-link.ts';
import { openSerialPort, type SerialLink } from '../src/transport/serial-port-link.ts';
import { startVirtualBoard, virtualBoardProfile, type VirtualBoard } from '../src/targets/board/virtual-board.ts';
import { runWithReport } from './helpers/run-report.ts';
import { runCli } from './helpers/run-cli.ts';
import { REPO_DEFAULTS } from './helpers/temp-config.ts';
import { HAVE_SER2NET, startSer2net, type Ser2net } from './helpers/ser2net.ts';

const HAVE_SOCAT = spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0;
const HAVE_QEMU = spawnSync('qemu-system-arm', ['--version'], { stdio: 'ignore' }).status === 0;

/** Bytes full of 0xFF runs (single, doubled, long), IAC-like sequences and every byte value. */
function nasty(n: number, salt: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 37 + salt) & 0xff;
  for (let i = 0; i + 64 < n; i += 97) b.fill(0xff, i, i + 1 + (i % 40));
  b.set([0xff, 0xfa, 0x2c, 0x01, 0xff, 0xf0, 0xff, 0xfb, 0x00], Math.min(9, n - 9));
  return b;
}

/** ser2net keeps a device a moment after the previous connection to it closed ("in use"). */
async function openRetrying(url: string): Promise<SerialLink> {
  for (let i = 0; ; i++) {
    try {
      return await openRemotePort(parsePortUrl(url)!, { baudRate: 115200, negotiateTimeoutMs: 5000 });
    } catch (e) {
      if (i >= 10 || !(e instanceof HarnessError) || e.context.transient !== true) throw e;
      await sleep(300);
    }
  }
}

function collect(stream: NodeJS.ReadableStream, n: number, ms: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let got = 0;
    const timer = setTimeout(() => reject(new Error(`got ${got} of ${n} bytes within ${ms} ms`)), ms);
    const on = (d: Buffer) => {
      parts.push(d);
      got += d.length;
      if (got >= n) {
        clearTimeout(timer);
        stream.off('data', on);
        resolve(Buffer.concat(parts));
      }
    };
    stream.on('data', on);
  });
}

describe('remote serial ports through a real ser2net: tcp:// and rfc2217:// (issue 15)', function () {
  this.timeout(180_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'hil-ser2net-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe('0xFF runs both ways, between a pty pair and the client', () => {
    before(function () {
      if (!HAVE_SER2NET || !HAVE_SOCAT) this.skip();
    });

    // each scheme gets its own pty pair and ser2net: one device is never shared by two accepters
    for (const scheme of ['tcp', 'rfc2217'] as const) {
      it(`${scheme}://: 8 KiB with 0xFF runs arrive intact each way`, async () => {
        const a = path.join(dir, `pty-${scheme}-a`);
        const b = path.join(dir, `pty-${scheme}-b`);
        const socat = spawn('socat', [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: 'ignore' });
        let server: Ser2net | undefined;
        let local: SerialLink | undefined;
        let link: SerialLink | undefined;
        try {
          for (let i = 0; i < 100 && !(existsSync(a) && existsSync(b)); i++) await sleep(50);
          server = await startSer2net(a, dir);
          local = await openSerialPort(b, { baudRate: 115200 });
          link = await openRetrying(`${scheme}://127.0.0.1:${scheme === 'tcp' ? server.raw : server.rfc2217}`);
          const down = nasty(8192, 3);
          const atDevice = collect(local.input, down.length, 20_000);
          link.output.write(down);
          expect((await atDevice).equals(down), 'host -> device').to.equal(true);
          const up = nasty(8192, 11);
          const atHost = collect(link.input, up.length, 20_000);
          local.output.write(up);
          expect((await atHost).equals(up), 'device -> host').to.equal(true);
        } finally {
          await link?.close();
          await local?.close();
          await server?.stop();
          socat.kill();
        }
      });
    }
  });

  describe('the virtual bench board behind ser2net', () => {
    let vb: VirtualBoard | undefined;
    let server: Ser2net | undefined;
    let config = '';

    before(async function () {
      if (!HAVE_SER2NET || !HAVE_QEMU) this.skip();
      vb = await startVirtualBoard();
      server = await startSer2net(vb.ptyPath, dir);
      config = path.join(dir, 'hil.config.json');
      writeFileSync(config, JSON.stringify({ defaults: { ...REPO_DEFAULTS, reportsDir: path.join(dir, 'reports') }, targets: { board: virtualBoardProfile(vb) } }, null, 2));
    });
    after(async () => {
      await server?.stop();
      await vb?.stop();
    });

    for (const scheme of ['tcp', 'rfc2217'] as const) {
      it(`${scheme}://: flashed over GDB RSP, the smoke suite bit-exact, the report naming the remote port`, async () => {
        const url = `${scheme}://127.0.0.1:${scheme === 'tcp' ? server!.raw : server!.rfc2217}`;
        const r = await runWithReport(['--config', config, '--target', 'board', '--port', url, '--suite', 'smoke']);
        expect(r.code, r.stderr.slice(-2000)).to.equal(0);
        expect(r.report.summary).to.include({ total: 4, passed: 4 });
        expect(r.report.target.port).to.equal(url);
        expect(r.report.target.board!.port).to.include({ path: url, matchedBy: 'url' });
        for (const c of r.report.cases) expect(c.output!.status, c.id).to.equal('pass');
      });
    }

    it('ser2net restarted mid-run: a LINK error naming host:port, the case retried after reconnecting, the run complete', async () => {
      const url = `rfc2217://127.0.0.1:${server!.rfc2217}`;
      const run = runWithReport(['--config', config, '--target', 'board', '--port', url, '--suite', 'smoke', '--retries', '2']);
      await sleep(6000); // the run is streaming by now (flash, then about 4 s a case)
      const ports = { raw: server!.raw, rfc2217: server!.rfc2217 };
      await server!.stop();
      server = await startSer2net(vb!.ptyPath, dir, ports);
      const r = await run;
      expect(r.code, r.stderr.slice(-2000)).to.equal(0);
      const retried = r.report.cases.filter((c) => (c.earlierAttempts?.length ?? 0) > 0);
      expect(retried.length, 'a case was retried').to.be.at.least(1);
      expect(retried[0]!.earlierAttempts![0]!.message).to.include(`127.0.0.1:${ports.rfc2217}`);
      for (const c of r.report.cases) expect(c.status, c.id).to.equal('passed');
    });

    it('a refused port and a server that does not speak RFC 2217: one line each, exit 2', async () => {
      const refused = await runCli(['run', '--config', config, '--target', 'board', '--port', 'tcp://127.0.0.1:9', '--suite', 'smoke']);
      expect(refused.code).to.equal(2);
      expect(refused.stderr).to.match(/^hil: board: cannot connect to tcp:\/\/127\.0\.0\.1:9: connection refused/m);
      expect(refused.stderr.split('\n').filter((l) => l.startsWith('hil: '))).to.have.length(1);
      const notTelnet = await runCli(['run', '--config', config, '--target', 'board', '--port', `rfc2217://127.0.0.1:${server!.raw}`, '--suite', 'smoke']);
      expect(notTelnet.code).to.equal(2);
      expect(notTelnet.stderr).to.match(/did not confirm the line settings within 3000 ms/);
      const badUrl = await runCli(['run', '--config', config, '--target', 'board', '--port', 'udp://127.0.0.1:1', '--suite', 'smoke']);
      expect(badUrl.code).to.equal(2);
      expect(badUrl.stderr).to.match(/unknown scheme udp:\/\/ \(expected tcp:\/\/host:port or rfc2217:\/\/host:port\)/);
      expect(readFileSync(config, 'utf8')).to.include('"board"');
      // a server that accepts and then says nothing: hil info gives up within its handshake timeout
      const silent = createServer(() => undefined);
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      try {
        const port = (silent.address() as AddressInfo).port;
        const cfg = path.join(dir, 'silent.json');
        writeFileSync(cfg, JSON.stringify({ defaults: REPO_DEFAULTS, targets: { board: { kind: 'board', port: { url: `tcp://127.0.0.1:${port}` }, flasher: { type: 'none' }, reset: 'protocol', handshakeTimeoutMs: 1500 } } }));
        const quiet = await runCli(['info', '--config', cfg, '--target', 'board']);
        expect(quiet.code).to.equal(2);
        expect(quiet.stderr.trim().split('\n')).to.have.length(1);
        expect(quiet.stderr).to.include(`board on tcp://127.0.0.1:${port} @921600 baud`).and.include('no INFO answered HELLO within 1500 ms');
      } finally {
        silent.close();
      }
    });
  });
});
