/**
 * Issue 8.7, no shell: every external command runs from an argv array, so configuration values
 * full of shell metacharacters reach the tool verbatim and run nothing. Shown end to end with a
 * stand-in tool that records its argv (fixtures/argv-recorder.mjs) in place of QEMU and gdb, a real
 * simulator at a path made of metacharacters, and the command flasher; plus a scan of the sources
 * for shell-using APIs.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { expect } from 'chai';

import { builtinProfile } from '../src/config/builtin-profiles.ts';
import { REPO_ROOT } from '../src/core/paths.ts';
import { HarnessError } from '../src/core/errors.ts';
import { createCommandFlasher } from '../src/flash/command-flasher.ts';
import { createGdbFlasher } from '../src/flash/gdb-flasher.ts';
import { writeGainSuite } from './helpers/gain-suite.ts';
import { runCli } from './helpers/run-cli.ts';
import { runWithReport } from './helpers/run-report.ts';
import { tempConfig } from './helpers/temp-config.ts';

const RECORDER = path.join(REPO_ROOT, 'harness', 'test', 'fixtures', 'argv-recorder.mjs');
const QEMU_ELF = builtinProfile('qemu', 'qemu', 'gain').firmware;
const SIM_GAIN = builtinProfile('sim', 'sim', 'gain').firmware;

describe('reliability: no shell anywhere (issue 8.7)', function () {
  this.timeout(60_000);
  const tmp = mkdtempSync(path.join(tmpdir(), 'hil-noshell-'));
  const pwned = (n: number): string => path.join(tmp, `pwned-${n}`);
  /** Values a shell would act on: separators, substitutions, quotes, redirections, globs. */
  const hostile = [`; touch ${pwned(1)}`, `$(touch ${pwned(2)})`, `\`touch ${pwned(3)}\``, `a && touch ${pwned(4)} | cat > ${pwned(5)}`, `it's "quoted" * ?`];
  const weirdDir = path.join(tmp, `dir; touch ${pwned(6)} $(touch ${pwned(7)}) \`x\` & 'q'`);
  mkdirSync(weirdDir, { recursive: true });

  afterEach(() => {
    for (let i = 1; i <= 9; i++) expect(existsSync(pwned(i)), `${pwned(i)} was created: a shell ran`).to.equal(false);
  });

  it('qemu: the binary, extraArgs and firmware path from the config arrive verbatim', async function () {
    if (!existsSync(QEMU_ELF)) this.skip();
    const firmware = path.join(weirdDir, 'hil-qemu-gain-semihost.elf');
    copyFileSync(QEMU_ELF, firmware);
    const log = path.join(tmp, 'qemu-argv.jsonl');
    const { config } = tempConfig({ targets: { emu: { kind: 'qemu', firmware, qemu: { binary: RECORDER, extraArgs: hostile } } } });
    const r = await runCli(['run', '--config', config, '--target', 'emu', '--suite', 'smoke', '--grep', 'smoke/tone-1k', '--retries', '0'], { HIL_ARGV_LOG: log });
    expect(r.code, r.stderr).to.equal(2); // the stand-in "QEMU" fails on purpose
    const calls = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { argv: string[] });
    expect(calls).to.have.length(1);
    const argv = calls[0]!.argv;
    expect(argv.slice(-hostile.length), 'extraArgs, last and verbatim').to.deep.equal(hostile);
    expect(argv[argv.indexOf('-kernel') + 1]).to.equal(firmware);
  });

  it('sim: a firmware path full of metacharacters runs the real simulator, bit-exact', async function () {
    if (!existsSync(SIM_GAIN)) this.skip();
    const firmware = path.join(weirdDir, 'hil-sim-gain');
    copyFileSync(SIM_GAIN, firmware);
    expect(statSync(firmware).mode & 0o111).to.not.equal(0);
    const suite = writeGainSuite([['b-short', 480]]);
    const r = await runWithReport(['--config', suite.config, '--target', 'sim', '--firmware', firmware]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.report.target.firmware).to.equal(firmware);
    expect(r.report.cases[0]!.output?.mismatches).to.equal(0);
  });

  it('command flasher: argv template values reach the tool verbatim', async () => {
    const script = 'console.log(JSON.stringify(process.argv.slice(1)))';
    const f = createCommandFlasher({ firmware: QEMU_ELF, argv: [process.execPath, '-e', script, ...hostile, '{elf}', '{port}'] });
    const res = await f.flash({ port: `/dev/ttyX; touch ${pwned(8)}`, baudRate: 115200 });
    expect(JSON.parse(res.output[0]!)).to.deep.equal([...hostile, QEMU_ELF, `/dev/ttyX; touch ${pwned(8)}`]);
  });

  it('gdb flasher: the server address goes into gdb\'s script as data; a line break in it is refused', async () => {
    const log = path.join(tmp, 'gdb-argv.jsonl');
    process.env.HIL_ARGV_LOG = log;
    try {
      const server = `127.0.0.1:1; touch ${pwned(9)} $(id)`;
      const err = await createGdbFlasher({ firmware: QEMU_ELF, server, gdb: RECORDER, timeoutMs: 20_000 }).flash().catch((e: unknown) => e);
      expect(err).to.be.instanceOf(HarnessError); // the stand-in gdb fails
      const call = JSON.parse(readFileSync(log, 'utf8').trim()) as { argv: string[]; script: string };
      expect(call.argv.slice(0, 3)).to.deep.equal(['-batch', '-nx', '-x']);
      expect(call.argv.at(-1)).to.equal(QEMU_ELF);
      expect(call.script.split('\n')).to.include(`target remote ${server}`);
      expect(() => createGdbFlasher({ firmware: QEMU_ELF, server: '127.0.0.1:3333\nshell touch /tmp/x', gdb: RECORDER })).to.throw(/flasher\.server: .* contains a line break/);
      expect(() => createGdbFlasher({ firmware: QEMU_ELF, server: 'localhost:3333', resetCommands: ['monitor reset\nshell id'], gdb: RECORDER })).to.throw(/resetCommands\[0\]/);
    } finally {
      delete process.env.HIL_ARGV_LOG;
    }
  });

  it('the sources use no shell: no exec()/execSync(), no shell: true', () => {
    const offenders: string[] = [];
    const scan = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) scan(p);
        else if (/\.(ts|mjs|js)$/.test(e.name) && !e.name.endsWith('.test.ts')) {
          const text = readFileSync(p, 'utf8');
          for (const [re, what] of [
            [/\bshell\s*:\s*(true|['"`])/, 'shell: true'],
            [/\bexecSync\s*\(/, 'execSync()'],
            [/(^|[^.\w])exec\s*\(/m, 'exec()'],
            [/import\s*\{[^}]*\bexec\b[^}]*\}\s*from\s*['"](node:)?child_process['"]/, 'import of exec'],
          ] as const) {
            if (re.test(text)) offenders.push(`${path.relative(REPO_ROOT, p)}: ${what}`);
          }
        }
      }
    };
    for (const d of ['harness/src', 'harness/bin', 'harness/bench', 'vectors/tools']) scan(path.join(REPO_ROOT, d));
    expect(offenders).to.deep.equal([]);
  });
});
