import { expect } from 'chai';

import { formatDoctor, judge, judgeNode } from './checks.ts';

describe('hil doctor verdicts', () => {
  it('names the Debian packages to install for what is missing', () => {
    const r = [
      judgeNode('v20.11.0'),
      judge({ name: 'qemu-system-arm', why: 'x', debian: 'qemu-system-arm', required: true }, { found: false }),
      judge({ name: 'clang', why: 'y', debian: 'clang', required: false }, { found: false }),
    ];
    const { text, ok } = formatDoctor(r);
    expect(ok).to.equal(false);
    expect(text).to.contain('[MISS] qemu-system-arm').and.contain('[warn] clang');
    expect(text).to.contain('sudo apt-get install qemu-system-arm clang');
  });

  it('passes when only optional tools are missing; rejects Node < 20', () => {
    expect(formatDoctor([judgeNode('v20.1.0'), judge({ name: 'clang', why: 'y', debian: 'clang', required: false }, { found: false })]).ok).to.equal(true);
    expect(judgeNode('v18.19.0').status).to.equal('missing');
  });
});
