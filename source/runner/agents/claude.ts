// Claude Code adapter: the `claude -p` invocation (stream-json, permission mode, the guard hook
// in --settings) and the parser of its stream-json events.

import {guardSettings, type GuardTarget} from '../guard.js';
import {UpdateBuilder, workspaceRoots, asRecord, numberField, oneLine, parseJsonObject, stringField, textUpdate} from './common.js';
import {applyClashRule, type OwnOption} from './settings.js';
import type {AgentExit, AgentParser, AgentResult, AgentUpdate, ParserOptions} from './types.js';

/** Claude Code's permission modes; acceptEdits lets it edit files without asking. */
export const claudePermissionModes = ['acceptEdits', 'auto', 'bypassPermissions', 'default', 'dontAsk', 'plan'] as const;

/** The mode used when neither the task nor the plan names one. */
export const claudeDefaultPermissionMode = 'acceptEdits';

/** The tools fanout lets Claude Code use without asking besides `allow`: its file editors (acceptEdits allows them too). */
export const claudeEditTools = ['Edit', 'Write', 'NotebookEdit'] as const;

/** `npm test` -> `Bash(npm test:*)`: Claude Code's rule for a command and anything after it. */
export function claudeBashRule(command: string): string {
	return `Bash(${command.trim()}:*)`;
}

/**
 * Arguments of `claude` for one task (the prompt is one argument; no shell is involved). The
 * ownership brief goes in `--append-system-prompt`: it reaches the model on every turn, also after
 * `--resume`, and the user's prompt stays theirs. The user's `args` come last, minus clashes.
 */
export function claudeArgs(options: {
	readonly prompt: string;
	readonly systemPrompt: string;
	readonly permissionMode: string;
	readonly guardCommand: readonly string[];
	readonly guard: GuardTarget;
	readonly resumeSessionId?: string;
	readonly model?: string;
	readonly allow?: readonly string[];
	readonly extraArgs?: readonly string[];
}): {readonly args: string[]; readonly dropped: readonly string[]} {
	const args = [
		'-p',
		options.prompt,
		'--output-format',
		'stream-json',
		'--verbose',
		'--permission-mode',
		options.permissionMode,
		'--settings',
		guardSettings(options.guardCommand, options.guard),
		'--append-system-prompt',
		options.systemPrompt,
	];
	const own: OwnOption[] = [
		{names: ['-p', '--print'], values: 0},
		{names: ['--output-format'], values: 1},
		{names: ['--verbose'], values: 0},
		{names: ['--permission-mode'], values: 1},
		{names: ['--settings'], values: 1},
		{names: ['--append-system-prompt', '--append-system-prompt-file'], values: 1},
	];
	if (options.model) {
		args.push('--model', options.model);
		own.push({names: ['--model'], values: 1});
	}
	const allow = options.allow ?? [];
	if (allow.length > 0) {
		args.push('--allowedTools', ...allow.map(claudeBashRule), ...claudeEditTools);
		own.push({names: ['--allowedTools', '--allowed-tools'], values: 'many'});
	}
	if (options.resumeSessionId) {
		args.push('--resume', options.resumeSessionId);
		own.push({names: ['--resume', '-r', '--session-id'], values: 1}, {names: ['--continue', '-c'], values: 0});
	}
	const extra = applyClashRule(options.extraArgs ?? [], own);
	return {args: [...args, ...extra.kept], dropped: extra.dropped};
}

/** The file a Claude Code file tool writes, if it is one. */
function editedFile(name: string, input: Record<string, unknown> | undefined): string | undefined {
	if (name === 'Edit' || name === 'Write' || name === 'MultiEdit') return stringField(input, 'file_path');
	if (name === 'NotebookEdit') return stringField(input, 'notebook_path');
	return undefined;
}

