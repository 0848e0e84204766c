/**
 * Issue 8.6, fuzzing the C agent: the libFuzzer targets of firmware/agent/fuzz/ (the agent's
 * line and frame parser, sequencing and history; the frame codec) are built with clang
 * (-fsanitize=fuzzer,address,undefined) and run for a bounded time from the committed seed corpus
 * (generated from the canonical frames). No crash, sanitizer report or violated invariant may
 * show up; the executions are counted. Skipped only where clang is not installed at all.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { expect } from 'chai';

import { REPO_ROOT } from '../src/core/paths.ts';

const FIRMWARE = path.join(REPO_ROOT, 'firmware');
const FUZZ_BIN = path.join(FIRMWARE, 'build', 'fuzz');
const SEEDS = path.join(FIRMWARE, 'agent', 'fuzz', 'corpus');
/** Seconds per target: about a minute in all (the suite's time budget). */
const BUDGET: ReadonlyArray<readonly [string, string, number]> = [
  ['agent', 'agent', 20],
  ['agent-small', 'agent', 15],
  ['decode', 'decode', 15],
];
const HAVE_CLANG = spawnSync('clang', ['--version']).status === 0;

interface FuzzRun {
  readonly code: number | null;
  readonly executions: number;
  readonly log: string;
  readonly artifacts: string[];
}

function fuzz(target: string, seeds: string, seconds: number): Promise<FuzzRun> {
  const work = mkdtempSync(path.join(tmpdir(), `hil-fuzz-${target}-`));
  const corpus = path.join(work, 'corpus');
  const artifacts = path.join(work, 'artifacts');
  spawnSync('mkdir', ['-p', corpus, artifacts]);
  return new Promise((resolve, reject) => {
    const child = spawn(
      path.join(FUZZ_BIN, `fuzz-${target}`),
      [`-max_total_time=${seconds}`, '-max_len=16384', '-timeout=10', '-rss_limit_mb=2048', '-print_final_stats=1', `-artifact_prefix=${artifacts}/`, corpus, path.join(SEEDS, seeds)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let log = '';
    child.stdout.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-20_000)));
    child.stderr.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-20_000)));
    const guard = setTimeout(() => child.kill('SIGKILL'), (seconds + 60) * 1000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(guard);
      const executions = Number(/stat::number_of_executed_units:\s*(\d+)/.exec(log)?.[1] ?? 0);
      resolve({ code, executions, log, artifacts: readdirSync(artifacts) });
    });
  });
}

describe('reliability: fuzzing the C agent with libFuzzer (issue 8.6)', function () {
  this.timeout(180_000);
  const total: string[] = [];

  before(function () {
    if (!HAVE_CLANG) this.skip();
    const build = spawnSync('make', ['-C', FIRMWARE, '--no-print-directory', 'fuzz-build'], { encoding: 'utf8' });
    expect(build.status, `${build.stdout}\n${build.stderr}`).to.equal(0);
  });

  after(() => {
    if (total.length) process.stdout.write(`      fuzz executions: ${total.join(', ')}\n`);
  });

  it('the committed seed corpus is what gen-corpus.mjs makes from the canonical frames', () => {
    const r = spawnSync(process.execPath, [path.join(FIRMWARE, 'agent', 'fuzz', 'gen-corpus.mjs'), '--check'], { cwd: FIRMWARE, encoding: 'utf8' });
    expect(r.status, `${r.stdout}${r.stderr}`).to.equal(0);
    expect(readdirSync(path.join(SEEDS, 'agent')).length).to.be.at.least(20);
    expect(readdirSync(path.join(SEEDS, 'decode')).length).to.be.at.least(15);
  });

  for (const [target, seeds, seconds] of BUDGET) {
    it(`fuzz-${target}: ${seconds} s without a crash or a violated invariant`, async () => {
      const r = await fuzz(target, seeds, seconds);
      expect(r.artifacts, `crash inputs saved: ${r.artifacts.join(', ')}\n${r.log.slice(-3000)}`).to.deep.equal([]);
      expect(r.code, r.log.slice(-3000)).to.equal(0);
      expect(r.log).to.match(/Done \d+ runs in \d+ second/);
      expect(r.executions, 'executions').to.be.above(1000);
      total.push(`${target} ${r.executions}`);
    });
  }
});
