// The report as terminal text: sections that read without colour, wrapped at a given width,
// with colour (SGR only) when asked. Pure: RunReport in, string out.

import type {TaskStatus} from '../plan/types.js';
import {cost, duration, fileCounts, fileLabel, fileMark, offset, outcomeWord, statusGlyph, thousands} from './words.js';
import type {ReportAttempt, RunReport} from './types.js';

export type TextOptions = {readonly width: number; readonly color: boolean};

const MIN_WIDTH = 40;

function colourOf(status: TaskStatus | RunReport['outcome'] | 'passed'): string {
	switch (status) {
		case 'passed':
			return '32';
		case 'failed':
		case 'stopped':
		case 'aborted':
		case 'interrupted':
			return '31';
		case 'conflicted':
		case 'conflict':
			return '35';
		case 'running':
		case 'unfinished':
			return '33';
		case 'pending':
		case 'skipped':
			return '2';
	}
}

/** Word-wraps one line to `width`, continuing with `indent`; words longer than a line are cut. */
export function wrap(text: string, width: number, indent = ''): string[] {
	const room = Math.max(10, width);
	const out: string[] = [];
	// Leading spaces are the first line's indent, kept as they are.
	const lead = /^ */.exec(text)![0];
	let line = lead;
	const push = () => {
		out.push(line);
		line = indent;
	};
	for (const word of text.slice(lead.length).split(/ +/)) {
		let rest = word;
		const gap = line.trim() === '' ? '' : ' ';
		if (line.length + gap.length + rest.length <= room) {
			line += gap + rest;
			continue;
		}
		if (line.trim() !== '') push();
		while (line.length + rest.length > room) {
			const take = Math.max(1, room - line.length);
			line += rest.slice(0, take);
			rest = rest.slice(take);
			push();
		}
		line += rest;
	}
	if (line.trim() !== '' || out.length === 0) out.push(line);
	return out;
}

