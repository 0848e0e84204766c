import { expect } from 'chai';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HarnessError } from '../core/errors.ts';
import { CASE_KEYS, loadSuite, MANIFEST_KEYS, parseManifest, TOLERANCE_MODES } from './manifest.ts';
import { readWav, requireMono16 } from './wav.ts';
import { rejection, thrown } from '../../test/helpers/rejection.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const F = 'vectors/smoke/manifest.json';

const errorOf = thrown;
const asyncErrorOf = (fn: () => Promise<unknown>): Promise<HarnessError> => rejection(fn());

function doc(cases: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ $schema: '../manifest.schema.json', suite: 'smoke', description: 'd', cases, ...extra });
}

const okCase = { name: 'tone-1k', input: 'tone-1k.wav' };

describe('dsp/manifest', () => {
  describe('parseManifest', () => {
    it('fills in defaults', () => {
      const m = parseManifest(doc([okCase]), F);
      expect(m.suite).to.equal('smoke');
      expect(m.generatedBy).to.equal(null);
      expect(m.cases[0]).to.deep.equal({
        name: 'tone-1k',
        input: 'tone-1k.wav',
        golden: 'golden/tone-1k.wav',
        params: {},
        tolerance: { mode: 'bit-exact' },
        tags: [],
        reference: null,
        description: '',
      });
    });

    it('accepts every field and tolerance mode', () => {
      const m = parseManifest(
        doc([
          { ...okCase, golden: 'g/a.wav', params: { input_gain_db: -6, mix: 0.5 }, tolerance: { mode: 'max-lsb', maxLsb: 2 }, tags: ['tone', 'a-b'], reference: 'clean/x.wav', description: 'x' },
          { name: 'b', input: 'b.wav', tolerance: { mode: 'snr', minSnrDb: 40.5 } },
          { name: 'c', input: 'c.wav', tolerance: { mode: 'bit-exact' }, reference: null },
        ]),
        F,
      );
      expect(m.cases[0]!.params).to.deep.equal({ input_gain_db: -6, mix: 0.5 });
      expect(m.cases[0]!.tolerance).to.deep.equal({ mode: 'max-lsb', maxLsb: 2 });
      expect(m.cases[1]!.tolerance).to.deep.equal({ mode: 'snr', minSnrDb: 40.5 });
      expect(m.cases[0]!.reference).to.equal('clean/x.wav');
    });

    const bad: Array<[string, string, string, string]> = [
      ['invalid JSON', '{"suite": ', '', `${F}: invalid JSON: `],
      ['not an object', '[1]', '(root)', `${F}: expected an object, got an array`],
      ['unknown top-level key', doc([okCase], { suites: 1 }), 'suites', `${F}: suites: unknown key (expected one of ${MANIFEST_KEYS.join(', ')})`],
      ['missing suite', JSON.stringify({ cases: [okCase] }), 'suite', `${F}: suite: missing required key`],
      ['bad suite name', doc([okCase], { suite: 'Smoke Test' }), 'suite', `${F}: suite: "Smoke Test" is not a valid suite name (lower-case letters, digits, ".", "_", "-")`],
      ['cases not an array', doc([], { cases: {} }), 'cases', `${F}: cases: expected an array of cases, got an object`],
      ['no cases', doc([]), 'cases', `${F}: cases: expected at least one case`],
      ['case not an object', doc([okCase, 'x']), 'cases[1]', `${F}: cases[1]: expected an object, got string "x"`],
      ['unknown case key', doc([{ ...okCase, tolerence: {} }]), 'cases[0].tolerence', `${F}: cases[0].tolerence: unknown key (expected one of ${CASE_KEYS.join(', ')})`],
      ['missing input', doc([{ name: 'a' }]), 'cases[0].input', `${F}: cases[0].input: missing required key`],
      ['name wrong type', doc([{ name: 3, input: 'a.wav' }]), 'cases[0].name', `${F}: cases[0].name: expected a string, got number 3`],
      ['absolute input', doc([{ name: 'a', input: '/tmp/a.wav' }]), 'cases[0].input', `${F}: cases[0].input: "/tmp/a.wav" is absolute, expected a path relative to the manifest's folder`],
      ['empty input', doc([{ name: 'a', input: '' }]), 'cases[0].input', `${F}: cases[0].input: expected a non-empty string`],
      [
        'bad tolerance mode',
        doc([okCase, { name: 'b', input: 'b.wav' }, { name: 'c', input: 'c.wav', tolerance: { mode: 'approx' } }]),
        'cases[2].tolerance.mode',
        `${F}: cases[2].tolerance.mode: "approx" is not one of ${TOLERANCE_MODES.join(', ')}`,
      ],
      ['tolerance without mode', doc([{ ...okCase, tolerance: {} }]), 'cases[0].tolerance.mode', `${F}: cases[0].tolerance.mode: missing required key`],
      ['max-lsb without maxLsb', doc([{ ...okCase, tolerance: { mode: 'max-lsb' } }]), 'cases[0].tolerance.maxLsb', `${F}: cases[0].tolerance.maxLsb: missing required key`],
      ['maxLsb not integer', doc([{ ...okCase, tolerance: { mode: 'max-lsb', maxLsb: 1.5 } }]), 'cases[0].tolerance.maxLsb', `${F}: cases[0].tolerance.maxLsb: 1.5 is not an integer from 0 to 65535`],
      ['minSnrDb a string', doc([{ ...okCase, tolerance: { mode: 'snr', minSnrDb: '40' } }]), 'cases[0].tolerance.minSnrDb', `${F}: cases[0].tolerance.minSnrDb: expected a finite number, got string "40"`],
      ['extra key for bit-exact', doc([{ ...okCase, tolerance: { mode: 'bit-exact', maxLsb: 1 } }]), 'cases[0].tolerance.maxLsb', `${F}: cases[0].tolerance.maxLsb: unknown key (expected one of mode)`],
      ['param not a number', doc([{ ...okCase, params: { gain_db: '-6' } }]), 'cases[0].params.gain_db', `${F}: cases[0].params.gain_db: expected a finite number, got string "-6"`],
      ['bad param name', doc([{ ...okCase, params: { 'Gain dB': 1 } }]), 'cases[0].params.Gain dB', `${F}: cases[0].params.Gain dB: "Gain dB" is not a valid parameter name (lower-case letters, digits, "_")`],
      ['params an array', doc([{ ...okCase, params: [] }]), 'cases[0].params', `${F}: cases[0].params: expected an object, got an array`],
      ['tags not an array', doc([{ ...okCase, tags: 'tone' }]), 'cases[0].tags', `${F}: cases[0].tags: expected an array of strings, got string "tone"`],
      ['duplicate tag', doc([{ ...okCase, tags: ['a', 'a'] }]), 'cases[0].tags[1]', `${F}: cases[0].tags[1]: duplicate tag "a"`],
      ['reference wrong type', doc([{ ...okCase, reference: 1 }]), 'cases[0].reference', `${F}: cases[0].reference: expected a string, got number 1`],
      ['description wrong type', doc([{ ...okCase, description: false }]), 'cases[0].description', `${F}: cases[0].description: expected a string, got boolean false`],
      [
        'duplicate case name',
        doc([okCase, { name: 'b', input: 'b.wav' }, { name: 'tone-1k', input: 'c.wav' }]),
        'cases[2].name',
        `${F}: cases[2].name: duplicate case name "tone-1k" (also cases[0].name)`,
      ],
    ];
    for (const [what, text, key, msg] of bad) {
      it(`rejects: ${what}`, () => {
        const e = errorOf(() => parseManifest(text, F));
        expect(e.code).to.equal('INPUT');
        if (what === 'invalid JSON') expect(e.message.startsWith(msg)).to.equal(true, e.message);
        else expect(e.message).to.equal(msg);
        expect(e.message).not.to.include('\n');
        expect(e.context.file).to.equal(F);
        if (key !== '') expect(e.context.key).to.equal(key);
      });
    }
  });

  describe('loadSuite', () => {
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'hil-manifest-'));
    });
    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    async function suiteDir(name: string, cases: unknown[], files: string[]): Promise<string> {
      const d = join(dir, name);
      await mkdir(d, { recursive: true });
      await writeFile(join(d, 'manifest.json'), doc(cases, { suite: name }));
      for (const f of files) {
        await mkdir(dirname(join(d, f)), { recursive: true });
        await writeFile(join(d, f), 'x');
      }
      return d;
    }

    it('resolves paths and reports golden existence', async () => {
      const d = await suiteDir(
        's1',
        [
          { name: 'a', input: 'a.wav', reference: 'clean/a.wav' },
          { name: 'b', input: 'b.wav' },
        ],
        ['a.wav', 'b.wav', 'clean/a.wav', 'golden/a.wav'],
      );
      for (const p of [d, join(d, 'manifest.json')]) {
        const s = await loadSuite(p);
        expect(s.name).to.equal('s1');
        expect(s.dir).to.equal(d);
        expect(s.manifestPath).to.equal(join(d, 'manifest.json'));
        expect(s.cases.map((c) => [c.name, c.input, c.golden, c.goldenExists, c.reference])).to.deep.equal([
          ['a', join(d, 'a.wav'), join(d, 'golden/a.wav'), true, join(d, 'clean/a.wav')],
          ['b', join(d, 'b.wav'), join(d, 'golden/b.wav'), false, null],
        ]);
      }
    });

    it('rejects a missing input file, naming the key', async () => {
      const d = await suiteDir('s2', [okCase, { name: 'b', input: 'b.wav' }], ['tone-1k.wav']);
      const e = await asyncErrorOf(() => loadSuite(d));
      const mp = join(d, 'manifest.json');
      expect(e.message).to.equal(`${mp}: cases[1].input: file not found: ${join(d, 'b.wav')}`);
      expect(e.context).to.deep.include({ file: mp, key: 'cases[1].input' });
    });

    it('rejects a missing reference file', async () => {
      const d = await suiteDir('s3', [{ ...okCase, reference: 'clean/x.wav' }], ['tone-1k.wav']);
      const e = await asyncErrorOf(() => loadSuite(d));
      expect(e.message).to.equal(`${join(d, 'manifest.json')}: cases[0].reference: file not found: ${join(d, 'clean/x.wav')}`);
    });

    it('rejects a missing folder or manifest', async () => {
      const nope = join(dir, 'nope');
      expect((await asyncErrorOf(() => loadSuite(nope))).message).to.equal(`${nope}: suite folder not found`);
      await mkdir(join(dir, 'empty'));
      const mp = join(dir, 'empty', 'manifest.json');
      expect((await asyncErrorOf(() => loadSuite(join(dir, 'empty')))).message).to.equal(`${mp}: manifest not found`);
    });
  });

  describe('committed suites', () => {
    for (const suite of ['smoke', 'speech', 'edge']) {
      it(`vectors/${suite} loads and its inputs are 16 kHz mono 16-bit`, async () => {
        const s = await loadSuite(join(REPO, 'vectors', suite));
        expect(s.name).to.equal(suite);
        expect(s.cases.length).to.be.greaterThan(0);
        for (const c of [...s.cases]) {
          const wav = await readWav(c.input);
          requireMono16(wav, { rate: 16000 }, c.input);
          if (c.reference !== null) {
            const ref = await readWav(c.reference);
            requireMono16(ref, { rate: 16000 }, c.reference);
            expect(ref.frames).to.equal(wav.frames);
          }
        }
      });
    }

    it('manifest.schema.json lists the same keys and modes as the validator', async () => {
      const schema = JSON.parse(await readFile(join(REPO, 'vectors', 'manifest.schema.json'), 'utf8')) as {
        properties: Record<string, unknown>;
        $defs: { case: { properties: Record<string, unknown> }; tolerance: { oneOf: Array<{ properties: Record<string, { const?: string }> }> } };
      };
      expect(Object.keys(schema.properties)).to.have.members([...MANIFEST_KEYS]);
      expect(Object.keys(schema.$defs.case.properties)).to.have.members([...CASE_KEYS]);
      expect(schema.$defs.tolerance.oneOf.map((t) => t.properties.mode!.const)).to.have.members([...TOLERANCE_MODES]);
    });
  });
});
