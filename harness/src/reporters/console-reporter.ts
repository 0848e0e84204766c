/**
 * Console progress for `hil run`. On a TTY: one live line (case i/n, id, frames, audio seconds
 * per second, ETA) redrawn in place with \r, and a permanent line per finished case. Without a TTY
 * (CI logs): plain lines at case start and end, no progress redraws. At the end a short summary
 * (the caller prints the path of report.html). Writes only to the stream it is given.
 */
import { divergenceLine } from '../assertions/stage-divergence.ts';
import { fmtQ, fmtSignedQ, reportQuality } from './quality-summary.ts';
import { runStageSummary, topShares } from './stage-summary.ts';
import type { CaseResult, RunReport } from '../core/results.ts';
import { visibleControls } from './escape.ts';
import { RUN_STATUS_LABEL, countsSentence, failureReasons, fmtInt, fmtPct, fmtSeconds, isNum, realTimeFactor, retryNote } from './report-format.ts';
import type { CaseStartInfo, ProgressInfo, Reporter, RunStartInfo } from './reporter.ts';

export interface ConsoleStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ConsoleReporterOptions {
  readonly stream?: ConsoleStream;
  /** Override TTY detection (default: `stream.isTTY`). */
  readonly tty?: boolean;
  /** Milliseconds clock (injectable for tests). */
  readonly now?: () => number;
  /** Minimum milliseconds between live-line redraws (default 100). */
  readonly redrawMs?: number;
}

interface Active {
  readonly id: string;
  readonly index: number;
  readonly total: number;
  readonly startedAt: number;
  framesDone: number;
  framesTotal: number;
}

const STATUS_WORD: Record<CaseResult['status'], string> = { passed: 'PASS', failed: 'FAIL', error: 'ERROR', skipped: 'SKIP' };

/** Seconds as `1m05s` / `12s`. */
function eta(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  const r = Math.round(s);
  return r >= 60 ? `${Math.floor(r / 60)}m${String(r % 60).padStart(2, '0')}s` : `${r}s`;
}

/** One-line, printable form of an untrusted string (no escape sequences reach the terminal). */
function clean(s: string): string {
  return visibleControls(s).replace(/[\r\n\t]+/g, ' ');
}

