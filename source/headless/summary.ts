// The end-of-run text of a headless run: a table of every task, then the files each task
// changed (with +/- lines, when recorded), every task's completion report (never dropped),
// then where the logs and the journal are. Pure: returns a string.

import {relative} from 'node:path';
import {summaryRows, totalCost} from '../machine/selectors.js';
import type {SummaryRow} from '../machine/selectors.js';
import type {OrchestratorContext} from '../machine/types.js';
import type {TaskStatus} from '../plan/types.js';
import {sanitizeLine, stripColour} from '../text/sanitize.js';
import type {TaskFileChange} from '../runner/git/types.js';

type Options = {
	readonly color: boolean;
	readonly runDir: string;
	readonly workspace: string;
	readonly logPathOf: (key: string) => string;
	/** The files a task changed, as recorded (undefined: nothing recorded, e.g. shared mode without git). */
	readonly changesOf?: (taskId: string) => readonly TaskFileChange[] | undefined;
};

/** One changed file: "src/a.ts  +3 -1", "(deleted)", "(renamed from x)", "binary". */
export function changedFileLine(change: TaskFileChange): string {
	const what = change.status === 'modified' ? '' : change.status === 'renamed' && change.from ? ` (renamed from ${change.from})` : ` (${change.status})`;
	const counts = change.binary ? 'binary' : `+${change.added ?? 0} -${change.removed ?? 0}`;
	return `${change.path}${what}  ${counts}`;
}

const paint = (on: boolean, code: string, text: string) => (on ? `\u001B[${code}m${text}\u001B[0m` : text);

function statusColour(status: TaskStatus): string {
	switch (status) {
		case 'passed':
			return '32';
		case 'failed':
		case 'stopped':
			return '31';
		case 'conflicted':
			return '35';
		case 'running':
			return '33';
		case 'pending':
		case 'skipped':
			return '2';
	}
}

/** 65_000 -> "1:05", 1_500 -> "0:01.5". */
export function formatElapsed(ms: number): string {
	const totalSeconds = ms / 1000;
	const minutes = Math.floor(totalSeconds / 60);
	const seconds = totalSeconds - minutes * 60;
	const secondsText = minutes === 0 && seconds < 10 ? seconds.toFixed(1).padStart(4, '0') : String(Math.floor(seconds)).padStart(2, '0');
	return `${minutes}:${secondsText}`;
}

function rowCells(row: SummaryRow, options: Options): string[] {
	const status = row.status === 'failed' || row.status === 'skipped' || row.status === 'stopped' || row.status === 'conflicted'
		? `${row.status}${row.reason ? ` (${row.reason})` : ''}`
		: row.status;
	return [
		row.task,
		status,
		row.durationMs === undefined ? '-' : formatElapsed(row.durationMs),
		row.exitCode === undefined || row.exitCode === null ? '-' : String(row.exitCode),
		row.costUsd === undefined ? '' : `$${row.costUsd.toFixed(2)}`,
		row.status === 'pending' || row.status === 'skipped' ? '' : relative(options.workspace, options.logPathOf(row.task)),
	];
}

/** The whole summary of a finished run. */
export function formatSummary(ctx: OrchestratorContext, outcomeLine: string, options: Options): string {
	const rows = summaryRows(ctx);
	const header = ['task', 'status', 'time', 'exit', 'cost', 'log'];
	const cells = rows.map(row => rowCells(row, options));
	const widths = header.map((h, i) => Math.max(h.length, ...cells.map(c => c[i]!.length)));
	const line = (c: readonly string[]) => c.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
	const out: string[] = ['', paint(options.color, '1', outcomeLine), '', paint(options.color, '2', line(header))];
	rows.forEach((row, i) => {
		const text = line(cells[i]!);
		out.push(paint(options.color, statusColour(row.status), text));
	});
	const cost = totalCost(ctx);
	if (cost > 0) out.push('', `total cost: $${cost.toFixed(2)}`);
	const changed = options.changesOf
		? rows.flatMap(row => {
				const files = options.changesOf?.(row.task);
				return files && files.length > 0 ? [{task: row.task, files}] : [];
			})
		: [];
	if (changed.length > 0) {
		out.push('', paint(options.color, '1', 'Changed files'));
		for (const {task, files} of changed) {
			const added = files.reduce((sum, f) => sum + (f.added ?? 0), 0);
			const removed = files.reduce((sum, f) => sum + (f.removed ?? 0), 0);
			out.push(paint(options.color, '1', `— ${task}: ${files.length} ${files.length === 1 ? 'file' : 'files'} +${added} -${removed}`));
			// Paths come from the task's work: sanitized like any task output.
			for (const file of files) out.push(`  ${stripColour(sanitizeLine(changedFileLine(file)))}`);
		}
	}
	const reported = rows.filter(r => r.report !== undefined && r.report.trim() !== '');
	if (reported.length > 0) {
		out.push('', paint(options.color, '1', 'Completion reports'));
		for (const row of reported) {
			out.push(paint(options.color, '1', `— ${row.task}`));
			for (const reportLine of row.report!.split('\n')) {
				const clean = sanitizeLine(reportLine);
				out.push(`  ${options.color ? clean : stripColour(clean)}`);
			}
		}
	}
	if (ctx.revisions.length > 1) {
		out.push('', 'plan revisions:');
		for (const revision of ctx.revisions.slice(1)) out.push(`  r${revision.number}: ${revision.decision} (plan.r${revision.number}.yaml)`);
	}
	out.push('', `logs and journal: ${relative(options.workspace, options.runDir) || '.'}/`);
	out.push(`report: fanout report ${ctx.runId} --html report.html`);
	return `${out.join('\n')}\n`;
}
