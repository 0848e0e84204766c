/** The report page's inline stylesheet (no external fonts or files). A trusted constant. */
export const REPORT_CSS = `
:root {
  --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa; --bg: #eef1f4; --card: #ffffff;
  --pass: #1a7f37; --pass-bg: #dafbe1; --fail: #cf222e; --fail-bg: #ffebe9;
  --error: #bc4c00; --error-bg: #fff1e5; --skip: #59636e; --skip-bg: #eaeef2; --warn: #9a6700; --warn-bg: #fff8c5;
  --accent: #0969da;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace;
}
* { box-sizing: border-box; }
html { background: var(--bg); }
body { margin: 0; color: var(--fg); font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "DejaVu Sans", Arial, sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 0 24px 48px; }
h1, h2, h3 { line-height: 1.25; margin: 0; }
h2 { font-size: 17px; margin: 0 0 12px; }
h3 { font-size: 14px; margin: 18px 0 8px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
code, .mono { font-family: var(--mono); font-size: 12.5px; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
.muted { color: var(--muted); }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }

.topbar { background: #24292f; color: #fff; }
.topbar .inner { max-width: 1200px; margin: 0 auto; padding: 12px 24px; display: flex; gap: 16px; align-items: baseline; flex-wrap: wrap; }
.topbar .brand { font-weight: 700; font-size: 15px; letter-spacing: .02em; }
.topbar .run { font-family: var(--mono); font-size: 13px; color: #d1d9e0; }
.topbar .when { margin-left: auto; color: #b6bec8; font-size: 13px; }

.verdict { margin: 20px 0 16px; border-radius: 10px; padding: 18px 22px; display: flex; align-items: center; gap: 22px; border: 1px solid; }
.verdict .word { font-size: 32px; font-weight: 800; letter-spacing: .06em; padding: 4px 16px; border-radius: 8px; color: #fff; }
.verdict .what { font-size: 15px; }
.verdict .what strong { font-size: 17px; }
.verdict .what div + div { margin-top: 2px; }
.verdict[data-verdict="passed"] { background: var(--pass-bg); border-color: #aceebb; }
.verdict[data-verdict="passed"] .word { background: var(--pass); }
.verdict[data-verdict="failed"] { background: var(--fail-bg); border-color: #ffcecb; }
.verdict[data-verdict="failed"] .word { background: var(--fail); }
.verdict[data-verdict="error"] { background: var(--error-bg); border-color: #ffd8b5; }
.verdict[data-verdict="error"] .word { background: var(--error); }
.verdict[data-verdict="incomplete"] { background: var(--warn-bg); border-color: #f5e0a0; }
.verdict[data-verdict="incomplete"] .word { background: var(--warn); }

.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(128px, 1fr)); gap: 10px; margin-bottom: 16px; }
.tile { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.tile .k { color: var(--muted); font-size: 12px; }
.tile .v { font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; }
.tile .s { color: var(--muted); font-size: 12px; }
.tile.pass .v { color: var(--pass); } .tile.fail .v { color: var(--fail); } .tile.error .v { color: var(--error); }

.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 18px 20px; margin-bottom: 16px; }
.notice { border-radius: 8px; padding: 10px 14px; margin: 0 0 10px; border: 1px solid; }
.notice.fail { background: var(--fail-bg); border-color: #ffcecb; }
.notice.warn { background: var(--warn-bg); border-color: #f5e0a0; }
.notice.info { background: #ddf4ff; border-color: #b6e3ff; }
ul.failures { margin: 0; padding-left: 18px; }
ul.failures li { margin: 4px 0; }
ul.failures .why { display: block; color: var(--muted); font-family: var(--mono); font-size: 12.5px; word-break: break-word; }

table { border-collapse: collapse; width: 100%; }
th, td { padding: 7px 10px; border-bottom: 1px solid var(--line); vertical-align: top; text-align: left; }
th { font-size: 12px; color: var(--muted); font-weight: 600; background: var(--soft); white-space: nowrap; }
tbody tr:hover { background: #f9fafb; }
#cases td.case { font-family: var(--mono); font-size: 12.5px; overflow-wrap: anywhere; width: 22%; }
.table-wrap { overflow-x: auto; }
#cases th .unit { display: block; font-weight: 400; font-size: 11px; }
#cases th.out { min-width: 170px; }
#cases th { vertical-align: bottom; }
.pill { display: inline-block; font-size: 11.5px; font-weight: 700; letter-spacing: .04em; text-transform: uppercase; padding: 1px 8px; border-radius: 999px; white-space: nowrap; }
.tone-pass { color: var(--pass); } .tone-fail { color: var(--fail); font-weight: 600; } .tone-error { color: var(--error); font-weight: 600; } .tone-muted { color: var(--muted); } .tone-warn { color: var(--warn); }
.pill.tone-pass { background: var(--pass-bg); } .pill.tone-fail { background: var(--fail-bg); } .pill.tone-error { background: var(--error-bg); } .pill.tone-muted { background: var(--skip-bg); } .pill.tone-warn { background: var(--warn-bg); }
.badge { display: inline-block; font-size: 11px; font-weight: 600; padding: 0 6px; border-radius: 4px; background: var(--warn-bg); color: var(--warn); border: 1px solid #f5e0a0; vertical-align: 1px; }

details.case { background: var(--card); border: 1px solid var(--line); border-left-width: 5px; border-radius: 8px; margin-bottom: 10px; }
details.case.status-passed { border-left-color: var(--pass); } details.case.status-failed { border-left-color: var(--fail); }
details.case.status-error { border-left-color: var(--error); } details.case.status-skipped { border-left-color: #afb8c1; }
details.case > summary { cursor: pointer; padding: 10px 16px; display: flex; gap: 12px; align-items: center; flex-wrap: wrap; list-style: none; }
details.case > summary::-webkit-details-marker { display: none; }
details.case > summary::before { content: "▸"; color: var(--muted); width: 10px; }
details.case[open] > summary::before { content: "▾"; }
details.case > summary .id { font-family: var(--mono); font-weight: 600; word-break: break-all; }
details.case > summary .brief { color: var(--muted); font-size: 13px; margin-left: auto; }
.case-body { padding: 4px 18px 18px; border-top: 1px solid var(--line); }
.messages { margin: 12px 0 4px; padding: 0; list-style: none; }
.messages li { font-family: var(--mono); font-size: 12.5px; padding: 6px 10px; border-radius: 6px; margin-bottom: 6px; background: var(--soft); word-break: break-word; }
.messages li.tone-fail { background: var(--fail-bg); } .messages li.tone-error { background: var(--error-bg); } .messages li.tone-pass { background: #f0fbf3; color: var(--fg); font-weight: 400; }
.charts { display: grid; grid-template-columns: minmax(0, 1.7fr) minmax(0, 1fr); gap: 14px; align-items: start; }
.charts.single { grid-template-columns: minmax(0, 1fr); }
figure { margin: 0; }
figcaption { font-size: 12px; color: var(--muted); margin-bottom: 4px; }
svg.chart { display: block; width: 100%; height: auto; background: #fff; border: 1px solid #e6eaef; border-radius: 6px; font: 11px system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif; }
svg.chart text { fill: #59636e; }
svg.chart .axis-label { fill: #1f2328; font-weight: 600; }
svg.chart .grid { stroke: #eaeef2; }
svg.chart .domain, svg.chart .tick { stroke: #8c959f; }
svg.chart .series-line { fill: none; stroke: #0969da; stroke-width: 1.4; }
svg.chart .series-area { fill: rgba(9, 105, 218, .10); }
svg.chart .budget-line { stroke: #cf222e; stroke-width: 1.6; stroke-dasharray: 7 4; }
svg.chart .limit-line { stroke: #bf8700; stroke-width: 1.3; stroke-dasharray: 3 3; }
svg.chart .budget-label { fill: #cf222e; font-weight: 600; }
svg.chart .limit-label { fill: #9a6700; }
svg.chart .worst { fill: #0969da; stroke: #fff; stroke-width: 1.5; } svg.chart .worst-bad { fill: #cf222e; }
svg.chart .worst-label { fill: #1f2328; font-weight: 600; }
svg.chart .halo { stroke: #fff; stroke-width: 4; stroke-linejoin: round; fill: #fff; }
svg.chart .bars rect { fill: #54aeff; }
svg.chart .outliers rect { fill: #cf222e; }
svg.chart .outliers text { fill: #cf222e; font-weight: 600; }
svg.chart .median-line { stroke: #0550ae; stroke-width: 1.2; }
svg.chart .median-label { fill: #0550ae; font-weight: 600; }
svg.chart .golden-line { fill: none; stroke: #8c959f; stroke-width: 3.2; stroke-linejoin: round; }
svg.chart .output-line { fill: none; stroke: #cf222e; stroke-width: 1.3; stroke-linejoin: round; }
svg.chart .diff-stems line, svg.chart .diff-key { stroke: #cf222e; stroke-width: 1.6; }
svg.chart .zero-line { stroke: #8c959f; }
svg.chart .frame-line { stroke: #afb8c1; stroke-dasharray: 2 3; }
svg.chart .frame-label { fill: #8c959f; font-size: 10px; }
svg.chart .mismatch-line { stroke: #cf222e; stroke-width: 1.2; stroke-dasharray: 5 3; }
svg.chart .mismatch-label { fill: #cf222e; font-weight: 700; }
svg.chart .legend text { fill: #1f2328; }

.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 14px; margin-top: 6px; }
dl.kv { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 4px 14px; margin: 0; }
dl.kv dt { color: var(--muted); white-space: nowrap; }
dl.kv dd { margin: 0; word-break: break-word; }
table.mini th, table.mini td { padding: 4px 8px; }
.stack { display: flex; height: 14px; min-width: 240px; border-radius: 3px; overflow: hidden; background: var(--skip-bg); margin: 4px 0 8px; }
.stack > span { display: block; height: 100%; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; vertical-align: middle; }
table.stacks td:last-child { width: 70%; }
.meter { display: inline-block; width: 120px; height: 8px; background: var(--skip-bg); border-radius: 4px; vertical-align: middle; margin-left: 8px; overflow: hidden; }
.meter > span { display: block; height: 100%; background: #54aeff; }
.meter.hot > span { background: #cf222e; }
.meter.block { display: block; width: 100%; min-width: 70px; margin: 3px 0 0; height: 6px; }
.meter.load { display: block; width: 110px; margin: 4px 0 0; height: 6px; }

details.log { margin-top: 14px; border: 1px solid var(--line); border-radius: 6px; }
details.log > summary { cursor: pointer; padding: 6px 10px; background: var(--soft); font-size: 13px; color: var(--muted); }
details.log pre { margin: 0; padding: 10px 12px; max-height: 320px; overflow: auto; font: 12px/1.45 var(--mono); background: #0d1117; color: #e6edf3; white-space: pre-wrap; word-break: break-all; }
details.log pre .t { color: #7d8590; }

.env-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); gap: 18px; }
footer { color: var(--muted); font-size: 12px; text-align: center; margin-top: 24px; }
@media print {
  html { background: #fff; } .topbar { background: #fff; color: #000; border-bottom: 2px solid #000; }
  .card, details.case, .tile { break-inside: avoid; }
}
`;
