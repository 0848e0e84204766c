import { expect } from 'chai';

import { caseId, compilePattern, parseShard, selectCases } from './plan.ts';

const cases = ['smoke/silence', 'smoke/tone-1k', 'speech/a-0db', 'speech/a-10db', 'speech/b-5db', 'edge/dc', 'edge/short'].map((id) => {
  const [suite, name] = id.split('/') as [string, string];
  return { suite, name, tags: name.includes('db') ? ['speech', 'noisy'] : [suite] };
});

describe('case selection and sharding', () => {
  it('selects by tag and by glob or regex on suite/name', () => {
    expect(selectCases(cases, { tags: ['noisy'], grep: null, shard: null }).map(caseId)).to.deep.equal(['speech/a-0db', 'speech/a-10db', 'speech/b-5db']);
    expect(selectCases(cases, { tags: [], grep: 'speech/a-*', shard: null }).map(caseId)).to.deep.equal(['speech/a-0db', 'speech/a-10db']);
    expect(selectCases(cases, { tags: [], grep: '^edge/', shard: null }).map(caseId)).to.deep.equal(['edge/dc', 'edge/short']);
  });

  it('shards partition the selection: disjoint, complete, deterministic', () => {
    const all = selectCases(cases, { tags: [], grep: null, shard: null }).map(caseId);
    for (const n of [1, 2, 3, 7, 9]) {
      const parts = Array.from({ length: n }, (_, i) => selectCases(cases, { tags: [], grep: null, shard: { index: i + 1, count: n } }).map(caseId));
      expect(parts.flat().sort()).to.deep.equal(all.slice().sort());
      expect(new Set(parts.flat()).size).to.equal(all.length);
      const again = selectCases([...cases].reverse(), { tags: [], grep: null, shard: { index: 1, count: n } }).map(caseId);
      expect(again).to.deep.equal(parts[0]);
    }
  });

  it('rejects malformed shards and patterns with usage errors', () => {
    expect(parseShard('2/3')).to.deep.equal({ index: 2, count: 3 });
    for (const bad of ['0/2', '3/2', '1', 'a/b', '1/0']) expect(() => parseShard(bad)).to.throw(/--shard .*expected i\/n/);
    expect(() => compilePattern('(')).to.throw(/--grep "\(": not a valid pattern/);
  });
});
