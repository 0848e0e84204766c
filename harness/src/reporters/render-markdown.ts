/**
 * summary.md for a CI job summary (GitHub `$GITHUB_STEP_SUMMARY`, GitLab): the verdict line, one
 * table row per case (status, output verdict, cycles median/max, margin, baseline change), why
 * each failed case failed, and the environment. Device-, vector- and config-supplied strings are
 * escaped for Markdown and HTML. Pure.
 */
import { describeBoardRecord } from '../core/board-record.ts';
import type { CaseResult, RunReport, RunStatus } from '../core/results.ts';
import { escapeMarkdown as md, visibleControls } from './escape.ts';
import { QUALITY_NOTE, enhancementCell, fmtQ, inOut, reportQuality } from './quality-summary.ts';
import { reliabilityLines } from './reliability-summary.ts';
import { runStageSummary } from './stage-summary.ts';
import {
  RUN_STATUS_LABEL,
  baselineSummary,
  caseCycles,
  counterDescription,
  countsSentence,
  cycleUnit,
  cycleUnitShort,
  calibrationText,
  failureReasons,
  fmtHz,
  fmtInt,
  fmtSeconds,
  marginSummary,
  outputSummary,
  realTimeFactor,
} from './report-format.ts';

const RUN_ICON: Record<RunStatus, string> = { passed: '✅', failed: '❌', error: '⛔', incomplete: '⚠️' };
const CASE_ICON: Record<CaseResult['status'], string> = { passed: '✅', failed: '❌', error: '⛔', skipped: '⏭️' };

/**
 * A `code` span: content is shown literally (no Markdown, no HTML inside code spans), so only
 * backticks, line breaks and, inside a table, pipes need care.
 */
