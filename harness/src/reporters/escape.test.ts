import { expect } from 'chai';

import { escapeHtml, escapeMarkdown, slug, visibleControls, xmlSafe } from './escape.ts';

describe('escape', () => {
  it('escapeHtml neutralises tags, attributes and quotes', () => {
    expect(escapeHtml('<script>alert(1)</script>')).to.equal('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(escapeHtml(`"><img src=x onerror='a'>`)).to.equal('&quot;&gt;&lt;img src=x onerror=&#39;a&#39;&gt;');
    expect(escapeHtml('a & b`')).to.equal('a &amp; b&#96;');
    expect(escapeHtml(42)).to.equal('42');
  });

  it('makes control characters visible but keeps tab and newline', () => {
    expect(visibleControls('a\u001b[31mb\u0000\tc\n')).to.equal('a\\x1b[31mb\\x00\tc\n');
    expect(visibleControls('x\ud800y')).to.equal('x\ufffdy');
    expect(visibleControls('ok \ud83d\ude00')).to.equal('ok \ud83d\ude00');
    expect(xmlSafe('\u0007')).to.equal('\\x07');
  });

  it('escapeMarkdown keeps a value inside its table cell and shows HTML as text', () => {
    const s = escapeMarkdown('a|b\n| c | <img src=x> *bold* [l](u) $x$');
    expect(s).to.not.include('\n');
    expect(s).to.not.match(/(^|[^\\])\|/);
    expect(s).to.include('&lt;img src=x&gt;');
    expect(s).to.include('\\*bold\\*');
    expect(s).to.include('\\[l\\](u)');
    expect(s).to.include('\\$x\\$');
  });

  it('slug keeps only safe file-name characters', () => {
    expect(slug('edge/<script>alert(1)</script>')).to.equal('edge-script-alert-1-script');
    expect(slug('../../etc')).to.equal('etc');
    expect(slug('////')).to.equal('case');
  });
});
