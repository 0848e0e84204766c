import { expect } from 'chai';

import type { LevelMetrics } from '../dsp/level-metrics.ts';
import { formatLevelTable } from './format-levels.ts';
import { parseReplLine, parseSetting } from './repl-commands.ts';

describe('interactive prompt commands', () => {
  it('parses every command', () => {
    expect(parseReplLine('set input_gain_db 6')).to.deep.equal({ ok: true, command: { kind: 'set', name: 'input_gain_db', value: 6 } });
    expect(parseReplLine('  GET  limiter_dbfs ')).to.deep.equal({ ok: true, command: { kind: 'get', name: 'limiter_dbfs' } });
    expect(parseReplLine('play speech/clean-en-us-m')).to.deep.equal({ ok: true, command: { kind: 'play', caseSpec: 'speech/clean-en-us-m' } });
    expect(parseReplLine('ab x.wav input_gain_db=0 input_gain_db=6,output_gain_db=-2')).to.deep.equal({
      ok: true,
      command: { kind: 'ab', caseSpec: 'x.wav', a: { input_gain_db: 0 }, b: { input_gain_db: 6, output_gain_db: -2 } },
    });
    for (const w of ['params', 'reset', 'info', 'help', 'quit', 'exit']) expect(parseReplLine(w).ok).to.equal(true);
    expect(parseReplLine('')).to.deep.equal({ ok: true, command: { kind: 'empty' } });
    expect(parseReplLine('# note')).to.deep.equal({ ok: true, command: { kind: 'empty' } });
  });

  it('explains bad input in one line', () => {
    expect(parseReplLine('set input_gain_db')).to.deep.equal({ ok: false, error: 'usage: set NAME VALUE' });
    expect(parseReplLine('set input_gain_db loud')).to.deep.equal({ ok: false, error: 'set input_gain_db: "loud" is not a number' });
    expect(parseReplLine('frobnicate')).to.deep.equal({ ok: false, error: 'unknown command "frobnicate"; type help for the list' });
    expect(parseReplLine('ab c a=1 b')).to.deep.equal({ ok: false, error: 'ab: setting B: "b" is not NAME=NUMBER' });
    expect(parseReplLine('params now')).to.deep.equal({ ok: false, error: 'params takes no arguments' });
    expect(parseSetting('a=1,b=x')).to.equal('"b=x" is not NAME=NUMBER');
  });

  it('formats levels side by side with a B - A column', () => {
    const m = (a: number): LevelMetrics => ({ samples: 1, rmsDbfs: a - 3, peakDbfs: a + 15, activeDbov: a, activity: 0.8, crestDb: 18, noiseFloorDbfs: null, clipped: 0, clippedAtRails: 0 });
    const t = formatLevelTable([{ label: 'A', levels: m(-30) }, { label: 'B', levels: m(-24) }], { diff: true });
    const row = t.split('\n').find((l) => l.startsWith('active level'))!;
    expect(row.trim().split(/\s+/).slice(-3)).to.deep.equal(['-30.00', '-24.00', '+6.00']);
    expect(t.split('\n').find((l) => l.startsWith('noise floor'))).to.match(/-\s+-\s*$/);
  });
});
