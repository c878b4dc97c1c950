// The report page's stylesheet, inlined in the page: system fonts only (no request leaves the
// page), light and dark by prefers-color-scheme, and a print layout without backgrounds.

export const STYLE = `
:root {
  color-scheme: light dark;
  --bg: #f6f7f9; --card: #ffffff; --ink: #1b1f24; --muted: #5b6470; --line: #e3e6ea; --soft: #eef1f4;
  --passed: #1f9d55; --failed: #d64545; --conflicted: #9b4dca; --stopped: #e07b18; --skipped: #9aa3ad; --running: #d9a514; --pending: #c3c9d0;
  --accent: #2f6fde; --critical: #111827; --wait: #f2b84b;
  --add: #e6f6ea; --add-ink: #126b35; --del: #fdeaea; --del-ink: #a12626; --hunk: #eaf1fd;
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f1216; --card: #171b21; --ink: #e6e9ed; --muted: #9aa4b0; --line: #2a3039; --soft: #1f252d;
    --passed: #3ccf7a; --failed: #ff6b6b; --conflicted: #c48af0; --stopped: #f0a050; --skipped: #6d7782; --running: #f0c850; --pending: #4a525c;
    --accent: #6aa1ff; --critical: #f5f7fa; --wait: #b7862f;
    --add: #12301d; --add-ink: #7fe0a4; --del: #3a1717; --del-ink: #ff9d9d; --hunk: #1a2740;
  }
}
* { box-sizing: border-box; }
html { background: var(--bg); }
body { margin: 0; color: var(--ink); font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; -webkit-font-smoothing: antialiased; }
main { max-width: 1080px; margin: 0 auto; padding: 32px 24px 64px; }
h1 { font-size: 28px; line-height: 1.2; margin: 4px 0 6px; letter-spacing: -0.01em; }
h2 { font-size: 18px; margin: 40px 0 12px; letter-spacing: -0.005em; }
h3 { font-size: 16px; margin: 0; }
code, pre, .mono { font-family: var(--mono); font-size: 13px; }
.eyebrow { color: var(--muted); font-size: 13px; text-transform: uppercase; letter-spacing: 0.08em; }
.eyebrow .mono { text-transform: none; letter-spacing: 0; }
.goal { color: var(--muted); max-width: 70ch; margin: 0 0 16px; }
.head { display: flex; flex-wrap: wrap; align-items: center; gap: 12px; }
.badge { display: inline-flex; align-items: center; gap: 6px; padding: 3px 12px; border-radius: 999px; font-weight: 600; font-size: 14px; color: #fff; background: var(--muted); }
.badge.o-passed { background: var(--passed); } .badge.o-failed, .badge.o-aborted, .badge.o-interrupted { background: var(--failed); }
.badge.o-conflict { background: var(--conflicted); } .badge.o-unfinished { background: var(--running); color: #1b1f24; }
.stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 12px; margin: 20px 0 0; }
.stat { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; }
.stat b { display: block; font-size: 22px; line-height: 1.2; font-variant-numeric: tabular-nums; }
.stat span { color: var(--muted); font-size: 13px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 16px 18px; margin: 0 0 12px; }
.muted { color: var(--muted); }
.chips { display: flex; flex-wrap: wrap; gap: 6px; margin: 6px 0 0; }
.chip { font-size: 12.5px; padding: 1px 8px; border-radius: 6px; background: var(--soft); color: var(--muted); white-space: nowrap; }
.dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; background: var(--pending); flex: none; }
.dot.s-passed { background: var(--passed); } .dot.s-failed { background: var(--failed); } .dot.s-conflicted { background: var(--conflicted); }
.dot.s-stopped { background: var(--stopped); } .dot.s-skipped { background: var(--skipped); } .dot.s-running { background: var(--running); }
.task-head { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; }
.task-head .st { font-size: 13px; font-weight: 600; }
.st.s-passed { color: var(--passed); } .st.s-failed { color: var(--failed); } .st.s-conflicted { color: var(--conflicted); } .st.s-stopped { color: var(--stopped); } .st.s-skipped, .st.s-pending { color: var(--muted); }
.report.mono { font-size: 12.5px; }
.report { white-space: pre-wrap; overflow-wrap: anywhere; margin: 12px 0 0; padding: 10px 12px; border-left: 3px solid var(--line); background: var(--soft); border-radius: 0 8px 8px 0; font-size: 13px; }
.reason { margin: 8px 0 0; color: var(--failed); }
.timeline-wrap { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 12px 8px 8px; overflow-x: auto; }
.timeline { display: block; width: 100%; height: auto; min-width: 640px; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.tl-phase { font-weight: 650; font-size: 13px; fill: var(--ink); }
.tl-phase-meta, .tl-tick, .tl-time, .tl-none { font-size: 11px; fill: var(--muted); }
.tl-label { font-size: 12px; fill: var(--ink); font-family: var(--mono); }
.tl-grid { stroke: var(--line); stroke-width: 1; }
.tl-phase-span { fill: var(--line); }
.tl-hit { fill: transparent; }
.tl-row:hover .tl-hit { fill: var(--soft); }
.bar { fill: var(--pending); }
.bar.s-passed { fill: var(--passed); } .bar.s-failed { fill: var(--failed); } .bar.s-conflicted { fill: var(--conflicted); }
.bar.s-stopped { fill: var(--stopped); } .bar.s-skipped { fill: var(--skipped); } .bar.s-running { fill: var(--running); }
.bar.critical { stroke: var(--critical); stroke-width: 2; }
.tl-wait rect { fill: url(#hatch); opacity: 0.55; }
.hatch-bg { fill: transparent; } .hatch-line { stroke: var(--wait); stroke-width: 3; }
.legend { display: flex; flex-wrap: wrap; gap: 14px; margin: 10px 6px 2px; font-size: 12.5px; color: var(--muted); }
.legend i { display: inline-block; width: 14px; height: 10px; border-radius: 3px; margin-right: 5px; vertical-align: -1px; background: var(--pending); }
.legend i.s-passed { background: var(--passed); } .legend i.s-failed { background: var(--failed); } .legend i.s-conflicted { background: var(--conflicted); } .legend i.s-stopped { background: var(--stopped); }
.legend i.crit { background: transparent; border: 2px solid var(--critical); }
.legend i.wait { background: repeating-linear-gradient(45deg, var(--wait) 0 3px, transparent 3px 6px); }
ol.events { list-style: none; padding: 0; margin: 0; }
.conflict-title { font-weight: 600; }
.arrow { margin: 10px 0 0; }
.changes { margin: 6px 0 0; padding-left: 20px; }
.changes li { margin: 2px 0; }
p.files-head { margin: 14px 0 0; font-weight: 600; font-size: 13.5px; }
table.files { width: 100%; border-collapse: collapse; margin: 4px 0 0; font-size: 13px; }
table.files td { padding: 3px 6px; border-top: 1px solid var(--line); vertical-align: top; }
table.files td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; width: 1%; }
.plus { color: var(--add-ink); } .minus { color: var(--del-ink); }
.mark { font-family: var(--mono); color: var(--muted); width: 1%; }
details { margin: 8px 0 0; }
details > summary { cursor: pointer; color: var(--accent); font-size: 13.5px; list-style-position: inside; }
details > summary::marker { color: var(--muted); }
pre.block { margin: 8px 0 0; padding: 10px 12px; background: var(--soft); border-radius: 8px; overflow-x: auto; line-height: 1.45; white-space: pre; }
pre.diff span { display: block; }
pre.diff .a { background: var(--add); color: var(--add-ink); } pre.diff .d { background: var(--del); color: var(--del-ink); }
pre.diff .h { background: var(--hunk); color: var(--accent); } pre.diff .f { color: var(--muted); }
.verify { display: flex; gap: 10px; align-items: baseline; padding: 8px 0; border-top: 1px solid var(--line); }
.verify:first-child { border-top: 0; }
footer { margin: 48px 0 0; color: var(--muted); font-size: 12.5px; }
@media print {
  :root { color-scheme: light; }
  html, body { background: #fff; }
  main { max-width: none; padding: 0; }
  .card, .stat, .timeline-wrap { border-color: #ccc; break-inside: avoid; }
  .timeline { min-width: 0; }
  h2 { break-after: avoid; }
  details > summary { color: #333; }
  .badge, .bar, .dot, .legend i { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;
