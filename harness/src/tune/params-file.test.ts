import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { HarnessError } from '../core/errors.ts';
import type { ParamDesc } from '../protocol/device-info.ts';
import { defaultMacro, parseParamsFile, PARAMS_FILE_SCHEMA, readParamsFile, renderParamsHeader, renderParamsJson, type ParamsFile } from './params-file.ts';

const TABLE: ParamDesc[] = [
  { id: 0, name: 'input_gain_db', unit: 'dB', fracBits: 8, min: -6144, max: 6144, def: 0 },
  { id: 1, name: 'bypass', unit: 'bool', fracBits: 0, min: 0, max: 1, def: 0 },
];

const FILE: ParamsFile = {
  schema: PARAMS_FILE_SCHEMA,
  params: { input_gain_db: 6.5, bypass: 0 },
  generatedBy: 'hil tune (tune-x) */ evil',
  case: 'speech/clean-en-us-m',
  firmware: { name: 'hil-sim-model-s', version: '0.1.0', build: 'abc', model: 'model-s', weights: 'w' },
  createdAt: '2026-01-01T00:00:00.000Z',
};

describe('parameter file', () => {
  it('round-trips through JSON', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hil-params-'));
    try {
      const f = path.join(dir, 'params.json');
      await writeFile(f, renderParamsJson(FILE));
      expect(await readParamsFile(f)).to.deep.equal(FILE);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('renders a C header of raw values, comment-safe, range-checked', () => {
    const h = renderParamsHeader(FILE, TABLE);
    expect(h).to.include('#define HIL_PARAM_DEFAULT_INPUT_GAIN_DB (1664) /* 6.5 dB, frac_bits 8 */');
    expect(h).to.include('#define HIL_PARAM_DEFAULT_BYPASS (0)');
    expect(h).not.to.include('*/ evil');
    expect(h.match(/\*\//g)!.length).to.equal(h.match(/\/\*/g)!.length); // every comment closes once
    expect(defaultMacro('limiter_dbfs')).to.equal('HIL_PARAM_DEFAULT_LIMITER_DBFS');
    expect(() => renderParamsHeader({ ...FILE, params: { input_gain_db: 30 } }, TABLE)).to.throw(HarnessError, /outside the device's range/);
    expect(() => renderParamsHeader({ ...FILE, params: { gain: 1 } }, TABLE)).to.throw(HarnessError, /no such parameter/);
  });

  it('rejects malformed files naming the file and key', async () => {
    expect(() => parseParamsFile([], 'p.json')).to.throw(HarnessError, /^p\.json: expected a JSON object/);
    expect(() => parseParamsFile({ params: { g: '6' } }, 'p.json')).to.throw(HarnessError, /p\.json: params\.g: "6" is not a finite number/);
    expect(() => parseParamsFile({ params: { 'a b': 1 } }, 'p.json')).to.throw(HarnessError, /is not a parameter name/);
    let err: unknown;
    try {
      await readParamsFile('/nonexistent/params.json');
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(HarnessError);
    expect((err as HarnessError).message).to.equal('--params-file /nonexistent/params.json: file not found');
  });
});
