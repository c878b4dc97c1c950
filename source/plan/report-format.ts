// Validation reports for people and for machines: errors, then warnings, then one verdict
// line; or the documented JSON shape for `--json`.

import type {Finding, ValidationReport} from './types.js';

/** Options of formatReport. */
export type FormatOptions = {
	/** ANSI colour for severities and the verdict. */
	readonly color: boolean;
};

const paint = (on: boolean, code: string, text: string) => (on ? `\u001B[${code}m${text}\u001B[0m` : text);

function plural(n: number, word: string): string {
	return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function formatFinding(finding: Finding, color: boolean): string {
	const place = `${finding.file}:${finding.line}:${finding.column}`;
	const severity = finding.severity === 'error' ? paint(color, '31', 'error') : paint(color, '33', 'warning');
	return `${paint(color, '2', place)}  ${severity}  ${finding.message}  ${paint(color, '2', finding.code)}`;
}

/** The readable report: one line per finding (errors first), then the verdict. */
export function formatReport(report: ValidationReport, options: FormatOptions): string {
	const lines = [...report.errors, ...report.warnings].map(f => formatFinding(f, options.color));
	const counts = `${plural(report.errors.length, 'error')}, ${plural(report.warnings.length, 'warning')}`;
	const verdict = report.valid
		? paint(options.color, '32', `✓ plan is valid (${counts})`)
		: paint(options.color, '31', `✗ plan is invalid (${counts})`);
	if (lines.length > 0) lines.push('');
	lines.push(verdict);
	return `${lines.join('\n')}\n`;
}

/** The `--json` shape: `{valid, errors: [{code, message, file, line, column, tasks, paths}], warnings}`. */
export function reportToJson(report: ValidationReport): string {
	const strip = (f: Finding) => ({code: f.code, message: f.message, file: f.file, line: f.line, column: f.column, tasks: f.tasks, paths: f.paths});
	return `${JSON.stringify({valid: report.valid, errors: report.errors.map(strip), warnings: report.warnings.map(strip)}, null, 2)}\n`;
}
