/** Plain-text level tables for the terminal (prompt and sweep summary). Pure. */
import type { LevelMetrics, SnrMetrics } from '../dsp/level-metrics.ts';

export interface LevelColumn {
  readonly label: string;
  readonly levels: LevelMetrics;
  readonly snr?: SnrMetrics | null;
}

const num = (x: number | null | undefined, d = 2) => (x === null || x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(d));
const sgn = (x: number | null | undefined, d = 2) => (x === null || x === undefined ? '-' : `${x >= 0 ? '+' : ''}${x.toFixed(d)}`);

interface Row {
  readonly name: string;
  readonly get: (c: LevelColumn) => number | null | undefined;
  readonly digits?: number;
  readonly signed?: boolean;
}

const ROWS: readonly Row[] = [
  { name: 'active level dBov (P.56)', get: (c) => c.levels.activeDbov },
  { name: 'activity', get: (c) => c.levels.activity, digits: 3 },
  { name: 'RMS dBFS', get: (c) => c.levels.rmsDbfs },
  { name: 'peak dBFS', get: (c) => c.levels.peakDbfs },
  { name: 'crest factor dB', get: (c) => c.levels.crestDb, digits: 1 },
  { name: 'noise floor dBFS', get: (c) => c.levels.noiseFloorDbfs, digits: 1 },
  { name: 'clipped samples', get: (c) => c.levels.clipped, digits: 0 },
];

const SNR_ROWS: readonly Row[] = [
  { name: 'SNR in -> out dB', get: () => null },
  { name: 'SNR improvement dB', get: (c) => c.snr?.improvementDb, signed: true },
  { name: 'segmental SNR improvement dB', get: (c) => c.snr?.segImprovementDb, signed: true },
];

/**
 * Rows of metrics, one column per signal; with `diff`, a last column B - A for two columns.
 * SNR rows appear when any column has SNR metrics.
 */
export function formatLevelTable(cols: readonly LevelColumn[], o: { diff?: boolean } = {}): string {
  const withSnr = cols.some((c) => c.snr);
  const rows = withSnr ? [...ROWS, ...SNR_ROWS] : ROWS;
  const labelW = Math.max(...rows.map((r) => r.name.length));
  const diff = o.diff === true && cols.length === 2;
  const cell = (r: Row, c: LevelColumn): string => {
    if (r.name.startsWith('SNR in')) return c.snr ? `${num(c.snr.inputSnrDb, 1)} -> ${num(c.snr.outputSnrDb, 1)}` : '-';
    const v = r.get(c);
    return r.signed ? sgn(v, r.digits ?? 2) : num(v, r.digits ?? 2);
  };
  const table = rows.map((r) => {
    const cells = cols.map((c) => cell(r, c));
    if (diff) {
      const a = r.get(cols[0]!);
      const b = r.get(cols[1]!);
      cells.push(typeof a === 'number' && typeof b === 'number' && !r.name.startsWith('SNR in') ? sgn(b - a, r.digits ?? 2) : '');
    }
    return { name: r.name, cells };
  });
  const heads = [...cols.map((c) => c.label), ...(diff ? ['B - A'] : [])];
  const widths = heads.map((h, i) => Math.max(h.length, ...table.map((t) => t.cells[i]!.length)));
  const line = (name: string, cells: string[]) => `${name.padEnd(labelW)}  ${cells.map((c, i) => c.padStart(widths[i]!)).join('  ')}`.trimEnd();
  return [line('', heads), ...table.map((t) => line(t.name, t.cells))].join('\n');
}

/**
 * ", SNR 5.0 -> 11.2 dB (+6.20)" for a progress line, or "" without a clean reference. A clean
 * input (its own reference) has no finite input SNR: the output SNR alone is the damage figure.
 */
export function snrText(snr: SnrMetrics | null | undefined): string {
  if (!snr) return '';
  if (snr.outputSnrDb === null) return snr.inputSnrDb === null ? ', output identical to the clean reference' : '';
  const gain = snr.improvementDb === null ? '' : ` (${sgn(snr.improvementDb)})`;
  return `, SNR ${num(snr.inputSnrDb, 1) === '-' ? 'clean' : num(snr.inputSnrDb, 1)} -> ${num(snr.outputSnrDb, 1)} dB${gain}`;
}
