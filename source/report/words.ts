// Small shared wordings of the report (durations, cost, outcome words, file change marks), so the
// text and the HTML page say the same thing the same way. Pure.

import type {TaskStatus} from '../plan/types.js';
import type {ReportFile, RunReport} from './types.js';

/** 1_900 -> "1.9s", 125_000 -> "2m05s", 3_725_000 -> "1h02m". */
export function duration(ms: number | null): string {
	if (ms === null) return '-';
	if (ms < 60_000) return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
	const total = Math.round(ms / 1000);
	const h = Math.floor(total / 3600);
	const m = Math.floor((total % 3600) / 60);
	const s = total % 60;
	return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(s).padStart(2, '0')}s`;
}

/** An offset on the run's clock: "+0:01.2". */
export function offset(ms: number): string {
	const totalSeconds = Math.max(0, ms) / 1000;
	const minutes = Math.floor(totalSeconds / 60);
	const seconds = totalSeconds - minutes * 60;
	return `+${minutes}:${seconds.toFixed(1).padStart(4, '0')}`;
}

/** `$0.42`, with more digits for tiny sums so a cheap run does not read as free. */
export function cost(usd: number): string {
	return usd > 0 && usd < 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

/** 12345 -> "12,345". Fixed locale: the report reads the same on every machine. */
export function thousands(n: number): string {
	return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

const outcomeWords: Record<RunReport['outcome'], string> = {
	passed: 'passed',
	failed: 'failed',
	aborted: 'aborted',
	conflict: 'stopped on a conflict',
	interrupted: 'interrupted',
	unfinished: 'unfinished',
};

export function outcomeWord(outcome: RunReport['outcome']): string {
	return outcomeWords[outcome];
}

/** Glyph per status, readable without colour. */
export function statusGlyph(status: TaskStatus): string {
	switch (status) {
		case 'passed':
			return '✓';
		case 'failed':
			return '✗';
		case 'stopped':
			return '■';
		case 'conflicted':
			return '!';
		case 'skipped':
			return '-';
		case 'running':
			return '…';
		case 'pending':
			return '·';
	}
}

/** "+12 -3", "binary", or "" when only the path is known. */
export function fileCounts(file: ReportFile): string {
	if (file.binary) return 'binary';
	if (file.added === null && file.removed === null) return '';
	return `+${file.added ?? 0} -${file.removed ?? 0}`;
}

/** "M src/a.ts", "R old -> new"; "" status when unknown. */
export function fileMark(file: ReportFile): string {
	switch (file.status) {
		case 'added':
			return 'A';
		case 'modified':
			return 'M';
		case 'deleted':
			return 'D';
		case 'renamed':
			return 'R';
		case 'mode':
			return 'T';
		case null:
			return '~';
	}
}

export function fileLabel(file: ReportFile): string {
	return file.from === null ? file.path : `${file.from} → ${file.path}`;
}
