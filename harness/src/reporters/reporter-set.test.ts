import { expect } from 'chai';

import { passingRun } from '../../test/fixtures/passing-run.ts';
import { describeFailure, ReporterSet } from './reporter-set.ts';
import type { Reporter } from './reporter.ts';

function recorder(name: string, log: string[]): Reporter {
  return {
    name,
    onRunStart: (i) => void log.push(`${name}:start:${i.totalCases}`),
    onCaseStart: (c) => void log.push(`${name}:case:${c.id}`),
    onProgress: (p) => void log.push(`${name}:progress:${p.framesDone}`),
    onCaseEnd: async (c) => void log.push(`${name}:end:${c.id}`),
    onRunEnd: async (_r, dir) => void log.push(`${name}:done:${dir}`),
  };
}

describe('ReporterSet', () => {
  const c0 = passingRun.cases[0]!;

  it('calls every hook of every reporter in order', async () => {
    const log: string[] = [];
    const set = new ReporterSet([recorder('a', log), recorder('b', log)]);
    await set.onRunStart({ runId: 'r', target: 'sim', totalCases: 1 });
    set.onCaseStart({ id: c0.id, index: 0, total: 1 });
    set.onProgress({ id: c0.id, framesDone: 5, framesTotal: 10 });
    await set.onCaseEnd(c0);
    await set.onRunEnd(passingRun, '/tmp/x');
    expect(log).to.deep.equal([
      'a:start:1', 'b:start:1',
      `a:case:${c0.id}`, `b:case:${c0.id}`,
      'a:progress:5', 'b:progress:5',
      `a:end:${c0.id}`, `b:end:${c0.id}`,
      'a:done:/tmp/x', 'b:done:/tmp/x',
    ]);
    expect(set.failures()).to.deep.equal([]);
  });

  it('skips hooks a reporter does not implement', async () => {
    const log: string[] = [];
    const set = new ReporterSet([{ name: 'bare' }, recorder('a', log)]);
    set.onProgress({ id: 'x', framesDone: 1, framesTotal: 2 });
    await set.onRunEnd(passingRun, 'd');
    expect(log).to.deep.equal(['a:progress:1', 'a:done:d']);
  });

  it('catches a throwing or rejecting reporter, keeps calling the others, and remembers the error', async () => {
    const log: string[] = [];
    const broken: Reporter = {
      name: 'broken',
      onCaseStart: () => {
        throw new Error('boom');
      },
      onProgress: () => {
        throw new Error('progress boom');
      },
      onRunEnd: async () => {
        throw new Error('disk full');
      },
    };
    const set = new ReporterSet([broken, recorder('ok', log)]);
    set.onCaseStart({ id: c0.id, index: 0, total: 1 });
    set.onProgress({ id: c0.id, framesDone: 1, framesTotal: 3 });
    set.onProgress({ id: c0.id, framesDone: 2, framesTotal: 3 });
    set.onProgress({ id: c0.id, framesDone: 3, framesTotal: 3 });
    await set.onRunEnd(passingRun, 'dir');
    expect(log).to.deep.equal([`ok:case:${c0.id}`, 'ok:progress:1', 'ok:progress:2', 'ok:progress:3', 'ok:done:dir']);
    const f = set.failures();
    expect(f.map((x) => [x.reporter, x.hook, x.count])).to.deep.equal([
      ['broken', 'onCaseStart', 1],
      ['broken', 'onProgress', 3],
      ['broken', 'onRunEnd', 1],
    ]);
    expect((f[1]!.error as Error).message).to.equal('progress boom');
    expect(describeFailure(f[1]!)).to.equal('reporter "broken" failed in onProgress (3 times): progress boom');
  });

  it('catches the rejection of a promise returned from a synchronous hook', async () => {
    const sneaky = { name: 'sneaky', onCaseStart: () => Promise.reject(new Error('late')) } as unknown as Reporter;
    const set = new ReporterSet([sneaky]);
    set.onCaseStart({ id: 'x', index: 0, total: 1 });
    await new Promise((r) => setImmediate(r));
    expect(set.failures().map((x) => x.hook)).to.deep.equal(['onCaseStart']);
  });

  it('records a thrown non-Error value', async () => {
    const set = new ReporterSet([{ name: 'odd', onRunStart: () => { throw 'just a string'; } }]);
    await set.onRunStart({ runId: 'r', target: 't', totalCases: 0 });
    expect(describeFailure(set.failures()[0]!)).to.equal('reporter "odd" failed in onRunStart: just a string');
  });
});
