import { expect } from 'chai';

import { HarnessError } from '../core/errors.ts';
import { classifyFault, isRetryable, sameFault } from './classify-fault.ts';

describe('runner/classify-fault', () => {
  const fault = new HarnessError('DEVICE', 'device fault', { frame: 3, fault: { kind: 'hardfault', pc: '0x00000212', cause: 'undefined instruction', frame: '3' } });
  const boot = new HarnessError('DEVICE', 'reset', { frame: 7, boot: { reason: 'sysreset' } });
  const stall = new HarnessError('LINK', 'silent', { frame: 4, unresponsive: 1, stalledMs: 2001 });
  const died = new HarnessError('TARGET', 'killed', { exitStatus: 'killed by SIGSEGV' });
  const refusal = new HarnessError('DEVICE', 'refused', { deviceCode: 'PARAM_RANGE' });
  const eof = new HarnessError('LINK', 'end of stream', {});

  it('recognises each kind of device fault with its frame and detail', () => {
    expect(classifyFault(fault, { detectionMs: 1.4 })).to.deep.equal({ kind: 'crash', detail: 'hardfault: undefined instruction', frame: 3, pc: '0x00000212', detectionMs: 1 });
    expect(classifyFault(boot)).to.include({ kind: 'reset', detail: 'BOOT reason=sysreset', frame: 7 });
    expect(classifyFault(stall, { detectionMs: 2001 })).to.include({ kind: 'unresponsive', frame: 4, detectionMs: 2001 });
    expect(classifyFault(died, { frame: 9 })).to.include({ kind: 'exited', detail: 'killed by SIGSEGV', frame: 9 });
  });

  it('is null for what is not a device fault', () => {
    expect(classifyFault(refusal)).to.equal(null);
    expect(classifyFault(eof)).to.equal(null);
    expect(classifyFault(new Error('bug'))).to.equal(null);
  });

  it('never retries what the device reported itself; retries silence, deaths and link errors', () => {
    expect(isRetryable(fault, classifyFault(fault))).to.equal(false);
    expect(isRetryable(boot, classifyFault(boot))).to.equal(false);
    expect(isRetryable(refusal, null)).to.equal(false);
    expect(isRetryable(stall, classifyFault(stall))).to.equal(true);
    expect(isRetryable(died, classifyFault(died))).to.equal(true);
    expect(isRetryable(eof, null)).to.equal(true);
  });

  it('calls a fault reproduced only for the same kind at the same frame', () => {
    const a = classifyFault(stall);
    expect(sameFault(a, classifyFault(stall))).to.equal(true);
    expect(sameFault(a, classifyFault(new HarnessError('LINK', 's', { frame: 5, unresponsive: 1 })))).to.equal(false);
    expect(sameFault(a, classifyFault(died, { frame: 4 }))).to.equal(false);
    expect(sameFault(a, null)).to.equal(false);
  });
});
