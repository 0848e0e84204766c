import { expect } from 'chai';

import { builtinProfile } from '../../config/builtin-profiles.ts';
import type { DeviceInfo } from '../../protocol/device-info.ts';
import { formatBudget, formatInfo } from './info.ts';

function info(o: Partial<DeviceInfo> = {}): DeviceInfo {
  return {
    proto: 1, fw: 'fw', fwVersion: '0', build: 'b', board: 'qemu-mps2-an386', model: 'model-s', modelVersion: '0', modelDesc: 'd', weights: '0',
    rate: 16000, hop: 160, format: 's16le', channels: 1, latency: 160, clock: 25_000_000, counter: 'icount', window: 8, history: 8, maxPayload: 1024, params: [],
    ...o,
  };
}

describe('hil info formatting', () => {
  it('states the budget hil run applies: the profile clock per frame, not the device timer clock', () => {
    const line = formatBudget({ ...builtinProfile('qemu'), clockHz: 100e6, cpi: 1.25, requiredMargin: 0.1 }, info());
    expect(line).to.equal('budget        1000000 cycles/frame at 100000000 Hz (profile qemu; estimated cycles = instructions x CPI 1.25), required margin 10.0 %');
    expect(formatInfo(info())).to.match(/^clock\s+25000000 Hz \(as the device reports it\)$/m);
  });

  it('says true cycles for a cycle counter, and not applicable without one', () => {
    const board = { name: 'bench', clockHz: 168e6, cpi: 1, requiredMargin: 0.2 };
    expect(formatBudget(board, info({ counter: 'dwt', rate: 16000, hop: 160 }))).to.equal(
      'budget        1680000 cycles/frame at 168000000 Hz (profile bench; dwt cycles), required margin 20.0 %',
    );
    expect(formatBudget(board, info({ counter: 'none' }))).to.contain('n/a: counter none');
  });
});
