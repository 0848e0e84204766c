/**
 * Issue 7: `hil tune --interactive` driven through a real pseudo-terminal (tmux, on its own
 * server socket): the prompt sets a parameter on the live device, reads it back, plays a case
 * and prints its levels, A/Bs two settings, survives bad input with one-line errors, and quits.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

import { builtinProfile } from '../src/config/builtin-profiles.ts';
import { REPO_ROOT } from '../src/core/paths.ts';

const HAS_TMUX = spawnSync('tmux', ['-V']).status === 0;
const HAS_QEMU = spawnSync('qemu-system-arm', ['--version']).status === 0 && existsSync(builtinProfile('qemu', 'qemu', 'model-s').firmware);
const TARGET = HAS_QEMU ? 'qemu' : 'sim';
const SOCKET = `hil-tune-test-${process.pid}`;
const SESSION = 'tune';

function tmux(...args: string[]): string {
  const r = spawnSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const screen = () => tmux('capture-pane', '-p', '-J', '-t', SESSION, '-S', '-400');

/** Type a line and wait until the screen shows `until` (a count of it beyond what was there). */
async function type(line: string, until: string | RegExp, timeoutMs = 60_000): Promise<string> {
  const count = (s: string) => (typeof until === 'string' ? s.split(until).length - 1 : (s.match(new RegExp(until, 'g')) ?? []).length);
  const before = count(screen());
  if (line) tmux('send-keys', '-t', SESSION, '-l', line);
  if (line) tmux('send-keys', '-t', SESSION, 'Enter');
  const t0 = Date.now();
  for (;;) {
    const s = screen();
    if (count(s) > before) return s;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${String(until)} after "${line}"; screen:\n${s}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The value of a metric row in the last level table on screen, by column. */
function lastRow(s: string, label: string): string[] {
  const rows = s.split('\n').filter((l) => l.startsWith(label));
  return rows[rows.length - 1]!.slice(label.length).trim().split(/\s+/);
}

describe(`hil tune --interactive through a pseudo-terminal on --target ${TARGET} (issue 7)`, function () {
  this.timeout(180_000);
  before(function () {
    if (!HAS_TMUX) this.skip();
    const cmd = `cd ${JSON.stringify(REPO_ROOT)} && ${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(REPO_ROOT, 'harness', 'bin', 'hil.js'))} tune --target ${TARGET} --interactive; echo "[exit $?]"; sleep 600`;
    tmux('new-session', '-d', '-s', SESSION, '-x', '200', '-y', '80', cmd);
  });
  after(() => {
    if (HAS_TMUX) spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
  });

  // the acceptance target is qemu: without it the tests below run on the simulator, and this
  // one is skipped (listed at the end of the run, and a failure under CI)
  it('runs on the emulated Cortex-M4 (qemu-system-arm and the model S ELF are present)', function () {
    if (!HAS_QEMU) this.skip();
    expect(TARGET).to.equal('qemu');
  });

  it('shows the device and a prompt', async () => {
    const s = await type('', 'hil> ');
    expect(s).to.match(/connected: \w+/);
    expect(s).to.include('model model-s');
  });

  it('sets a parameter on the device and reads it back', async () => {
    expect(await type('set input_gain_db 6', 'input_gain_db = 6 dB')).to.include('hil> set input_gain_db 6');
    await type('get input_gain_db', /input_gain_db = 6 dB/);
    const s = await type('params', 'range 0 .. 1, default 0');
    expect(s).to.match(/input_gain_db\s+6 dB\s+range -24 \.\. 24, default 0/);
  });

  it('plays a case and prints its levels with the setting applied', async () => {
    const s = await type('play speech/clean-en-us-m', 'segmental SNR improvement dB');
    expect(s).to.include('speech/clean-en-us-m: 8.41 s with input_gain_db=6');
    const [input, output] = lastRow(s, 'active level dBov (P.56)').map(Number);
    expect(input).to.be.closeTo(-25.25, 0.1); // the clean vector
    expect(output! - input!).to.be.within(5, 6.5); // +6 dB in; trained model S keeps clean speech's level (measured -0.2 dB)
  });

  it('A/Bs two settings side by side', async () => {
    const s = await type('ab speech/clean-en-us-m input_gain_db=0 input_gain_db=6', /B - A/); // the table is one write
    const done = await type('get input_gain_db', /input_gain_db = 6 dB/); // ab puts the previous value back
    const [a, b, diff] = lastRow(done, 'active level dBov (P.56)');
    expect(Number(b) - Number(a)).to.be.closeTo(Number(diff), 0.011);
    expect(Number(diff)).to.be.within(5.5, 6.5);
    expect(s).to.include('A = input_gain_db=0, B = input_gain_db=6');
  });

  it('answers bad input with one line and keeps the prompt', async () => {
    let s = await type('set input_gain_db 99', /error: .*input_gain_db=99 is outside the device's range -24 \.\. 24 dB/);
    s = await type('frobnicate', 'error: unknown command "frobnicate"; type help for the list');
    s = await type('play speech/nope', 'error: case speech/nope: suite speech has no case "nope"');
    expect(s).not.to.match(/\bat .*\.ts:\d+/); // no stack trace
    await type('get input_gain_db', /input_gain_db = 6 dB/);
  });

  it('quits cleanly', async () => {
    const s = await type('quit', '[exit 0]');
    expect(s).to.include('[exit 0]');
  });
});
