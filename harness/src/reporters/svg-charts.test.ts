import { expect } from 'chai';

import { cyclesHistogram, outlierCut } from './svg-cycles-histogram.ts';
import { cyclesChart } from './svg-cycles-chart.ts';
import { waveformChart } from './svg-waveform-chart.ts';

const attr = (svg: string, cls: string, name: string): number => {
  const m = svg.match(new RegExp(`<line class="${cls}"[^>]* ${name}="([-\\d.]+)"`));
  if (!m) throw new Error(`no ${cls} ${name}`);
  return Number(m[1]);
};

describe('svg charts', () => {
  const flat = Array.from({ length: 300 }, (_, i) => 250_000 + (i % 8 === 7 ? 30_000 : 0));

  describe('cyclesChart', () => {
    it('draws the series, the budget and the required-margin limit at their values', () => {
      const svg = cyclesChart({ cycles: flat, budget: 1_000_000, requiredMargin: 0.1, unit: 'cycles', title: 't' }).value;
      expect(svg).to.match(/^<svg class="chart cycles-chart"[^>]* width="720" height="240"/);
      expect(svg).to.match(/<path class="series-line" d="M[-\d.,L]+"/);
      const zero = 240 - 38;
      const yBudget = attr(svg, 'budget-line', 'y1');
      const yLimit = attr(svg, 'limit-line', 'y1');
      expect((zero - yLimit) / (zero - yBudget)).to.be.closeTo(0.9, 0.005);
      expect(svg).to.include('budget 1,000,000 per frame');
      expect(svg).to.include('worst: frame 7, 280,000');
    });

    it('marks a worst frame over the limit as bad and has no budget line without a clock', () => {
      const spiky = flat.map((v, i) => (i === 143 ? 950_000 : v));
      expect(cyclesChart({ cycles: spiky, budget: 1_000_000, requiredMargin: 0.1, unit: 'cycles', title: 't' }).value).to.include('class="worst worst-bad"');
      const none = cyclesChart({ cycles: flat, budget: null, requiredMargin: 0.1, unit: 'cycles', title: 't' }).value;
      expect(none).to.not.include('budget-line');
      expect(none).to.not.include('limit-line');
    });

    it('escapes the title', () => {
      const svg = cyclesChart({ cycles: flat, budget: null, requiredMargin: 0, unit: 'cycles', title: '<script>x</script>' }).value;
      expect(svg).to.include('<title>&lt;script&gt;x&lt;/script&gt;</title>');
    });
  });

  describe('cyclesHistogram', () => {
    const barCounts = (svg: string) => [...svg.matchAll(/<title>[^<]*: (\d+) frames<\/title><\/rect>/g)].map((m) => Number(m[1]));

    it('bins every frame exactly once', () => {
      const svg = cyclesHistogram({ cycles: flat, budget: 1_000_000, unit: 'cycles', title: 't' }).value;
      expect(barCounts(svg).reduce((a, b) => a + b, 0)).to.equal(flat.length);
      expect(svg).to.not.include('class="outliers"');
      expect(svg).to.include('median 250,000');
    });

    it('gathers far outliers in one separate bar', () => {
      const spiky = flat.map((v, i) => (i === 10 || i === 200 ? 900_000 : v));
      expect(outlierCut(spiky)).to.be.a('number');
      expect(outlierCut(flat)).to.equal(null);
      const svg = cyclesHistogram({ cycles: spiky, budget: 1_000_000, unit: 'cycles', title: 't' }).value;
      expect(barCounts(svg).reduce((a, b) => a + b, 0)).to.equal(spiky.length - 2);
      expect(svg).to.match(/<g class="outliers"><rect [^>]*><title>2 frames above [\d,]+ \(max 900,000\)<\/title>/);
    });
  });

  describe('waveformChart', () => {
    it('marks the first mismatch at its sample and draws one stem per differing sample', () => {
      const golden = Array.from({ length: 96 }, (_, i) => Math.round(8000 * Math.sin(i / 5)));
      const output = golden.map((v, i) => (i >= 48 && i % 3 === 0 ? v + 3 : v));
      const svg = waveformChart({ start: 5877, output, golden, firstMismatch: 5925, hop: 160, title: 'w' }).value;
      const left = 64;
      const right = 1080 - 16;
      const x = attr(svg, 'mismatch-line', 'x1');
      expect(x).to.be.closeTo(left + ((5925 - 5877) / 95) * (right - left), 0.02);
      const stems = svg.match(/<g class="diff-stems">([\s\S]*?)<\/g>/)![1]!.match(/<line /g) ?? [];
      expect(stems).to.have.length(output.filter((v, i) => v !== golden[i]).length);
      expect(svg).to.include('frame 37');
      expect(svg).to.include('first mismatch: sample 5925');
    });

    it('labels a 1-LSB difference axis with whole numbers only, none repeated', () => {
      const golden = Array.from({ length: 96 }, () => 0); // silence in, one LSB out: the smallest ranges
      const output = golden.map((v, i) => (i === 48 ? 1 : v));
      const svg = waveformChart({ start: 6359, output, golden, firstMismatch: 6407, hop: 160, title: 'w' }).value;
      for (const axis of [...svg.matchAll(/<g class="axis axis-y">([\s\S]*?)<\/g>/g)].map((m) => m[1]!)) {
        const labels = [...axis.matchAll(/text-anchor="end">([^<]*)</g)].map((m) => m[1]!);
        expect(labels.length).to.be.greaterThan(1);
        expect(new Set(labels).size, labels.join(' ')).to.equal(labels.length);
        for (const l of labels) expect(l.replace('−', '-'), labels.join(' ')).to.match(/^-?\d+$/);
      }
    });
  });
});
