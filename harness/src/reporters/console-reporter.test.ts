import { expect } from 'chai';

import { failingRun } from '../../test/fixtures/failing-run.ts';
import { passingRun } from '../../test/fixtures/passing-run.ts';
import { createConsoleReporter, type ConsoleStream } from './console-reporter.ts';

function capture(isTTY: boolean): ConsoleStream & { text: string } {
  const s = { text: '', isTTY, columns: 120, write: (chunk: string) => ((s.text += chunk), true) };
  return s;
}

/** A clock the test moves by hand (no real time involved). */
function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000_000;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('console reporter', () => {
  const c0 = passingRun.cases[0]!;

  it('without a TTY writes plain lines per case start and end, and no redraws', async () => {
    const out = capture(false);
    const clock = manualClock();
    const r = createConsoleReporter({ stream: out, now: clock.now });
    await r.onRunStart!({ runId: passingRun.runId, target: 'qemu', totalCases: 4 });
    r.onCaseStart!({ id: c0.id, index: 0, total: 4 });
    r.onProgress!({ id: c0.id, framesDone: 150, framesTotal: 300 });
    clock.advance(1000);
    r.onProgress!({ id: c0.id, framesDone: 300, framesTotal: 300 });
    await r.onCaseEnd!(c0);
    expect(out.text).to.not.include('\r');
    expect(out.text).to.not.include('\u001b');
    expect(out.text.split('\n')).to.deep.equal([
      `hil run ${passingRun.runId}: 4 cases on qemu`,
      `[1/4] start ${c0.id}`,
      `[1/4] PASS  ${c0.id}  (300 frames, 1.84 s, margin 69.6 % (estimated))`,
      '',
    ]);
  });

  it('on a TTY redraws one progress line with frames, audio seconds per second and ETA', () => {
    const out = capture(true);
    const clock = manualClock();
    const r = createConsoleReporter({ stream: out, now: clock.now, redrawMs: 100 });
    r.onCaseStart!({ id: c0.id, index: 1, total: 4 });
    clock.advance(2000);
    r.onProgress!({ id: c0.id, framesDone: 100, framesTotal: 300, secondsPerFrame: 0.01 }); // 50 frames/s
    const last = out.text.split('\r\u001b[2K').at(-1);
    expect(last).to.equal(`[2/4] ${c0.id}  frames 100/300  0.50 audio-s/s  ETA 4s`);
    expect(out.text).to.not.include('\n');
  });

  it('on a TTY says the case is starting until its first frame, then the rate from the handshake on the first case', () => {
    const out = capture(true);
    const clock = manualClock();
    const r = createConsoleReporter({ stream: out, now: clock.now, redrawMs: 0 });
    r.onCaseStart!({ id: c0.id, index: 0, total: 4 });
    expect(out.text.split('\r\u001b[2K').at(-1)).to.equal(`[1/4] ${c0.id}  starting…`);
    clock.advance(1000);
    r.onProgress!({ id: c0.id, framesDone: 400, framesTotal: 800, secondsPerFrame: 0.01 });
    expect(out.text.split('\r\u001b[2K').at(-1)).to.equal(`[1/4] ${c0.id}  frames 400/800  4.00 audio-s/s  ETA 1s`);
  });

  it('throttles redraws but always draws the last frame', () => {
    const out = capture(true);
    const clock = manualClock();
    const r = createConsoleReporter({ stream: out, now: clock.now, redrawMs: 100 });
    r.onCaseStart!({ id: c0.id, index: 0, total: 1 });
    const before = out.text.split('\r').length;
    for (let f = 1; f < 50; f++) r.onProgress!({ id: c0.id, framesDone: f, framesTotal: 50 });
    expect(out.text.split('\r').length).to.equal(before);
    r.onProgress!({ id: c0.id, framesDone: 50, framesTotal: 50 });
    expect(out.text.split('\r').length).to.equal(before + 1);
    expect(out.text).to.include('frames 50/50');
  });

  it('derives audio seconds per second from finished cases when the caller gives no rate', async () => {
    const out = capture(true);
    const clock = manualClock();
    const r = createConsoleReporter({ stream: out, now: clock.now, redrawMs: 0 });
    r.onCaseStart!({ id: 'a', index: 0, total: 2 });
    clock.advance(500);
    r.onProgress!({ id: 'a', framesDone: 50, framesTotal: 100 });
    expect(out.text.split('\r\u001b[2K').at(-1)).to.include('100 frames/s');
    await r.onCaseEnd!({ ...c0, id: 'a' }); // 300 frames, 3 s of audio: 0.01 s per frame
    r.onCaseStart!({ id: 'b', index: 1, total: 2 });
    clock.advance(1000);
    r.onProgress!({ id: 'b', framesDone: 200, framesTotal: 400 });
    expect(out.text.split('\r\u001b[2K').at(-1)).to.equal('[2/2] b  frames 200/400  2.00 audio-s/s  ETA 1s');
  });

  it('prints a finished case as a permanent line and clears the live line on a TTY', async () => {
    const out = capture(true);
    const r = createConsoleReporter({ stream: out, now: manualClock().now });
    const bad = failingRun.cases[2]!;
    r.onCaseStart!({ id: bad.id, index: 2, total: 6 });
    await r.onCaseEnd!(bad);
    expect(out.text).to.include(`\r\u001b[2K[3/6] FAIL  ${bad.id}  (312 frames, 2.29 s, margin 64.2 % (estimated)): bit-exact violated: `);
    expect(out.text.endsWith('\n')).to.equal(true);
  });

  it('keeps terminal escape sequences from device strings out of the output', async () => {
    const out = capture(false);
    const r = createConsoleReporter({ stream: out });
    const evil = { ...failingRun.cases[3]!, id: 'edge/\u001b]0;pwned\u0007x', error: { code: 'DEVICE' as const, message: 'fault \u001b[2J\nnext' } };
    r.onCaseStart!({ id: evil.id, index: 0, total: 1 });
    await r.onCaseEnd!(evil);
    expect(out.text).to.not.include('\u001b');
    expect(out.text).to.not.include('\u0007');
    expect(out.text).to.include('edge/\\x1b]0;pwned\\x07x');
    expect(out.text).to.include('ERROR edge/');
    expect(out.text).to.include('DEVICE: fault \\x1b[2J next');
  });

  it('ends with a summary, leaving the path of report.html to the caller', async () => {
    const out = capture(false);
    const r = createConsoleReporter({ stream: out });
    await r.onRunEnd!(failingRun, '/srv/reports/20261124-101733Z-9c2e');
    expect(out.text).to.include('ERROR: 6 cases: 2 passed, 2 failed, 1 error, 1 skipped;');
    expect(out.text).to.include('baseline: 1 cycle regression(s) against reports/main/report.json');
    expect(out.text).to.not.include('report.html');
    expect(out.text.endsWith('\n')).to.equal(true);
  });
});