/** The text report. */
export function formatReportText(report: RunReport, options: TextOptions): string {
	const width = Math.max(MIN_WIDTH, options.width);
	const paint = (code: string, text: string) => (options.color ? `\u001B[${code}m${text}\u001B[0m` : text);
	const out: string[] = [];
	const para = (text: string, indent = '') => out.push(...wrap(indent + text, width, indent + '  '));
	const heading = (text: string) => out.push('', paint('1', text));

	// Header
	out.push(...wrap(`fanout report · ${report.plan.name} · run ${report.runId}`, width).map(l => paint('1', l)));
	if (report.plan.goal) para(`goal: ${report.plan.goal.replace(/\s*\n\s*/g, ' ')}`);
	const t = report.totals;
	const counts = [`${t.passed} passed`, t.failed > 0 ? `${t.failed} failed` : '', t.skipped > 0 ? `${t.skipped} skipped` : '', t.other > 0 ? `${t.other} not run` : ''].filter(Boolean).join(', ');
	const outcome = `${outcomeWord(report.outcome)}${report.exitCode === null ? '' : ` (exit ${report.exitCode})`}`;
	out.push(...wrap(`outcome: ${outcome} · ${duration(report.durationMs)} · ${t.tasks} task${t.tasks === 1 ? '' : 's'}: ${counts}`, width, '  ').map((l, i) => (i === 0 ? l.replace(outcome, paint(colourOf(report.outcome), outcome)) : l)));
	if (report.speedup !== null) para(`parallel: ${report.speedup.toFixed(1)}x faster than one task after another`);
	if (t.costUsd !== null || t.tokens !== null) para(`cost: ${[t.costUsd === null ? '' : cost(t.costUsd), t.tokens === null ? '' : `${thousands(t.tokens)} tokens`].filter(Boolean).join(' · ')}`);
	para(`plan: ${report.planFile} · journal: ${report.runDir}/`);

	// Timeline
	const end = report.endedAt ?? Math.max(report.startedAt, ...report.tasks.flatMap(task => task.attempts.map(a => a.endedAt ?? a.startedAt)));
	const span = Math.max(1, end - report.startedAt);
	const label = Math.min(24, Math.max(6, ...report.tasks.map(task => task.id.length)));
	const bar = Math.max(10, Math.min(60, width - label - 26));
	heading(`Timeline (0 to ${duration(span)}, ${bar} columns; * critical path)`);
	for (const phase of report.phases) {
		const time = phase.startedAt !== null && phase.endedAt !== null ? `, ${duration(phase.endedAt - phase.startedAt)}` : '';
		para(`${phase.name} (${phase.status}${time})`, '  ');
		const attempts = report.tasks.flatMap(task => task.attempts.filter(a => report.phases[a.phase] === phase).map(a => ({task, a})));
		for (const {task, a} of attempts) out.push(timelineRow(task.id, a, label, bar, span, report.startedAt, paint));
	}
	const waits = report.waits.filter(w => w.to - w.from >= 1000);
	if (waits.length > 0) {
		para('waits:', '  ');
		for (const w of waits) para(`${offset(w.from - report.startedAt)} ${duration(w.to - w.from)} ${w.label}`, '    ');
	}

	// Conflicts and revisions
	if (report.conflicts.length > 0) {
		heading('Conflicts');
		for (const c of report.conflicts) {
			const who = c.task ?? `one of ${c.suspects.join(', ')}`;
			const verb = c.seen === 'declared' ? 'asked for' : 'changed';
			para(`#${c.id} ${who} ${verb} ${c.path}, seen by ${c.seen}; ${c.owner ? `owner: ${c.owner}` : 'no task owns it'}${c.reason ? `: "${c.reason}"` : ''}`, '  ');
			for (const r of c.refused) para(`refused ${r.choice}: ${r.reason}`, '    ');
			const revision = report.revisions.find(r => r.number === c.revision);
			para(`→ ${c.decision ?? 'not decided'}${revision ? ` · revision ${revision.number} (${revision.file})` : ''}`, '    ');
		}
	}
	if (report.revisions.length > 0) {
		heading('Plan revisions');
		for (const r of report.revisions) {
			para(`r${r.number}: ${r.decision} (${r.file})`, '  ');
			for (const change of r.changes) para(`- ${change}`, '    ');
		}
	}

	// Tasks
	heading('Tasks');
	for (const task of report.tasks) {
		const status = `${statusGlyph(task.status)} ${task.status}`;
		const facts = [
			task.phase || 'dropped',
			duration(task.durationMs),
			task.attempts.length > 1 ? `${task.attempts.length} attempts` : '',
			task.exitCode === null ? '' : `exit ${task.exitCode}`,
			task.costUsd === null ? '' : cost(task.costUsd),
			task.tokens === null ? '' : `${thousands(task.tokens)} tokens`,
		].filter(Boolean);
		out.push('');
		const head = wrap(`  ${task.id}  ${status}${task.reason && task.status !== 'passed' ? ` (${task.reason})` : ''} · ${facts.join(' · ')}`, width, '    ');
		out.push(...head.map((l, i) => (i === 0 ? l.replace(status, paint(colourOf(task.status), status)) : l)));
		if (task.files.length > 0) {
			para(`changed files (${task.files.length}):`, '    ');
			for (const file of task.files) para(`${fileMark(file)} ${fileLabel(file)}${fileCounts(file) ? `  ${fileCounts(file)}` : ''}`, '      ');
		}
		if (task.report) {
			para('report:', '    ');
			for (const line of task.report.split('\n')) para(line, '      ');
		}
		if (task.log) para(`log: ${task.log}`, '    ');
	}

	// Verify
	if (report.verify.length > 0) {
		heading('Verify');
		for (const v of report.verify) {
			const status = v.status === 'passed' ? '✓ passed' : v.status === 'failed' ? '✗ failed' : `· ${v.status === 'running' ? 'interrupted' : 'not run'}`;
			const tail = v.exitCode === null ? '' : ` (exit ${v.exitCode}${v.startedAt !== null && v.endedAt !== null ? `, ${duration(v.endedAt - v.startedAt)}` : ''})`;
			para(`${paint(colourOf(v.status === 'passed' ? 'passed' : v.status === 'failed' ? 'failed' : 'pending'), status)}  ${v.command}${tail}`, '  ');
		}
	}
	return `${out.join('\n')}\n`;
}

function timelineRow(id: string, a: ReportAttempt, label: number, bar: number, span: number, origin: number, paint: (code: string, text: string) => string): string {
	const from = Math.min(bar - 1, Math.floor(((a.startedAt - origin) / span) * bar));
	const to = Math.max(from + 1, Math.min(bar, Math.round((((a.endedAt ?? a.startedAt) - origin) / span) * bar)));
	const name = id.length > label ? `${id.slice(0, label - 1)}…` : id.padEnd(label);
	const cells = `${' '.repeat(from)}${paint(colourOf(a.status), '█'.repeat(to - from))}${' '.repeat(bar - to)}`;
	const time = a.endedAt === null ? 'running' : duration(a.endedAt - a.startedAt);
	return `    ${name} ${cells} ${a.critical ? '*' : ' '}${time.padStart(6)} ${a.status}`;
}
