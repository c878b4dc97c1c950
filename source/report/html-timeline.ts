// The page's timeline: one SVG, a row per task run grouped by phase, bars on a shared time
// axis coloured by outcome, the critical path outlined, waits for people drawn as hatched
// bands, and a <title> per bar for the hover. Pure; coordinates are numbers, text is escaped.

import {duration, offset} from './words.js';
import {h, raw, type Html} from './escape.js';
import type {RunReport} from './types.js';

const WIDTH = 1000;
const LABEL = 170;
const RIGHT = 16;
const ROW = 24;
const PHASE_ROW = 28;
const AXIS = 30;
const BAR = 14;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
/** Steps a clock reader finds round: never 50 s or 9 minutes. */
const STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, SECOND, 2 * SECOND, 5 * SECOND, 10 * SECOND, 15 * SECOND, 30 * SECOND, MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, 60 * MINUTE];

/** A round tick step giving about `count` ticks over `span` ms; whole hours past the table. */
export function tickStep(span: number, count = 8): number {
	const rough = Math.max(1, span / count);
	return STEPS.find(step => step >= rough) ?? Math.ceil(rough / (60 * MINUTE)) * 60 * MINUTE;
}

/** The timeline as inline SVG. */
export function timelineSvg(report: RunReport): Html {
	const attemptsEnd = report.tasks.flatMap(t => t.attempts.map(a => a.endedAt ?? a.startedAt));
	const end = report.endedAt ?? Math.max(report.startedAt + 1, ...attemptsEnd);
	const span = Math.max(1, end - report.startedAt);
	const plot = WIDTH - LABEL - RIGHT;
	const x = (at: number) => LABEL + ((at - report.startedAt) / span) * plot;

	const rows: Html[] = [];
	let y = AXIS + 6;
	report.phases.forEach((phase, index) => {
		const runs = report.tasks.flatMap(task => task.attempts.filter(a => a.phase === index).map(a => ({task, a})));
		const time = phase.startedAt !== null && phase.endedAt !== null ? ` · ${duration(phase.endedAt - phase.startedAt)}` : '';
		rows.push(h`<text class="tl-phase" x="4" y="${y + 18}">${phase.name}</text><text class="tl-phase-meta" x="${LABEL}" y="${y + 18}">${phase.status}${time}</text>`);
		if (phase.startedAt !== null) {
			const to = phase.endedAt ?? end;
			rows.push(h`<rect class="tl-phase-span" x="${fixed(x(phase.startedAt))}" y="${y + 24}" width="${fixed(Math.max(1, x(to) - x(phase.startedAt)))}" height="2"/>`);
		}
		y += PHASE_ROW;
		if (runs.length === 0) {
			rows.push(h`<text class="tl-none" x="14" y="${y + 16}">${phase.status === 'skipped' ? 'skipped' : 'not run'}</text>`);
			y += ROW;
		}
		for (const {task, a} of runs) {
			const x1 = x(a.startedAt);
			const x2 = Math.max(x1 + 3, x(a.endedAt ?? end));
			const label = `${task.id}${task.attempts.length > 1 ? ` #${a.attempt}` : ''}`;
			const tip = `${task.id} · attempt ${a.attempt} · ${offset(a.startedAt - report.startedAt)} → ${a.endedAt === null ? 'still running' : offset(a.endedAt - report.startedAt)} (${a.endedAt === null ? '?' : duration(a.endedAt - a.startedAt)}) · ${a.status}${a.reason ? ` (${a.reason})` : ''}${a.critical ? ' · on the critical path' : ''}`;
			const barY = y + (ROW - BAR) / 2;
			const shown = label.length > 22 ? `${label.slice(0, 21)}…` : label;
			// The time goes after the bar, or before it when the bar reaches the right edge.
			const after = x2 + 44 <= WIDTH;
			const timeX = fixed(after ? x2 + 6 : x1 - 6);
			rows.push(
				h`<g class="tl-row"><title>${tip}</title><rect class="tl-hit" x="0" y="${y}" width="${WIDTH}" height="${ROW}"/><text class="tl-label" x="14" y="${y + 16}">${shown}</text><rect class="bar s-${a.status}${a.critical ? ' critical' : ''}" x="${fixed(x1)}" y="${fixed(barY)}" width="${fixed(x2 - x1)}" height="${BAR}" rx="3"/><text class="tl-time" x="${timeX}" y="${y + 16}" text-anchor="${after ? 'start' : 'end'}">${a.endedAt === null ? '' : duration(a.endedAt - a.startedAt)}</text></g>`,
			);
			y += ROW;
		}
		y += 6;
	});
	const height = y + 8;

	const step = tickStep(span);
	const ticks: Html[] = [];
	for (let t = 0; t <= span + 1; t += step) {
		const tx = fixed(x(report.startedAt + t));
		ticks.push(h`<line class="tl-grid" x1="${tx}" y1="${AXIS - 6}" x2="${tx}" y2="${height}"/><text class="tl-tick" x="${tx}" y="${AXIS - 12}" text-anchor="middle">${tickLabel(t)}</text>`);
	}
	const waits = report.waits.map(w => {
		const wx = x(w.from);
		const ww = Math.max(2, x(w.to) - wx);
		return h`<g class="tl-wait wait-${w.kind}"><title>${`waiting: ${w.label} · ${duration(w.to - w.from)} from ${offset(w.from - report.startedAt)}`}</title><rect x="${fixed(wx)}" y="${AXIS - 6}" width="${fixed(ww)}" height="${height - AXIS + 6}"/></g>`;
	});
	return h`<svg class="timeline" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="Timeline of the run's tasks by phase">
<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" class="hatch-bg"/><line x1="0" y1="0" x2="0" y2="6" class="hatch-line"/></pattern></defs>
${ticks}${waits}${raw('\n')}${rows}
</svg>`;
}

const fixed = (n: number) => Number(n.toFixed(1));

/** An axis label: "0", "250ms", "5s", "1.5s", "2m", "1m30s". */
export function tickLabel(ms: number): string {
	if (ms === 0) return '0';
	if (ms < SECOND) return `${Math.round(ms)}ms`;
	if (ms < MINUTE) return ms % SECOND === 0 ? `${ms / SECOND}s` : `${(ms / SECOND).toFixed(1)}s`;
	const m = Math.floor(ms / MINUTE);
	const s = Math.round((ms % MINUTE) / SECOND);
	return s === 0 ? `${m}m` : `${m}m${String(s).padStart(2, '0')}s`;
}
