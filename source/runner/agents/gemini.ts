// Gemini CLI adapter: the `gemini -p` invocation and the parser of its stream-json events.

import path from 'node:path';
import {summaryLine, usageTokens} from './claude.js';
import {UpdateBuilder, workspaceRoots, asRecord, numberField, oneLine, parseJsonObject, stringField, textUpdate} from './common.js';
import {applyClashRule, type OwnOption} from './settings.js';
import type {AgentExit, AgentParser, AgentResult, AgentUpdate, ParserOptions} from './types.js';

/** Gemini CLI approval modes; auto_edit approves file edits without asking. */
export const geminiApprovalModes = ['default', 'auto_edit', 'yolo'] as const;

export const geminiDefaultApprovalMode = 'auto_edit';

/** `npm test` -> `run_shell_command(npm test)`: Gemini CLI's allowed-tools entry for a command prefix. */
export function geminiShellRule(command: string): string {
	return `run_shell_command(${command.trim()})`;
}

/**
 * The variable that makes a headless Gemini CLI trust its folder. Since about v0.41 an untrusted
 * folder (any fresh worktree or temporary copy) exits 55 before printing anything. The variable is
 * read by every version with the check (0.61 turns its `--skip-trust` flag into this same variable),
 * and ignored by older ones, where the flag would be an unknown option.
 */
export const geminiTrustEnv = {GEMINI_CLI_TRUST_WORKSPACE: 'true'} as const;

/**
 * Where fanout writes a Gemini task's settings (the guard's BeforeTool hook): the run folder, named
 * to Gemini CLI by GEMINI_CLI_SYSTEM_SETTINGS_PATH, so nothing is written in the workspace. That
 * variable replaces the machine-wide settings file (/etc/gemini-cli/settings.json) for the task.
 */
export function geminiSettingsFile(runDir: string, taskId: string): string {
	return path.join(runDir, 'gemini', `${taskId.replace(/[^A-Za-z0-9._-]/g, '_')}.settings.json`);
}

/**
 * Arguments of `gemini` for one task. `allow` becomes `--allowed-tools run_shell_command(<cmd>)`
 * (deprecated in favour of policy files in 0.61, still accepted); the user's `args` come last,
 * minus clashes.
 */
export function geminiArgs(options: {
	readonly prompt: string;
	readonly approvalMode: string;
	readonly model?: string;
	readonly allow?: readonly string[];
	readonly extraArgs?: readonly string[];
}): {readonly args: string[]; readonly dropped: readonly string[]} {
	const args = ['-p', options.prompt, '--output-format', 'stream-json', '--approval-mode', options.approvalMode];
	const own: OwnOption[] = [
		{names: ['-p', '--prompt'], values: 1},
		{names: ['-o', '--output-format'], values: 1},
		{names: ['--approval-mode'], values: 1},
		{names: ['-y', '--yolo'], values: 0},
	];
	if (options.model) {
		args.push('-m', options.model);
		own.push({names: ['-m', '--model'], values: 1});
	}
	const allow = options.allow ?? [];
	if (allow.length > 0) {
		args.push('--allowed-tools', ...allow.map(geminiShellRule));
		own.push({names: ['--allowed-tools'], values: 'many'});
	}
	const extra = applyClashRule(options.extraArgs ?? [], own);
	return {args: [...args, ...extra.kept], dropped: extra.dropped};
}

/** Gemini's file-writing tools, and the pane word for each. */
const writeTools: Record<string, string> = {write_file: 'write', replace: 'edit', edit: 'edit'};

function toolPath(parameters: Record<string, unknown> | undefined): string | undefined {
	return stringField(parameters, 'file_path') ?? stringField(parameters, 'absolute_path') ?? stringField(parameters, 'path');
}

function toolLine(name: string, parameters: Record<string, unknown> | undefined, show: (p: string) => string): string {
	const file = toolPath(parameters);
	const write = writeTools[name];
	if (write) return `${write} ${show(file ?? '?')}`;
	switch (name) {
		case 'read_file':
			return `read ${show(file ?? '?')}`;
		case 'run_shell_command':
			return `$ ${oneLine(stringField(parameters, 'command') ?? '')}`;
		case 'glob':
			return `glob ${oneLine(stringField(parameters, 'pattern') ?? '')}`;
		case 'search_file_content':
		case 'grep':
			return `grep ${oneLine(stringField(parameters, 'pattern') ?? '')}`;
		case 'list_directory':
			return `ls ${show(file ?? '.')}`;
		case 'google_web_search':
			return `search ${oneLine(stringField(parameters, 'query') ?? '')}`;
		case 'web_fetch':
			return `fetch ${oneLine(stringField(parameters, 'prompt') ?? stringField(parameters, 'url') ?? '')}`;
		default:
			return name;
	}
}