/** One pane line for a tool call: `edit src/a.ts`, `$ npm test`, `read src/b.ts`, ... */
function toolLine(name: string, input: Record<string, unknown> | undefined, show: (p: string) => string): string {
	const file = stringField(input, 'file_path') ?? stringField(input, 'notebook_path');
	switch (name) {
		case 'Edit':
		case 'MultiEdit':
		case 'NotebookEdit':
			return `edit ${show(file ?? '?')}`;
		case 'Write':
			return `write ${show(file ?? '?')}`;
		case 'Read':
			return `read ${show(file ?? '?')}`;
		case 'Bash':
			return `$ ${oneLine(stringField(input, 'command') ?? '')}`;
		case 'Glob':
			return `glob ${oneLine(stringField(input, 'pattern') ?? '')}`;
		case 'Grep':
			return `grep ${oneLine(stringField(input, 'pattern') ?? '')}`;
		case 'WebFetch':
			return `fetch ${oneLine(stringField(input, 'url') ?? '')}`;
		case 'WebSearch':
			return `search ${oneLine(stringField(input, 'query') ?? '')}`;
		case 'Task':
		case 'Agent':
			return `agent ${oneLine(stringField(input, 'description') ?? stringField(input, 'prompt') ?? '')}`;
		default: {
			const first = Object.values(input ?? {}).find((value): value is string => typeof value === 'string');
			return first === undefined ? name : `${name} ${oneLine(first, 80)}`;
		}
	}
}

/** The text of a tool result's `content`: a string or an array of text blocks. */
function resultText(content: unknown): string {
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) {
		return content
			.map(block => stringField(asRecord(block), 'text') ?? '')
			.filter(text => text !== '')
			.join('\n');
	}
	return '';
}

/** Sums a usage object's token counts (input, cache creation and reads, output). */
export function usageTokens(usage: Record<string, unknown> | undefined): number | undefined {
	if (!usage) return undefined;
	const keys = ['input_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens', 'output_tokens'];
	const counts = keys.map(key => numberField(usage, key)).filter((n): n is number => n !== undefined);
	return counts.length === 0 ? undefined : counts.reduce((a, b) => a + b, 0);
}

/** `done · 3 turns · $0.0123 · 12.3s`: the closing pane line. */
export function summaryLine(word: string, turns?: number, costUsd?: number, durationMs?: number): string {
	const parts = [word];
	if (turns !== undefined) parts.push(`${turns} turn${turns === 1 ? '' : 's'}`);
	if (costUsd !== undefined) parts.push(`$${costUsd.toFixed(4)}`);
	if (durationMs !== undefined) parts.push(`${(durationMs / 1000).toFixed(1)}s`);
	return parts.join(' · ');
}

/** Claude Code's error subtypes of `result`, in words. */
const errorSubtypes: Record<string, string> = {
	error_max_turns: 'the agent reached its turn limit',
	error_max_budget_usd: 'the agent reached its budget limit',
	error_during_execution: 'the agent failed while running',
};

/** Why a result with is_error failed: its text, else its subtype in words. */
function errorWords(text: string | undefined, subtype: string | undefined): string {
	const fromText = oneLine(text ?? '');
	if (fromText !== '') return fromText;
	if (subtype && errorSubtypes[subtype]) return errorSubtypes[subtype];
	return subtype && subtype !== 'success' ? subtype : 'the agent reported an error';
}

type ClaudeFinal = {
	readonly text?: string;
	readonly isError: boolean;
	readonly subtype?: string;
	readonly costUsd?: number;
	readonly turns?: number;
	readonly tokens?: number;
	readonly sessionId?: string;
};

/**
 * Parses Claude Code's stream-json. A file edit counts once its tool result comes back without
 * error: a call the guard blocked never happened (the guard reports it), and one that succeeded
 * outside ownership is a conflict.
 */
