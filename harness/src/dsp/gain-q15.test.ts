import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { EXP2_Q30_TABLE } from './exp2-table.ts';
import { applyGainQ15, dbToGainQ15, GAIN_Q15_MAX } from './gain-q15.ts';

const FIRMWARE = fileURLToPath(new URL('../../../firmware/', import.meta.url));
const TEST_Q = `${FIRMWARE}build/host/test_q`;

describe('dsp/gain-q15', () => {
  describe('exp2 table', () => {
    it('has 65 entries from 2^30 to 2^31, each round(2^(k/64) * 2^30)', () => {
      expect(EXP2_Q30_TABLE).to.have.length(65);
      expect(EXP2_Q30_TABLE[0]).to.equal(2 ** 30);
      expect(EXP2_Q30_TABLE[64]).to.equal(2 ** 31);
      EXP2_Q30_TABLE.forEach((v, k) => expect(Math.abs(v - 2 ** (k / 64) * 2 ** 30)).to.be.at.most(0.5 + 1e-6));
    });
  });

  describe('dbToGainQ15', () => {
    it('maps 0 dB to 32768 (unity)', () => {
      expect(dbToGainQ15(0)).to.equal(32768);
    });

    it('maps +6.0206 dB to ~65536 within 0.1 %', () => {
      const g = dbToGainQ15(Math.round(6.0206 * 256));
      expect(Math.abs(g - 65536) / 65536).to.be.below(0.001);
    });

    it('matches known values', () => {
      // computed by the C implementation (firmware/models/common/hil_q.h)
      expect(dbToGainQ15(-1536)).to.be.closeTo(32768 * 10 ** (-6 / 20), 1); // -6 dB
      expect(dbToGainQ15(20 * 256)).to.be.closeTo(327680, 327680 * 5e-5); // +20 dB
      expect(dbToGainQ15(-60 * 256)).to.be.closeTo(32.768, 0.5); // -60 dB
      expect(dbToGainQ15(24 * 256)).to.be.closeTo(32768 * 10 ** (24 / 20), 32768 * 10 ** (24 / 20) * 5e-5);
      expect(dbToGainQ15(0x7fffffff)).to.equal(GAIN_Q15_MAX);
      expect(dbToGainQ15(24661)).to.equal(GAIN_Q15_MAX);
      expect(dbToGainQ15(-0x80000000)).to.equal(0);
      expect(dbToGainQ15(-30000)).to.equal(0);
    });

    it('is monotonic (non-decreasing) and accurate', () => {
      let prev = -1;
      for (let db = -24 * 1024; db <= 24660; db++) {
        const g = dbToGainQ15(db);
        expect(g).to.be.at.least(prev);
        prev = g;
        const want = 32768 * 10 ** (db / 256 / 20);
        if (Math.abs(g - want) > 0.5 + 5e-5 * want) expect.fail(`dbToGainQ15(${db}) = ${g}, want ~${want}`);
      }
    });

    it('rejects non-int32 input', () => {
      expect(() => dbToGainQ15(0.5)).to.throw(RangeError);
      expect(() => dbToGainQ15(2 ** 31)).to.throw(RangeError);
    });
  });

  describe('applyGainQ15', () => {
    it('rounds half up and saturates to int16', () => {
      const x = Int16Array.from([12345, -32768, 1, -1, 3, 20000, -20000, 32767]);
      expect(Array.from(applyGainQ15(x, 32768))).to.deep.equal(Array.from(x));
      expect(Array.from(applyGainQ15(x.subarray(2, 5), 16384))).to.deep.equal([1, 0, 2]);
      expect(Array.from(applyGainQ15(x.subarray(5, 8), 65536))).to.deep.equal([32767, -32768, 32767]);
      expect(Array.from(applyGainQ15(x.subarray(7, 8), GAIN_Q15_MAX))).to.deep.equal([32767]);
    });
  });

  describe('bit-exact with the C implementation', function () {
    this.timeout(120_000);
    let sweep = '';

    before(function () {
      try {
        execFileSync('make', ['-s', '-C', FIRMWARE, 'build/host/test_q'], { stdio: ['ignore', 'ignore', 'pipe'] });
      } catch (e) {
        if (!existsSync(TEST_Q)) {
          // no C toolchain here: the cross check cannot run
          console.warn(`cannot build ${TEST_Q}: ${(e as Error).message}`);
          this.skip();
        }
        throw e;
      }
      sweep = execFileSync(TEST_Q, ['--sweep'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    });

    it('dbToGainQ15 and applyGainQ15 equal hil_db_to_gain_q15 and hil_apply_gain_q15', () => {
      let gains = 0;
      let applies = 0;
      const mismatches: string[] = [];
      for (const line of sweep.split('\n')) {
        if (line === '') continue;
        const f = line.split(' ');
        if (f[0] === 'g') {
          gains++;
          const got = dbToGainQ15(Number(f[1]));
          if (got !== Number(f[2])) mismatches.push(`${line} (ts ${got})`);
        } else if (f[0] === 'a') {
          applies++;
          const got = applyGainQ15(Int16Array.of(Number(f[1])), Number(f[2]))[0];
          if (got !== Number(f[3])) mismatches.push(`${line} (ts ${got})`);
        } else {
          mismatches.push(`unexpected line ${line}`);
        }
      }
      expect(mismatches.slice(0, 10)).to.deep.equal([]);
      expect(gains).to.be.above(30000);
      expect(applies).to.be.above(100);
    });
  });
});
