import { expect } from 'chai';

import { HarnessError } from '../core/errors.ts';
import { checkModelId, planScaffold, skeletonSignal, type ScaffoldInput } from './scaffold-plan.ts';

const input = (o: Partial<ScaffoldInput> = {}): ScaffoldInput => ({
  hilVersion: '9.8.7',
  modelId: 'my-denoiser',
  configSchema: './node_modules/hil/harness/dist/config/hil-config.schema.json',
  manifestSchema: '../../node_modules/hil/vectors/manifest.schema.json',
  templates: new Map([
    ['firmware/Makefile', 'IMAGE := hil-sim-{{MODEL_ID}} # hil {{HIL_VERSION}} {{UNKNOWN}}\nSRCS := model/{{MODEL_FILE}}.c\n'],
    ['firmware/model/MODEL_FILE.c', '.id = "{{MODEL_ID}}",\n'],
    ['firmware/gitignore', 'build/\n'],
  ]),
  agentSources: new Map([
    ['hil_port.h', '/* port */\n'],
    ['hil_agent.c', '/* agent */\n'],
  ]),
  encodeWav: (s, rate) => Uint8Array.from([s.length & 0xff, rate & 0xff]),
  ...o,
});

describe('hil init: the scaffold plan', () => {
  it('config, suite, firmware skeleton and the copied agent, each once, with the names filled in', () => {
    const files = planScaffold(input());
    const byPath = new Map(files.map((f) => [f.path, f.content]));
    expect(files.map((f) => f.path)).to.have.members([
      'hil.config.json',
      'vectors/smoke/manifest.json',
      'vectors/smoke/tone-in-noise.wav',
      'firmware/Makefile',
      'firmware/model/my_denoiser.c',
      'firmware/.gitignore',
      'firmware/hil/hil_agent.c',
      'firmware/hil/hil_port.h',
      'firmware/hil/README.md',
    ]);
    const config = JSON.parse(byPath.get('hil.config.json') as string);
    expect(config.$schema).to.equal('./node_modules/hil/harness/dist/config/hil-config.schema.json');
    expect(config.defaults).to.deep.equal({ target: 'sim', suites: ['smoke'] });
    expect(config.targets.sim).to.include({ kind: 'sim', firmware: 'firmware/build/hil-sim-my-denoiser' });
    const manifest = JSON.parse(byPath.get('vectors/smoke/manifest.json') as string);
    expect(manifest.$schema).to.equal('../../node_modules/hil/vectors/manifest.schema.json');
    expect(manifest.generatedBy).to.match(/^hil init \(hil 9\.8\.7, seed \d+\)$/);
    expect(manifest.cases).to.have.length(1);
    expect(manifest.cases[0]).to.include({ input: 'tone-in-noise.wav', golden: 'golden/tone-in-noise.wav' });
    expect(byPath.get('firmware/Makefile')).to.equal('IMAGE := hil-sim-my-denoiser # hil 9.8.7 {{UNKNOWN}}\nSRCS := model/my_denoiser.c\n');
    expect(byPath.get('firmware/model/my_denoiser.c')).to.equal('.id = "my-denoiser",\n');
    expect(byPath.get('firmware/hil/hil_agent.c')).to.equal('/* agent */\n');
    expect(byPath.get('firmware/hil/README.md')).to.include('hil 9.8.7').and.include('hil_agent.c, hil_port.h');
    expect(byPath.get('vectors/smoke/tone-in-noise.wav')).to.deep.equal(Uint8Array.from([16000 & 0xff, 16000 & 0xff]));
  });

  it('the skeleton signal is seeded: the same samples every time, a different seed gives others, never clipped', () => {
    const a = skeletonSignal();
    expect(a).to.have.length(16000);
    expect(Buffer.from(skeletonSignal().buffer).equals(Buffer.from(a.buffer))).to.equal(true);
    expect(Buffer.from(skeletonSignal(1).buffer).equals(Buffer.from(a.buffer))).to.equal(false);
    const peak = a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(peak).to.be.within(8231, 8231 + 571);
  });

  it('a model id that cannot name a file or an image is refused, naming --model and the expected form', () => {
    for (const bad of ['', 'My-Model', '9lives', 'a b', 'x'.repeat(41), '../up']) {
      expect(() => checkModelId(bad), bad).to.throw(HarnessError, /--model .*: expected a lower-case id of letters, digits and -/);
    }
    expect(() => planScaffold(input({ modelId: 'Bad' }))).to.throw(/--model "Bad"/);
    for (const good of ['passthrough', 'my-denoiser', 'ns2']) expect(() => checkModelId(good)).not.to.throw();
  });
});
