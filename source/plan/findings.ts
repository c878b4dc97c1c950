// Building findings: one place that turns (code, message, plan path) into a Finding with the
// file, line and column of the closest node the plan file has for that path.

import type {Finding, PlanSource, Severity, SourcePosition} from './types.js';

/** Position of a dotted plan path, or of its nearest ancestor that has one (else 1:1). */
export function positionOf(source: PlanSource, path: string): SourcePosition {
	let key = path;
	for (;;) {
		const found = source.positions.get(key);
		if (found) return found;
		if (key === '') return {line: 1, column: 1};
		const dot = key.lastIndexOf('.');
		key = dot === -1 ? '' : key.slice(0, dot);
	}
}

/** Details of one finding; `at` is a dotted plan path such as `phases.0.tasks.1.owns.0`. */
export type FindingInput = {
	readonly code: string;
	readonly message: string;
	readonly at: string;
	readonly tasks?: readonly string[];
	readonly paths?: readonly string[];
	/** Overrides the position looked up from `at` (e.g. a key rather than its value). */
	readonly position?: SourcePosition;
};

/** Makes a finding located in the plan file. */
export function makeFinding(severity: Severity, source: PlanSource, input: FindingInput): Finding {
	const {line, column} = input.position ?? positionOf(source, input.at);
	return {
		severity,
		code: input.code,
		message: input.message,
		file: source.file,
		line,
		column,
		tasks: input.tasks ?? [],
		paths: input.paths ?? [],
	};
}

/** Small counts as words, as people write them in messages ("two tasks"). */
export function countWord(n: number): string {
	return ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'][n] ?? String(n);
}

/** `a, b and 3 more` style list for messages, keeping them one line long. */
export function listSome(items: readonly string[], max = 3): string {
	if (items.length <= max) return items.join(', ');
	return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}