export function createClaudeParser(options: ParserOptions): AgentParser {
	const changed = new Set<string>();
	const roots = workspaceRoots(options.workspace);
	const pendingEdits = new Map<string, string>();
	let sessionId: string | undefined;
	let cwd: string | undefined;
	let lastText: string | undefined;
	let lastError: string | undefined;
	let final: ClaudeFinal | undefined;

	const push = (rawLine: string): AgentUpdate => {
		const event = parseJsonObject(rawLine);
		if (!event) return textUpdate(rawLine);
		const out = new UpdateBuilder(options, changed, roots);
		const type = stringField(event, 'type');
		const eventSession = stringField(event, 'session_id');
		if (type === 'system' && stringField(event, 'subtype') === 'init') {
			cwd = stringField(event, 'cwd');
			if (eventSession) {
				sessionId = eventSession;
				out.session(eventSession);
			}
			const model = stringField(event, 'model');
			out.line(model ? `session started (model ${model})` : 'session started');
		} else if (type === 'assistant') {
			const message = asRecord(event['message']);
			const content = Array.isArray(message?.['content']) ? message['content'] : [];
			const apiError = stringField(event, 'error');
			for (const item of content) {
				const block = asRecord(item);
				const blockType = stringField(block, 'type');
				if (blockType === 'text') {
					const text = stringField(block, 'text') ?? '';
					if (apiError) {
						lastError = oneLine(text) || apiError;
						out.line(`error: ${lastError}`);
					} else if (text.trim() !== '') {
						lastText = text;
						out.text(text);
					}
				} else if (blockType === 'tool_use') {
					const name = stringField(block, 'name') ?? 'tool';
					const input = asRecord(block?.['input']);
					out.line(toolLine(name, input, p => out.show(p, cwd)));
					const file = editedFile(name, input);
					const id = stringField(block, 'id');
					if (file !== undefined && id !== undefined) pendingEdits.set(id, file);
				}
			}
		} else if (type === 'user') {
			const message = asRecord(event['message']);
			const content = Array.isArray(message?.['content']) ? message['content'] : [];
			for (const item of content) {
				const block = asRecord(item);
				if (stringField(block, 'type') !== 'tool_result') continue;
				const id = stringField(block, 'tool_use_id');
				const file = id === undefined ? undefined : pendingEdits.get(id);
				if (id !== undefined) pendingEdits.delete(id);
				if (block?.['is_error'] === true) {
					out.line(`error: ${oneLine(resultText(block['content'])) || 'the tool call failed'}`);
				} else if (file !== undefined) {
					out.edit(file, cwd);
				}
			}
		} else if (type === 'result') {
			const isError = event['is_error'] === true;
			const text = stringField(event, 'result');
			const subtype = stringField(event, 'subtype');
			if (eventSession) {
				sessionId = eventSession;
				out.session(eventSession);
			}
			final = {
				text,
				isError,
				subtype,
				costUsd: numberField(event, 'total_cost_usd'),
				turns: numberField(event, 'num_turns'),
				tokens: usageTokens(asRecord(event['usage'])),
				sessionId: eventSession,
			};
			if (isError) {
				const why = errorWords(text, subtype);
				if (why !== lastError) out.line(`error: ${why}`);
			}
			out.line(summaryLine(isError ? 'failed' : 'done', final.turns, final.costUsd, numberField(event, 'duration_ms')));
		}
		return out.build();
	};

	const finish = (exit: AgentExit): AgentResult => {
		const base = {changedFiles: [...changed], sessionId: final?.sessionId ?? sessionId};
		if (final) {
			const failureReason = final.isError ? errorWords(final.text, final.subtype) : undefined;
			const report = final.isError ? undefined : (final.text ?? lastText);
			return {...base, report, failureReason, costUsd: final.costUsd, turns: final.turns, tokens: final.tokens};
		}
		const ended = exit.exitCode !== 0 || exit.signal !== null;
		return {
			...base,
			report: lastText,
			failureReason: lastError ?? (ended ? 'the agent stopped before its final result' : undefined),
		};
	};

	return {push, finish};
}
