/**
 * Issue 8.5, a hostile device (harness/test/fixtures/hostile-device.ts as the sim firmware):
 * endless bytes without a newline, 1 MiB lines, frames that lie about their length, RESULTs of
 * the wrong size, and identity strings, log lines and FAULT fields made of HTML and script. The
 * harness's memory must stay bounded whatever the device sends, the session must fail with one
 * clear line, and every report must show the device's strings escaped, never as markup.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { expect } from 'chai';

import { REPO_ROOT } from '../src/core/paths.ts';
import type { RunReport } from '../src/core/results.ts';
import { HIL_BIN, type CliResult } from './helpers/run-cli.ts';
import { runWithReport } from './helpers/run-report.ts';
import { tempConfig } from './helpers/temp-config.ts';

const HOSTILE = path.join(REPO_ROOT, 'harness', 'test', 'fixtures', 'hostile-device.mjs');
/** The harness may use at most this much memory (peak RSS) whatever the device sends. */
const RSS_BOUND_KB = 256 * 1024;

/** Run the CLI, sampling its peak resident set size (VmHWM) from /proc while it runs. */
function runMeasured(args: string[], env: Record<string, string>): Promise<CliResult & { peakKb: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HIL_BIN, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peakKb = 0;
    const sample = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        /* exited */
      }
    }, 25);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      clearInterval(sample);
      resolve({ code, stdout, stderr, peakKb });
    });
  });
}

/** The report.json of a `hil run` whose last stdout line names its report.html. */
function reportOf(r: CliResult): RunReport {
  const last = r.stdout.trim().split('\n').pop() ?? '';
  expect(last, r.stderr).to.match(/report\.html$/);
  return JSON.parse(readFileSync(path.join(path.dirname(path.resolve(REPO_ROOT, last)), 'report.json'), 'utf8')) as RunReport;
}

function oneLine(r: CliResult): string {
  expect(r.code, r.stderr).to.equal(2);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).to.have.length(1);
  expect(r.stderr).not.to.match(/\n\s+at /);
  return lines[0]!;
}

