/**
 * Issue 8.3, harness interruption: SIGINT or SIGTERM in the middle of `hil run` writes the
 * report with the finished cases, marks it incomplete, exits 130 (SIGINT) or 143 (SIGTERM), and
 * leaves no child process (QEMU, simulator) behind. SIGINT during `hil flash` stops the flasher
 * (a command flasher, or gdb talking to a GDB server that never answers) and leaves no process.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import path from 'node:path';

import { expect } from 'chai';

import { builtinProfile } from '../src/config/builtin-profiles.ts';
import { REPO_ROOT } from '../src/core/paths.ts';
import type { RunReport } from '../src/core/results.ts';
import { descendants, stillRunning } from './helpers/processes.ts';
import { reportDirOf } from './helpers/run-report.ts';
import { HIL_BIN } from './helpers/run-cli.ts';
import { tempConfig } from './helpers/temp-config.ts';

const HAVE_QEMU = spawnSync('qemu-system-arm', ['--version']).status === 0;

interface Interrupted {
  readonly code: number | null;
  readonly stderr: string;
  readonly report: RunReport;
  readonly children: ReturnType<typeof descendants>;
}

/** Start `hil run`, wait until the first case has passed, send `sig`, collect the outcome. */
function interruptAfterFirstCase(args: string[], sig: NodeJS.Signals): Promise<Interrupted> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HIL_BIN, 'run', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let children: ReturnType<typeof descendants> = [];
    let sent = false;
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      // the first case passed and the second has started: a target is running right now
      if (!sent && /\] PASS /.test(stderr) && /\[2\/\d+\] start/.test(stderr)) {
        sent = true;
        children = descendants(child.pid!);
        child.kill(sig);
      }
    });
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(guard);
      try {
        const dir = reportDirOf(stdout);
        const report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as RunReport;
        resolve({ code, stderr, report, children });
      } catch (e) {
        reject(new Error(`${(e as Error).message}; exit ${code}; stderr: ${stderr.slice(-1500)}`));
      }
    });
  });
}

function expectIncomplete(r: Interrupted, code: number, childName: RegExp): void {
  expect(r.code, r.stderr).to.equal(code);
  expect(r.stderr).to.match(/stopping; finished cases are kept and the report is marked incomplete/);
  expect(r.report.complete).to.equal(false);
  expect(r.report.status).to.equal('incomplete');
  const passed = r.report.cases.filter((c) => c.status === 'passed');
  const skipped = r.report.cases.filter((c) => c.status === 'skipped');
  expect(passed.length, 'the finished case is kept').to.be.at.least(1);
  expect(passed[0]!.output?.mismatches).to.equal(0);
  expect(skipped.length, 'cases not run are marked skipped').to.be.at.least(1);
  expect(passed.length + skipped.length).to.equal(r.report.cases.length);
  expect(r.children.map((c) => c.cmdline).join('\n'), 'a target was running when the signal came').to.match(childName);
  const survivors = r.children.filter(stillRunning);
  expect(survivors.map((c) => `${c.pid} ${c.cmdline}`), 'child processes left behind').to.deep.equal([]);
}

describe('reliability: SIGINT / SIGTERM mid-run (issue 8.3)', function () {
  this.timeout(90_000);

  it('SIGINT on qemu: exit 130, incomplete report with the finished cases, no QEMU left', async function () {
    if (!HAVE_QEMU || !existsSync(builtinProfile('qemu').firmware)) this.skip();
    const { config } = tempConfig();
    const r = await interruptAfterFirstCase(['--config', config, '--target', 'qemu', '--suite', 'speech', 'smoke', 'edge', '--jobs', '1'], 'SIGINT');
    expectIncomplete(r, 130, /qemu-system-arm .*hil-qemu-model-s-semihost\.elf/);
  });

  it('SIGTERM on sim: exit 143, the same guarantees, no simulator left', async function () {
    if (!existsSync(builtinProfile('sim').firmware)) this.skip();
    const { config } = tempConfig();
    // a soak run keeps each case long enough for the signal to land mid-run
    const r = await interruptAfterFirstCase(['--config', config, '--target', 'sim', '--suite', 'smoke', 'speech', '--jobs', '1', '--fault-rate', '1e-3'], 'SIGTERM');
    expectIncomplete(r, 143, /hil-sim-model-s/);
  });
});

/** Start `hil flash`, wait until a process matching `tool` runs under it, send SIGINT. */
function interruptFlash(config: string, tool: RegExp): Promise<{ code: number | null; stderr: string; children: ReturnType<typeof descendants> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HIL_BIN, 'flash', '--config', config, '--target', 'board'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let children: ReturnType<typeof descendants> = [];
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const poll = setInterval(() => {
      const now = descendants(child.pid!);
      if (now.some((c) => tool.test(c.cmdline))) {
        clearInterval(poll);
        children = now;
        child.kill('SIGINT');
      }
    }, 50);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(guard);
      clearInterval(poll);
      resolve({ code, stderr, children });
    });
  });
}

describe('reliability: SIGINT during hil flash (issue 8.3)', function () {
  this.timeout(90_000);
  const image = builtinProfile('qemu', 'qemu', 'model-s').firmware;

  function expectStopped(r: Awaited<ReturnType<typeof interruptFlash>>, tool: RegExp): void {
    expect(r.code, r.stderr).to.equal(130);
    expect(r.stderr).to.match(/hil: flashing .* was interrupted/);
    expect(r.stderr, 'no stack trace').not.to.match(/\n\s+at /);
    expect(r.children.map((c) => c.cmdline).join('\n'), 'the flasher was running when the signal came').to.match(tool);
    expect(r.children.filter(stillRunning).map((c) => `${c.pid} ${c.cmdline}`), 'processes left behind').to.deep.equal([]);
  }

  it('command flasher: the tool is stopped, exit 130, nothing left running', async function () {
    if (!existsSync(image)) this.skip();
    const argv = [process.execPath, '-e', 'setTimeout(() => {}, 600000) /* hil-test-hanging-flasher */', '{elf}'];
    const { config } = tempConfig({ targets: { board: { kind: 'board', firmware: image, port: { path: '/dev/null' }, flasher: { type: 'command', argv }, reset: 'none' } } });
    expectStopped(await interruptFlash(config, /hil-test-hanging-flasher/), /hil-test-hanging-flasher/);
  });

  it('gdb flasher against a GDB server that never answers: gdb is stopped, exit 130', async function () {
    if (!existsSync(image) || spawnSync('gdb-multiarch', ['--version']).status !== 0) this.skip();
    const sockets: Socket[] = [];
    const server = createServer((s) => {
      sockets.push(s);
      s.on('data', () => {}); // accept and read, never answer
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      const flasher = { type: 'gdb' as const, server: `127.0.0.1:${port}`, timeoutMs: 60_000 };
      const { config } = tempConfig({ targets: { board: { kind: 'board', firmware: image, port: { path: '/dev/null' }, flasher, reset: 'none' } } });
      expectStopped(await interruptFlash(config, /gdb-multiarch/), /gdb-multiarch/);
    } finally {
      for (const s of sockets) s.destroy();
      server.close();
    }
  });
});
