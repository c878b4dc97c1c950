// Codex adapter: the `codex exec --json` invocation and the parser of its JSON events.

import {UpdateBuilder, workspaceRoots, asRecord, numberField, oneLine, parseJsonObject, stringField, textUpdate} from './common.js';
import {applyClashRule, type OwnOption} from './settings.js';
import type {AgentExit, AgentParser, AgentResult, AgentUpdate, ParserOptions} from './types.js';

/** Codex sandboxes (`-s`); workspace-write lets it edit the workspace and nothing else. */
export const codexSandboxes = ['read-only', 'workspace-write', 'danger-full-access'] as const;

export const codexDefaultSandbox = 'workspace-write';

/** `-c sandbox_mode="workspace-write"`: the sandbox as a config override, which `exec resume` accepts too. */
export function codexSandboxConfig(sandbox: string): string {
	return `sandbox_mode=${JSON.stringify(sandbox)}`;
}

/**
 * Arguments of `codex` for one task. The prompt comes last; agentPrompt starts with fixed words,
 * so it is never read as an option (nor as a subcommand name).
 *
 * The sandbox is passed as `-c sandbox_mode=...` on the first run and on `exec resume` alike:
 * resume rejects `-s` and otherwise runs under the default sandbox, not the first turn's
 * (openai/codex#40149). Resume takes no `-C` either (checked against Codex 0.171's
 * `codex exec resume --help`): its folder is the process's cwd, which the runner sets to `cwd`.
 * `workspace-write` is what lets Codex run commands (`allow`) in the task's folder; Codex has no
 * per-command allow list, and that sandbox has no network.
 */
export function codexArgs(options: {
	readonly prompt: string;
	readonly sandbox: string;
	readonly cwd: string;
	readonly resumeSessionId?: string;
	readonly model?: string;
	readonly extraArgs?: readonly string[];
}): {readonly args: string[]; readonly dropped: readonly string[]} {
	const resume = options.resumeSessionId;
	const args = resume ? ['exec', 'resume', '--json'] : ['exec', '--json', '-C', options.cwd];
	args.push('--skip-git-repo-check', '-c', codexSandboxConfig(options.sandbox));
	const own: OwnOption[] = [
		{names: ['--json'], values: 0},
		{names: ['-C', '--cd'], values: 1},
		{names: ['-s', '--sandbox'], values: 1},
		{names: ['--skip-git-repo-check'], values: 0},
		{names: ['--last', '--all'], values: 0},
	];
	if (options.model) {
		args.push('-m', options.model);
		own.push({names: ['-m', '--model'], values: 1});
	}
	// `-c` is repeatable: only the user's own sandbox_mode override clashes with fanout's.
	const extra = applyClashRule(withoutSandboxConfig(options.extraArgs ?? []), own);
	args.push(...extra.kept);
	if (resume) args.push(resume);
	args.push(options.prompt);
	const droppedConfig = sandboxConfigsIn(options.extraArgs ?? []);
	return {args, dropped: [...droppedConfig, ...extra.dropped]};
}

function isSandboxConfig(value: string | undefined): boolean {
	return value !== undefined && /^\s*sandbox_mode\s*=/.test(value);
}

/** The user's args without their `-c sandbox_mode=...` pairs. */
function withoutSandboxConfig(args: readonly string[]): string[] {
	const out: string[] = [];
	for (let i = 0; i < args.length; i++) {
		const arg = args[i]!;
		if ((arg === '-c' || arg === '--config') && isSandboxConfig(args[i + 1])) i++;
		else if (arg.startsWith('--config=') && isSandboxConfig(arg.slice('--config='.length))) continue;
		else out.push(arg);
	}
	return out;
}

function sandboxConfigsIn(args: readonly string[]): string[] {
	const found: string[] = [];
	for (let i = 0; i < args.length; i++) {
		const arg = args[i]!;
		if ((arg === '-c' || arg === '--config') && isSandboxConfig(args[i + 1])) found.push(arg, args[++i]!);
		else if (arg.startsWith('--config=') && isSandboxConfig(arg.slice('--config='.length))) found.push(arg);
	}
	return found;
}