describe('reliability: a hostile device (issue 8.5)', function () {
  this.timeout(60_000);
  before(function () {
    if (!existsSync(path.join(REPO_ROOT, 'node_modules', 'tsx'))) this.skip();
  });

  it('endless bytes without a newline: bounded memory over gigabytes, a clear HANDSHAKE error', async () => {
    const r = await runMeasured(['info', '--target', 'sim', '--firmware', HOSTILE, '--handshake-timeout', '4000'], { HIL_HOSTILE_MODE: 'endless' });
    const line = oneLine(r);
    expect(line).to.match(/hostile-device\.mjs: no INFO answered HELLO within 4000 ms/).and.contain('lines over the 8192-byte limit, cut and discarded');
    const received = Number(/received (\d+) bytes/.exec(line)?.[1]);
    // more bytes than the memory bound: had they been kept, the peak RSS would exceed it (how many
    // more depends on how fast this machine is, so no multiple of the bound is asserted)
    expect(received, 'the device really flooded the link').to.be.above(RSS_BOUND_KB * 1024);
    expect(r.peakKb, 'peak RSS sampled').to.be.above(0);
    expect(r.peakKb, `peak RSS ${r.peakKb} kB while receiving ${received} bytes`).to.be.below(RSS_BOUND_KB);
    process.stdout.write(`      endless: ${(received / 1e9).toFixed(1)} GB received, peak RSS ${(r.peakKb / 1024).toFixed(0)} MiB\n`);
  });

  it('1 MiB lines and frames lying about their length: bounded memory, counted as corrupt', async () => {
    const r = await runMeasured(['info', '--target', 'sim', '--firmware', HOSTILE, '--handshake-timeout', '4000'], { HIL_HOSTILE_MODE: 'oversize' });
    const line = oneLine(r);
    const m = /received (\d+) bytes: (\d+) lines over the 8192-byte limit, cut and discarded, (\d+) corrupt protocol lines/.exec(line);
    expect(m, line).to.not.equal(null);
    expect(Number(m![2])).to.be.above(10);
    expect(Number(m![3]), 'the lying frames are corrupt too').to.be.above(Number(m![2]));
    expect(r.peakKb).to.be.above(0).and.below(RSS_BOUND_KB);
    process.stdout.write(`      oversize: ${(Number(m![1]) / 1e9).toFixed(1)} GB received, peak RSS ${(r.peakKb / 1024).toFixed(0)} MiB\n`);
  });

  for (const mode of ['v2-endless', 'v2-oversize'] as const) {
    it(`framing v2, ${mode === 'v2-endless' ? 'a frame that never ends' : '1 MiB frames'}: bounded memory, the case an error naming the silence`, async () => {
      const r = await runMeasured(['run', '--config', tempConfig({}, 'hil-hostile-v2-').config, '--target', 'sim', '--firmware', HOSTILE, '--suite', 'smoke', '--grep', 'smoke/impulse', '--retries', '0'], { HIL_HOSTILE_MODE: mode });
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr).not.to.match(/\n\s+at /);
      expect(r.stderr).to.match(/smoke\/impulse/);
      expect(r.peakKb).to.be.above(0).and.below(RSS_BOUND_KB);
      const report = reportOf(r);
      expect(report.device?.framing, 'the session was in framing v2').to.equal(2);
      // no unit it sends is a frame: the session hears nothing and says so
      expect(report.cases[0]!.status).to.equal('error');
      expect(report.cases[0]!.error?.message).to.match(/the device stopped answering/).and.match(/last bytes received: "…ZZZZ/);
      process.stdout.write(`      ${mode}: peak RSS ${(r.peakKb / 1024).toFixed(0)} MiB\n`);
    });
  }

  it('a flood of long log lines: the device log is capped, memory bounded', async () => {
    const r = await runMeasured(['info', '--target', 'sim', '--firmware', HOSTILE, '--handshake-timeout', '4000'], { HIL_HOSTILE_MODE: 'log-flood' });
    const line = oneLine(r);
    const received = Number(/received (\d+) bytes/.exec(line)?.[1]);
    expect(received, 'more log bytes than the memory bound').to.be.above(RSS_BOUND_KB * 1024);
    expect(r.peakKb).to.be.above(0).and.below(RSS_BOUND_KB);
    process.stdout.write(`      log flood: ${(received / 1e9).toFixed(1)} GB of log lines, peak RSS ${(r.peakKb / 1024).toFixed(0)} MiB\n`);
  });

  it('RESULTs of the wrong size: a PROTOCOL error naming the frame, the case errors, exit 2', async () => {
    const { config } = tempConfig({}, 'hil-hostile-cfg-');
    const r = await runWithReport(['--config', config, '--target', 'sim', '--firmware', HOSTILE, '--suite', 'smoke', '--grep', 'smoke/tone-1k', '--retries', '0'], { HIL_HOSTILE_MODE: 'bad-result' });
    expect(r.code, r.stderr).to.equal(2);
    const c = r.report.cases[0]!;
    expect(c.status).to.equal('error');
    expect(c.error!.code).to.equal('PROTOCOL');
    expect(c.error!.message).to.contain('RESULT for frame 0 has 7 samples, expected 160');
  });

  it('HTML and script in identity, log lines and FAULT fields appear escaped in every report', async () => {
    const { config } = tempConfig({}, 'hil-hostile-cfg-');
    const r = await runWithReport(['--config', config, '--target', 'sim', '--firmware', HOSTILE, '--suite', 'smoke', '--retries', '0'], { HIL_HOSTILE_MODE: 'html' });
    expect(r.code, r.stderr).to.equal(2); // gain-model output against model-S goldens, and two FAULTs
    const raw = ['<script>alert("hil")</script>', '<img src=x onerror=alert(1)>', '<b>bold</b>', 'b<i>1</i>'];
    // the device's strings did reach the report...
    expect(r.report.device!.fw).to.equal(`fw${raw[0]}`);
    const faulted = r.report.cases.filter((c) => c.error?.fault?.kind === 'crash');
    expect(faulted.length).to.be.at.least(1);
    expect(faulted[0]!.error!.fault!.detail).to.contain(raw[0]);
    expect(r.report.cases.some((c) => c.deviceLog.some((l) => l.text.includes(raw[1]!)))).to.equal(true);
    // ...and no renderer let them through as markup
    const html = r.html;
    // Markdown code spans show their content literally (CommonMark: no HTML inside them)
    const md = readFileSync(path.join(r.dir, 'summary.md'), 'utf8').replace(/(`+)(?:(?!\1).)*?\1/g, '<code span>');
    const junit = readFileSync(path.join(r.dir, 'junit.xml'), 'utf8');
    for (const s of raw) {
      expect(html, `report.html contains ${s}`).not.to.contain(s);
      expect(md, `summary.md contains ${s} outside a code span`).not.to.contain(s);
      expect(junit, `junit.xml contains ${s}`).not.to.contain(s);
    }
    expect(html, 'no script or img element at all').not.to.match(/<script|<img/i);
    expect(html).to.contain('fw&lt;script&gt;alert(&quot;hil&quot;)&lt;/script&gt;');
    expect(html).to.contain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html, 'the fault detail, escaped').to.contain('hard&lt;script&gt;');
    expect(md).to.contain('&lt;script&gt;');
    expect(junit).to.contain('&lt;script&gt;');
  });
});