export function createConsoleReporter(opts: ConsoleReporterOptions = {}): Reporter {
  const stream: ConsoleStream = opts.stream ?? process.stderr;
  const tty = opts.tty ?? stream.isTTY === true;
  const now = opts.now ?? (() => Date.now());
  const redrawMs = opts.redrawMs ?? 100;
  const active = new Map<string, Active>();
  let lastShown: string | null = null;
  let lineShown = false;
  let lastDraw = Number.NEGATIVE_INFINITY;
  /** Audio seconds per frame: from the caller (the handshake's hop / rate), else learned from finished cases. */
  let secondsPerFrame: number | null = null;
  let totalCases = 0;
  let finished = 0;

  const clearLine = () => {
    if (tty && lineShown) {
      stream.write('\r\x1b[2K');
      lineShown = false;
    }
  };

  const liveText = (a: Active): string => {
    const elapsed = (now() - a.startedAt) / 1000;
    const fps = elapsed > 0 ? a.framesDone / elapsed : 0;
    if (a.framesTotal === 0) return `[${a.index + 1}/${a.total}] ${clean(a.id)}  starting…`;
    const rate = secondsPerFrame !== null ? fps * secondsPerFrame : undefined;
    const left = fps > 0 ? (a.framesTotal - a.framesDone) / fps : Number.NaN;
    const others = active.size > 1 ? ` (+${active.size - 1} running)` : '';
    const speed = rate !== undefined && isNum(rate) ? `${rate.toFixed(2)} audio-s/s` : `${fps.toFixed(0)} frames/s`;
    const text = `[${a.index + 1}/${a.total}] ${clean(a.id)}  frames ${a.framesDone}/${a.framesTotal}  ${speed}  ETA ${eta(left)}${others}`;
    const width = stream.columns && stream.columns > 20 ? stream.columns - 1 : 200;
    return text.length > width ? `${text.slice(0, width - 1)}…` : text;
  };

  const draw = (force: boolean) => {
    if (!tty || lastShown === null) return;
    const a = active.get(lastShown);
    if (!a) return;
    const t = now();
    if (!force && t - lastDraw < redrawMs) return;
    lastDraw = t;
    stream.write(`\r\x1b[2K${liveText(a)}`);
    lineShown = true;
  };

  const println = (line: string) => {
    clearLine();
    stream.write(`${line}\n`);
    draw(true);
  };

  return {
    name: 'console',
    onRunStart(info: RunStartInfo) {
      totalCases = info.totalCases;
      println(`hil run ${clean(info.runId)}: ${info.totalCases} case${info.totalCases === 1 ? '' : 's'} on ${clean(info.target)}`);
    },
    onCaseStart(c: CaseStartInfo) {
      active.set(c.id, { id: c.id, index: c.index, total: c.total, startedAt: now(), framesDone: 0, framesTotal: 0 });
      lastShown = c.id;
      if (!tty) stream.write(`[${c.index + 1}/${c.total}] start ${clean(c.id)}\n`);
      else draw(true);
    },
    onProgress(p: ProgressInfo) {
      const a = active.get(p.id);
      if (!a) return;
      a.framesDone = p.framesDone;
      a.framesTotal = p.framesTotal;
      if (p.secondsPerFrame !== undefined) secondsPerFrame = p.secondsPerFrame;
      lastShown = p.id;
      draw(p.framesDone >= p.framesTotal);
    },
    onCaseEnd(c: CaseResult) {
      const a = active.get(c.id);
      active.delete(c.id);
      finished++;
      if (c.frames > 0 && c.audioSeconds > 0) secondsPerFrame = c.audioSeconds / c.frames;
      if (lastShown === c.id) lastShown = active.size > 0 ? [...active.keys()].at(-1)! : null;
      const pos = a ? `[${a.index + 1}/${a.total}]` : `[${finished}/${totalCases || '?'}]`;
      const facts: string[] = [];
      if (c.frames > 0) facts.push(`${c.frames} frames`, fmtSeconds(c.wallMs / 1000));
      if (c.board) facts.push(`on ${c.board.name}`);
      if (c.margin && c.margin.status !== 'not-applicable' && isNum(c.margin.margin)) facts.push(`margin ${fmtPct(c.margin.margin)}${c.margin.estimated ? ' (estimated)' : ''}`);
      const retry = retryNote(c);
      const why = c.status === 'failed' || c.status === 'error' ? failureReasons(c)[0] : (retry ?? undefined);
      const word = c.status === 'passed' && retry ? `PASS ${retry.slice(0, retry.indexOf(':'))}` : STATUS_WORD[c.status].padEnd(5);
      println(`${pos} ${word} ${clean(c.id)}${facts.length ? `  (${facts.join(', ')})` : ''}${why ? `: ${clean(c.status === 'passed' ? why.slice(why.indexOf(':') + 2) : why)}` : ''}`);
      if (c.firstDivergence) println(`      ${clean(divergenceLine(c.firstDivergence))}`);
      if (!tty || active.size === 0) clearLine();
    },
    onRunEnd(r: RunReport) {
      clearLine();
      lastShown = null;
      const rtf = realTimeFactor(r);
      stream.write(
        `\n${RUN_STATUS_LABEL[r.status]}: ${countsSentence(r)}; ${fmtSeconds(r.summary.audioSeconds)} of audio in ${fmtSeconds(r.summary.wallSeconds)}` +
          `${rtf !== null ? ` (${rtf.toFixed(1)}x real time)` : ''}\n`,
      );
      if (r.baseline && r.baseline.regressions > 0) stream.write(`baseline: ${r.baseline.regressions} cycle regression(s) against ${clean(r.baseline.path)}\n`);
      if (r.resources?.status === 'fail') stream.write(`resources: ${clean(r.resources.message)}\n`);
      for (const q of reportQuality(r).suites) {
        const parts = [`${q.cases} case${q.cases === 1 ? '' : 's'}`];
        if (q.minDeploymentSnrDb !== null) parts.push(`float-model SNR >= ${fmtQ(q.minDeploymentSnrDb)} dB`);
        if (q.improvement?.siSdrDb != null) parts.push(`mean SI-SDR ${fmtSignedQ(q.improvement.siSdrDb)} dB`);
        if (q.improvement?.stoi != null) parts.push(`STOI ${fmtSignedQ(q.improvement.stoi, 3)}`);
        stream.write(`quality ${clean(q.suite)}: ${parts.join(', ')}\n`);
      }
      const st = runStageSummary(r);
      if (st) stream.write(`stages: ${clean(topShares(st.rows, 5))} of ${fmtInt(st.rows.reduce((a, x) => a + x.median, 0))} ${st.unit} per frame (median; ${st.cases} profiled case${st.cases === 1 ? '' : 's'})\n`);
      // The path of report.html is the caller's last line (hil run prints it on stdout, once).
    },
  };
}