function code(value: unknown, inTable = true): string {
  let s = visibleControls(String(value)).replace(/[\r\n\t]+/g, ' ');
  if (inTable) s = s.replace(/\|/g, '\\|');
  const runs = s.match(/`+/g) ?? [];
  const fence = '`'.repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  const pad = s.startsWith('`') || s.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${s}${pad}${fence}`;
}

function caseRow(c: CaseResult, r: RunReport): string {
  const cyc = caseCycles(c, r.target);
  const cycles = cyc ? `${fmtInt(cyc.median)} / ${fmtInt(cyc.max)}` : r.target.counter === 'none' ? 'no counter' : '–';
  const cells = [
    `${CASE_ICON[c.status]} ${c.status}${c.earlierAttempts?.length ? ` after ${c.earlierAttempts.length} retr${c.earlierAttempts.length === 1 ? 'y' : 'ies'}` : ''}`,
    md(c.id),
    md(outputSummary(c).text),
    cycles,
    md(marginSummary(c).text),
    md(baselineSummary(c).text) + (c.baseline?.regression ? ' **regression**' : ''),
    enhancementCell(c),
  ];
  return `| ${cells.join(' | ')} |`;
}

function environment(r: RunReport): string[] {
  const t = r.target;
  const d = r.device;
  const rows: Array<[string, string]> = [
    ['Target', `${md(t.profile)} (${t.kind}): ${md(t.description)}`],
    ['Counter', md(counterDescription(t))],
    ['Clock / required margin', `${fmtHz(t.clockHz)} / ${(t.requiredMargin * 100).toFixed(1)} %`],
    ['Firmware build', d ? `${code(d.build)} (${md(d.fw)} ${md(d.fwVersion)}, board ${md(d.board)})` : 'unknown (no handshake)'],
    ['Firmware image', `${md(t.firmware)}${t.firmwareSha256 ? ` (sha256 ${code(t.firmwareSha256.slice(0, 16))})` : ''}`],
    ['Model', d ? `${md(d.model)} ${md(d.modelVersion)}: ${md(d.modelDesc)}` : 'unknown'],
    ['Link framing', d ? (d.framing === 2 ? 'v2: binary frames (COBS, CRC-32)' : 'v1: base64 lines') : 'unknown'],
    ['Weights', d ? code(d.weights) : 'unknown'],
    ['Audio', d ? `${d.rate} Hz, hop ${d.hop}, latency ${d.latency} samples` : 'unknown'],
    ['Host', `${md(r.environment.host)}, ${md(r.environment.platform)}, Node ${md(r.environment.node)}, hil ${md(r.environment.hilVersion)}`],
    ['Commit', r.environment.gitCommit ? code(r.environment.gitCommit) : 'unknown'],
    ['Command', code(r.command.join(' '))],
  ];
  if (t.board) rows.push(['Board', md(describeBoardRecord(t.board))]);
  if (t.labgrid) rows.push(['labgrid', md(`place ${t.labgrid.place} via ${t.labgrid.coordinator ?? 'the default coordinator'}: ${t.labgrid.port}, ${t.labgrid.released ? 'released' : 'NOT released'}`)]);
  if (t.pool) rows.push(['Pool', t.pool.map((m) => md(`${m.name} (${m.port ?? '?'}): ${m.status}${m.reason ? ` (${m.reason})` : ''}, ${m.cases} cases`)).join('; ')]);
  if (t.cpiCalibration) rows.push(['CPI calibration', md(calibrationText(t.cpiCalibration))]);
  if (t.linkFeasibility) rows.push(['Link feasibility', `${t.linkFeasibility.level}: ${md(t.linkFeasibility.message)}`]);
  if (r.resources) rows.push(['Resources', `${r.resources.status === 'not-applicable' ? 'not applicable' : r.resources.status}: ${md(r.resources.message)}`]);
  if (r.baseline) rows.push(['Baseline', `${md(r.baseline.path)} (threshold ${(r.baseline.threshold * 100).toFixed(1)} %, ${r.baseline.regressions} regression${r.baseline.regressions === 1 ? '' : 's'})`]);
  return ['| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)];
}

function qualitySection(r: RunReport): string[] {
  const { rows, suites } = reportQuality(r);
  if (rows.length === 0) return [];
  const out = ['', '### Quality', '', md(QUALITY_NOTE), ''];
  out.push('| Case | Float SNR dB | SI-SDR dB | SNR dB | seg. SNR dB | STOI |', '|---|---:|---|---|---|---|');
  for (const q of rows) {
    const f = q.deploymentSnrDb === null ? '–' : `${fmtQ(q.deploymentSnrDb)} (${fmtQ(q.activationSnrDb)})`;
    out.push(`| ${md(q.id)} | ${f} | ${inOut(q.input, q.output, q.improvement, 'siSdrDb')} | ${inOut(q.input, q.output, q.improvement, 'snrDb')} | ${inOut(q.input, q.output, q.improvement, 'segSnrDb')} | ${inOut(q.input, q.output, q.improvement, 'stoi')} |`);
  }
  for (const s of suites) {
    out.push(`| **${md(s.suite)}: mean of ${s.withReference} with reference** | min ${fmtQ(s.minDeploymentSnrDb)} | ${inOut(s.input, s.output, s.improvement, 'siSdrDb')} | ${inOut(s.input, s.output, s.improvement, 'snrDb')} | ${inOut(s.input, s.output, s.improvement, 'segSnrDb')} | ${inOut(s.input, s.output, s.improvement, 'stoi')} |`);
  }
  return out;
}

function stagesSection(r: RunReport): string[] {
  const s = runStageSummary(r);
  if (!s) return [];
  const out = ['', '### Where the cycles go', '', `Per-stage counts (${md(s.unit)}${s.estimated ? `; cycles are ${md(s.label)}` : ''}) over ${fmtInt(s.frames)} frames of ${s.cases} case(s); median of the case medians, share of all profiled frames.`, ''];
  out.push('| Stage | Median | Cycles | Max | Share |', '|---|---:|---:|---:|---:|');
  for (const row of s.rows) out.push(`| ${md(row.name)} | ${fmtInt(row.median)} | ${row.cycles === null ? '–' : fmtInt(row.cycles)} | ${fmtInt(row.max)} | ${(row.share * 100).toFixed(1)} % |`);
  return out;
}

export function renderMarkdown(r: RunReport): string {
  const rtf = realTimeFactor(r);
  const unit = cycleUnit(r.target);
  const lines: string[] = [];
  lines.push(`## ${RUN_ICON[r.status]} hil run ${md(r.runId)}: ${RUN_STATUS_LABEL[r.status]}`);
  lines.push('');
  lines.push(
    `**${countsSentence(r)}** · ${fmtSeconds(r.summary.audioSeconds)} of audio in ${fmtSeconds(r.summary.wallSeconds)}` +
      `${rtf !== null ? ` (${rtf.toFixed(1)}× real time)` : ''} · target **${md(r.target.profile)}** · exit code ${r.exitCode}`,
  );
  if (!r.complete) lines.push('', '> **Incomplete:** the run was interrupted before every selected case ran.');
  if (r.resources?.status === 'fail') lines.push('', `> **Resource budget exceeded:** ${md(r.resources.message)}`);
  lines.push('');
  lines.push(unit ? `Cycle figures are ${md(unit)} per frame.` : 'The target has no cycle counter: real-time margins are **not applicable** (not passed).');
  lines.push('');
  lines.push(`| Status | Case | Output | ${cycleUnitShort(r.target)} median / max | Margin | Baseline | Quality |`);
  lines.push('|---|---|---|---:|---|---|---|');
  for (const c of r.cases) lines.push(caseRow(c, r));
  const bad = r.cases.filter((c) => failureReasons(c, r.target).length > 0 && c.status !== 'skipped');
  if (bad.length > 0) {
    lines.push('', '### Failures', '');
    for (const c of bad) {
      const reasons = failureReasons(c, r.target);
      lines.push(`- **${md(c.id)}** (${c.status}): ${md(reasons[0]!)}`);
      for (const more of reasons.slice(1)) lines.push(`  - ${md(more)}`);
      if (c.outputWav) lines.push(`  - output: ${code(c.outputWav, false)}`);
    }
  }
  lines.push(...qualitySection(r));
  lines.push(...stagesSection(r));
  const reliability = reliabilityLines(r);
  if (reliability.length) lines.push('', '### Reliability', '', ...reliability.map((l) => `- ${md(l)}`));
  lines.push('', '### Environment', '', ...environment(r));
  lines.push('', `Full report: ${code('report.html', false)} in this run's folder (${code(r.runId, false)}); paths above are relative to it.`, '');
  return lines.join('\n');
}
