// Custom agents (`agent: {command: [...], output}`) and the plain parsers: text lines shown as
// they are, and generic JSON lines shown by their text field.

import {oneLine, parseJsonObject, stringField, stripControls, textLines} from './common.js';
import type {AgentExit, AgentParser, AgentResult, AgentUpdate} from './types.js';

/** The placeholder replaced by the prompt inside a custom command's arguments. */
export const promptPlaceholder = '{prompt}';

/**
 * A custom command with `{prompt}` replaced inside each argument where it appears. The prompt
 * never becomes more than the argument it was put in, and `$` in it means nothing.
 */
export function customCommand(command: readonly string[], prompt: string): {readonly file: string; readonly args: string[]} {
	const words = command.map(word => word.split(promptPlaceholder).join(prompt));
	return {file: words[0] ?? '', args: words.slice(1)};
}

/** How many of the last lines of plain output make its report. */
const reportLines = 10;

const noEffects = {edits: [], conflicts: [], needs: []} as const;

/**
 * Plain text output (Aider, custom commands): every line is a pane line as it is (the runner's
 * sanitizer and marker scan see it like any command's output); the last lines are the report.
 */
export function createTextParser(): AgentParser {
	const tail: string[] = [];
	const push = (rawLine: string): AgentUpdate => {
		const clean = stripControls(rawLine).trim();
		if (clean !== '') {
			tail.push(clean);
			if (tail.length > reportLines) tail.shift();
		}
		return {display: [rawLine], ...noEffects};
	};
	const finish = (_exit: AgentExit): AgentResult => ({
		changedFiles: [],
		report: tail.length > 0 ? tail.join('\n') : undefined,
	});
	return {push, finish};
}

/** The fields a generic JSON line's text is looked for in, in order. */
const textFields = ['text', 'message', 'content', 'result', 'output'];

/**
 * Generic JSON lines (custom commands with `output: jsonl`): a line shows its first text field
 * (`error: ...` when its type says error); anything else is shown raw. The last text is the report.
 */
export function createJsonlParser(): AgentParser {
	let lastText: string | undefined;
	let lastError: string | undefined;
	const push = (rawLine: string): AgentUpdate => {
		const event = parseJsonObject(rawLine);
		if (!event) return {display: [rawLine], ...noEffects};
		const field = textFields.map(key => stringField(event, key)).find(value => value !== undefined);
		const error = stringField(event, 'error');
		const isError = stringField(event, 'type') === 'error' || error !== undefined;
		if (isError) {
			lastError = oneLine(error ?? field ?? 'error');
			return {display: [`error: ${lastError}`], ...noEffects};
		}
		if (field === undefined) return {display: [stripControls(rawLine)], ...noEffects};
		if (field.trim() !== '') lastText = field;
		return {display: textLines(field), ...noEffects};
	};
	const finish = (exit: AgentExit): AgentResult => ({
		changedFiles: [],
		report: lastText,
		failureReason: exit.exitCode !== 0 || exit.signal !== null ? lastError : undefined,
	});
	return {push, finish};
}