/**
 * Parses Gemini CLI's stream-json. Assistant messages may arrive as deltas: text is held until a
 * line is complete (or another event arrives) so that the pane never shows half words.
 */
export function createGeminiParser(options: ParserOptions): AgentParser {
	const changed = new Set<string>();
	const roots = workspaceRoots(options.workspace);
	const pendingEdits = new Map<string, string>();
	let sessionId: string | undefined;
	let partial = '';
	let message = '';
	let lastMessage: string | undefined;
	let lastError: string | undefined;
	let final: {status?: string; error?: string; tokens?: number; turns?: number} | undefined;

	const flush = (out: UpdateBuilder) => {
		if (partial !== '') out.text(partial);
		partial = '';
		if (message.trim() !== '') lastMessage = message;
		message = '';
	};

	const push = (rawLine: string): AgentUpdate => {
		const event = parseJsonObject(rawLine);
		if (!event) return textUpdate(rawLine);
		const out = new UpdateBuilder(options, changed, roots);
		const type = stringField(event, 'type');
		if (type === 'message') {
			if (stringField(event, 'role') !== 'assistant') return out.build();
			const content = stringField(event, 'content') ?? '';
			message += content;
			if (event['delta'] !== true) {
				partial += content;
				flush(out);
				return out.build();
			}
			partial += content;
			const end = partial.lastIndexOf('\n');
			if (end >= 0) {
				out.text(partial.slice(0, end));
				partial = partial.slice(end + 1);
			}
			return out.build();
		}
		flush(out);
		if (type === 'init') {
			const id = stringField(event, 'session_id') ?? stringField(event, 'sessionId');
			if (id) {
				sessionId = id;
				out.session(id);
			}
			const model = stringField(event, 'model');
			out.line(model ? `session started (model ${model})` : 'session started');
		} else if (type === 'tool_use') {
			const name = stringField(event, 'tool_name') ?? 'tool';
			const parameters = asRecord(event['parameters']);
			out.line(toolLine(name, parameters, p => out.show(p)));
			const file = toolPath(parameters);
			const id = stringField(event, 'tool_id');
			if (writeTools[name] && file !== undefined && id !== undefined) pendingEdits.set(id, file);
		} else if (type === 'tool_result') {
			const id = stringField(event, 'tool_id');
			const file = id === undefined ? undefined : pendingEdits.get(id);
			if (id !== undefined) pendingEdits.delete(id);
			if (stringField(event, 'status') === 'error') {
				const error = asRecord(event['error']);
				out.line(`error: ${oneLine(stringField(error, 'message') ?? stringField(event, 'output') ?? 'the tool call failed')}`);
			} else if (file !== undefined) {
				out.edit(file);
			}
		} else if (type === 'error') {
			const text = oneLine(stringField(event, 'message') ?? 'error');
			const warning = stringField(event, 'severity') === 'warning';
			if (!warning) lastError = text;
			out.line(`${warning ? 'warning' : 'error'}: ${text}`);
		} else if (type === 'result') {
			const status = stringField(event, 'status');
			const error = asRecord(event['error']);
			const stats = asRecord(event['stats']);
			const tokens = numberField(stats, 'total_tokens') ?? usageTokens(stats);
			const errorText = stringField(error, 'message') ?? (typeof event['error'] === 'string' ? event['error'] : undefined);
			final = {status, error: errorText === undefined ? undefined : oneLine(errorText), tokens, turns: numberField(stats, 'turns')};
			if (status === 'error' && final.error && final.error !== lastError) out.line(`error: ${final.error}`);
			out.line(summaryLine(status === 'error' ? 'failed' : 'done', final.turns, undefined, numberField(stats, 'duration_ms')));
		}
		return out.build();
	};

	const finish = (exit: AgentExit): AgentResult => {
		if (message.trim() !== '') lastMessage = message;
		const ended = exit.exitCode !== 0 || exit.signal !== null;
		let failureReason: string | undefined;
		if (final?.status === 'error') failureReason = final.error ?? lastError ?? 'the agent reported an error';
		else if (!final && ended) failureReason = lastError ?? 'the agent stopped before its final result';
		return {
			changedFiles: [...changed],
			sessionId,
			report: final?.status === 'error' ? undefined : lastMessage?.trim(),
			tokens: final?.tokens,
			turns: final?.turns,
			failureReason,
		};
	};

	return {push, finish};
}
