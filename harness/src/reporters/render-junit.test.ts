import { expect } from 'chai';
import { create } from 'xmlbuilder2';

import { failingRun, HOSTILE } from '../../test/fixtures/failing-run.ts';
import { passingRun } from '../../test/fixtures/passing-run.ts';
import { simRun } from '../../test/fixtures/sim-run.ts';
import { renderJunit } from './render-junit.ts';

/** The few DOM calls the tests need (xmlbuilder2 parses into a DOM that decodes entities). */
interface El {
  getAttribute(name: string): string | null;
  getElementsByTagName(name: string): ArrayLike<El>;
  readonly textContent: string | null;
}

function parse(xml: string): { root: El; suites: El[] } {
  const root = create(xml).root().node as unknown as El;
  return { root, suites: Array.from(root.getElementsByTagName('testsuite')) };
}

const all = (e: El, tag: string): El[] => Array.from(e.getElementsByTagName(tag));
const one = (e: El, tag: string): El | undefined => all(e, tag)[0];
const props = (suite: El): Record<string, string | null> => Object.fromEntries(all(suite, 'property').map((p) => [p.getAttribute('name'), p.getAttribute('value')]));

function findCase(suites: El[], suite: string, name: string): El {
  const s = suites.find((x) => x.getAttribute('name') === suite);
  const c = s ? all(s, 'testcase').find((x) => x.getAttribute('name') === name) : undefined;
  if (!c) throw new Error(`no testcase ${suite}/${name}`);
  return c;
}

describe('renderJunit', () => {
  it('has one testsuite per vector suite (plus the run-level hil suite) and one testcase per case', () => {
    const { root, suites } = parse(renderJunit(failingRun));
    expect(suites.map((s) => s.getAttribute('name'))).to.deep.equal(['smoke', 'speech', 'edge', 'hil']);
    const cases = suites.filter((s) => s.getAttribute('name') !== 'hil').flatMap((s) => all(s, 'testcase'));
    expect(cases).to.have.length(failingRun.cases.length);
    expect(root.getAttribute('tests')).to.equal(String(failingRun.cases.length + 1));
    expect(root.getAttribute('failures')).to.equal('2');
    expect(root.getAttribute('errors')).to.equal('1');
    expect(root.getAttribute('skipped')).to.equal('1');
  });

  it('reports a bit-exact mismatch as <failure> with the verdict message', () => {
    const { suites } = parse(renderJunit(failingRun));
    const f = one(findCase(suites, 'speech', 'en-gb-m-babble-0db'), 'failure')!;
    expect(f.getAttribute('type')).to.equal('bit-exact');
    expect(f.getAttribute('message')).to.match(/first at sample 5925 \(frame 37/);
  });

  it('reports a margin failure and its baseline regression, an infrastructure <error> and <skipped/>', () => {
    const { suites } = parse(renderJunit(failingRun));
    const sweep = one(findCase(suites, 'smoke', 'sweep'), 'failure')!;
    expect(sweep.getAttribute('type')).to.equal('real-time-margin');
    expect(sweep.textContent).to.include('cycle regression against the baseline');
    const err = one(findCase(suites, 'edge', 'white-full-scale'), 'error')!;
    expect(err.getAttribute('type')).to.equal('DEVICE');
    expect(err.getAttribute('message')).to.include('device reported a fault in frame 212: HardFault at pc 0x00003a5c "</pre><script>');
    expect(err.textContent).to.include('pc: 0x00003a5c');
    expect(one(findCase(suites, 'smoke', 'impulse'), 'skipped')).to.not.equal(undefined);
    const ok = findCase(suites, 'smoke', 'tone-1k');
    expect(one(ok, 'failure')).to.equal(undefined);
    expect(one(ok, 'error')).to.equal(undefined);
  });

  it('carries firmware build, model, weights, target and counter source as properties', () => {
    const { suites } = parse(renderJunit(failingRun));
    const p = props(suites[0]!);
    expect(p['firmware.build']).to.equal('c41d08e2f7a9');
    expect(p['model']).to.equal('model-s 1.2.0');
    expect(p['model.weights']).to.equal('9f2c4a1b7e0d3c58');
    expect(p['target']).to.equal('qemu (qemu)');
    expect(p['counter']).to.equal('icount');
    expect(p['counter.unit']).to.equal('estimated cycles (instructions × CPI 1.25)');
  });

  it('puts the device log in system-out, escaped, with control characters made visible', () => {
    const xml = renderJunit(failingRun);
    const { suites } = parse(xml);
    const out = one(findCase(suites, 'edge', 'white-full-scale'), 'system-out')!.textContent;
    expect(out).to.include('FAULT pc=0x00003a5c');
    expect(out).to.include('\\x1b[31mFAULT');
    expect(xml).to.not.match(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    expect(xml).to.not.include('<script');
    expect(xml).to.not.include('<img');
    expect(xml).to.include('&lt;script&gt;alert(1)&lt;/script&gt;');
    const hostile = findCase(suites, 'edge', HOSTILE.caseName);
    expect(one(hostile, 'system-out')!.textContent).to.include(HOSTILE.deviceLog);
  });

  it('a passing run has no failures; a run without counter says margins are not applicable', () => {
    const { root } = parse(renderJunit(passingRun));
    expect(['failures', 'errors', 'skipped'].map((a) => root.getAttribute(a))).to.deep.equal(['0', '0', '0']);
    const sim = parse(renderJunit(simRun));
    const p = props(sim.suites[0]!);
    expect(p['counter']).to.equal('none');
    expect(p['counter.unit']).to.match(/not applicable/);
    const res = findCase(sim.suites, 'hil', 'resource budgets');
    expect(one(res, 'skipped')!.getAttribute('message')).to.match(/^not applicable/);
  });

  it('fails the resource testcase when a budget is exceeded', () => {
    const over = { ...passingRun, resources: { ...passingRun.resources!, status: 'fail' as const, message: 'flash 120000 B exceeds the 102400 B budget' } };
    const { suites } = parse(renderJunit(over));
    expect(one(findCase(suites, 'hil', 'resource budgets'), 'failure')!.getAttribute('message')).to.equal('flash 120000 B exceeds the 102400 B budget');
  });
});