/** A command as Codex reports it, without the `bash -lc '...'` wrapper it adds. */
export function unwrapShell(command: unknown): string {
	if (Array.isArray(command)) {
		const words = command.filter((part): part is string => typeof part === 'string');
		const [shell, flag, script] = words;
		if (words.length === 3 && shell && /(?:^|\/)(?:ba|z)?sh$/.test(shell) && /^-l?c$/.test(flag ?? '')) return script ?? '';
		return words.join(' ');
	}
	const text = typeof command === 'string' ? command : '';
	const wrapped = /^(?:\S*\/)?(?:ba|z)?sh\s+-l?c\s+(['"])([\s\S]*)\1$/.exec(text.trim());
	return wrapped?.[2] ?? text;
}

const changeWords: Record<string, string> = {add: 'write', update: 'edit', delete: 'delete'};

/**
 * Parses `codex exec --json`. `error` events are shown but are not the end (Codex retries, and
 * may wait for the network indefinitely); `turn.failed` is a failure.
 */
export function createCodexParser(options: ParserOptions): AgentParser {
	const changed = new Set<string>();
	const roots = workspaceRoots(options.workspace);
	const started = new Set<string>();
	let sessionId: string | undefined;
	let lastMessage: string | undefined;
	let lastError: string | undefined;
	let turnFailure: string | undefined;
	let tokens: number | undefined;
	let turns = 0;

	const onItem = (out: UpdateBuilder, phase: 'started' | 'updated' | 'completed', item: Record<string, unknown>) => {
		const itemType = stringField(item, 'type');
		const id = stringField(item, 'id');
		if (itemType === 'command_execution') {
			const command = unwrapShell(item['command']);
			if (phase === 'started' || (phase === 'completed' && (id === undefined || !started.has(id)))) {
				out.line(`$ ${oneLine(command)}`);
				if (id !== undefined) started.add(id);
			}
			const exitCode = numberField(item, 'exit_code');
			if (phase === 'completed' && exitCode !== undefined && exitCode !== 0) out.line(`  exit ${exitCode}`);
			return;
		}
		if (phase !== 'completed') return;
		if (itemType === 'agent_message') {
			const text = stringField(item, 'text') ?? '';
			if (text.trim() !== '') {
				lastMessage = text;
				out.text(text);
			}
		} else if (itemType === 'file_change') {
			const failed = stringField(item, 'status') === 'failed';
			const changes = Array.isArray(item['changes']) ? item['changes'] : [];
			for (const entry of changes) {
				const change = asRecord(entry);
				const file = stringField(change, 'path');
				if (file === undefined) continue;
				const word = changeWords[stringField(change, 'kind') ?? ''] ?? 'edit';
				if (failed) out.line(`error: could not ${word} ${out.show(file)}`);
				else out.line(`${word} ${out.edit(file)}`);
			}
		} else if (itemType === 'error') {
			const message = oneLine(stringField(item, 'message') ?? 'error');
			lastError = message;
			out.line(`error: ${message}`);
		} else if (itemType === 'mcp_tool_call') {
			out.line(`tool ${[stringField(item, 'server'), stringField(item, 'tool')].filter(Boolean).join('.')}`);
		} else if (itemType === 'web_search') {
			out.line(`search ${oneLine(stringField(item, 'query') ?? '')}`);
		}
		// reasoning and todo_list are the agent's scratch work: left to the log, not the pane.
	};

	const push = (rawLine: string): AgentUpdate => {
		const event = parseJsonObject(rawLine);
		if (!event) return textUpdate(rawLine);
		const out = new UpdateBuilder(options, changed, roots);
		const type = stringField(event, 'type') ?? '';
		if (type === 'thread.started') {
			const id = stringField(event, 'thread_id');
			if (id) {
				sessionId = id;
				out.session(id);
			}
			out.line('session started');
		} else if (type.startsWith('item.')) {
			const item = asRecord(event['item']);
			const phase = type.slice('item.'.length);
			if (item && (phase === 'started' || phase === 'updated' || phase === 'completed')) onItem(out, phase, item);
		} else if (type === 'turn.completed') {
			turns += 1;
			const usage = asRecord(event['usage']);
			// cached_input_tokens is a part of input_tokens, not an addition.
			const used = (numberField(usage, 'input_tokens') ?? 0) + (numberField(usage, 'output_tokens') ?? 0);
			tokens = (tokens ?? 0) + used;
		} else if (type === 'turn.failed') {
			const error = asRecord(event['error']);
			turnFailure = oneLine(stringField(error, 'message') ?? stringField(event, 'message') ?? 'the turn failed');
			out.line(`error: ${turnFailure}`);
		} else if (type === 'error') {
			const message = oneLine(stringField(event, 'message') ?? 'error');
			lastError = message;
			out.line(`error: ${message}`);
		}
		return out.build();
	};

	const finish = (exit: AgentExit): AgentResult => {
		const ended = exit.exitCode !== 0 || exit.signal !== null;
		let failureReason = turnFailure;
		if (!failureReason && ended) failureReason = lastError ?? 'the agent stopped before finishing its turn';
		return {
			changedFiles: [...changed],
			sessionId,
			report: lastMessage,
			tokens,
			turns: turns > 0 ? turns : undefined,
			failureReason,
		};
	};

	return {push, finish};
}
