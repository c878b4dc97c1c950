// The Claude Code guard: decides whether an Edit/Write/NotebookEdit/MultiEdit may happen (pure), builds
// the hook command that runs `fanout guard` for one task, records refusals in the run folder,
// and watches those records so the engine can raise conflict.detected (how: 'blocked').

import fs from 'node:fs';
import path from 'node:path';
import {compileGlobs} from '../plan/ownership.js';
import {asRecord, locatePath, stringField} from './agents/common.js';

/**
 * The tools the hook is registered for: Claude Code's file-writing tools. MultiEdit is gone from
 * current versions but older ones still have it (and the parser counts its edits), so it is
 * guarded too: a matcher without it would let its writes through unchecked.
 */
export const guardedTools = ['Edit', 'Write', 'NotebookEdit', 'MultiEdit'] as const;

/** The hook matcher given to Claude Code. */
export const guardMatcher = guardedTools.join('|');

/** Gemini CLI's file-writing tools (their `file_path` is the file), guarded by its BeforeTool hook. */
export const geminiGuardedTools = ['write_file', 'replace'] as const;

/** What the guard knows about the task it protects. */
export type GuardOwnership = {
	/** The main workspace: the plan's folder. */
	readonly workspace: string;
	/**
	 * The task's own root, where its agent runs (a git worktree of the workspace), when not the
	 * workspace itself. Paths are judged relative to it and map back to the same plan paths; an
	 * absolute path outside it (the main workspace, another task's tree) is refused.
	 */
	readonly root?: string;
	readonly owns: readonly string[];
	readonly taskId?: string;
	/**
	 * Resolves symbolic links of an absolute path (the deepest existing part). When given, a path
	 * is allowed only if its real location is owned too, so a link cannot carry a write elsewhere.
	 */
	readonly realPath?: (abs: string) => string;
};

export type GuardDecision =
	| {readonly allow: true}
	| {readonly allow: false; readonly path: string; readonly tool: string; readonly message: string};

function needsAdvice(shown: string): string {
	return [
		'Do not change it in any other way either (no shell command, no copy, no rename).',
		'If your task needs it, print exactly one line, on its own, and then stop working:',
		`FANOUT-NEEDS: ${shown} -- <why you need it>`,
	].join('\n');
}

function refuse(shown: string, tool: string, why: string): GuardDecision {
	return {allow: false, path: shown, tool, message: `fanout refused this ${tool}: ${why}\n${needsAdvice(shown)}`};
}

function ownerWords(ownership: GuardOwnership): string {
	const who = taskWords(ownership);
	return ownership.owns.length > 0 ? `${who} owns only ${ownership.owns.join(', ')}` : `${who} owns no files`;
}

/**
 * Decides one PreToolUse hook call. Tools other than Claude Code's file writers are allowed
 * (the hook is registered only for them; anything else reaching it is not a write we judge).
 * A write whose input cannot be read, or that names no file, is refused: when in doubt about a
 * write, blocking it costs the agent one FANOUT-NEEDS round trip, allowing it could break another
 * task's files.
 */
export function guardDecision(hookInput: unknown, ownership: GuardOwnership): GuardDecision {
	const input = asRecord(hookInput);
	if (!input) {
		return refuse('<unknown file>', 'write', 'the hook input could not be read, so fanout cannot tell which file it would change.');
	}
	const tool = stringField(input, 'tool_name') ?? 'write';
	const known: readonly string[] = [...guardedTools, ...geminiGuardedTools];
	if (stringField(input, 'tool_name') !== undefined && !known.includes(tool)) {
		return {allow: true};
	}
	const toolInput = asRecord(input['tool_input']);
	const reported =
		tool === 'NotebookEdit'
			? (stringField(toolInput, 'notebook_path') ?? stringField(toolInput, 'file_path'))
			: (stringField(toolInput, 'file_path') ?? stringField(toolInput, 'notebook_path'));
	if (reported === undefined || reported.trim() === '') {
		return refuse('<unknown file>', tool, 'the call names no file, so fanout cannot check it against this task\'s files.');
	}
	const root = ownership.root ?? ownership.workspace;
	const cwd = stringField(input, 'cwd');
	const base = cwd && path.isAbsolute(cwd) ? cwd : root;
	// The agent's cwd is the real path; a root given through a symbolic link must match it.
	const realRoot = ownership.realPath?.(path.resolve(root));
	const roots = realRoot && realRoot !== path.resolve(root) ? [root, realRoot] : [root];
	const where = locatePath(reported, roots, base);
	if (!where.inside) {
		const inWorkspace = root !== ownership.workspace && locatePath(where.abs, ownership.workspace).inside;
		const why = inWorkspace
			? `${where.abs} is in the main workspace (${ownership.workspace}), not in ${taskWords(ownership)}'s own folder (${root}): edit the copy there, by a path relative to it`
			: `${where.abs} is outside ${root === ownership.workspace ? 'the workspace' : `${taskWords(ownership)}'s own folder`} (${root})`;
		return refuse(where.abs, tool, `${why}; ${ownerWords(ownership)}.`);
	}
	const owned = compileGlobs(ownership.owns);
	if (!owned(where.rel)) {
		return refuse(where.rel, tool, `${where.rel} is not this task's file: ${ownerWords(ownership)}.`);
	}
	if (ownership.realPath && realRoot) {
		const realTarget = ownership.realPath(path.resolve(root, where.rel));
		const real = locatePath(realTarget, realRoot);
		if (!real.inside || !owned(real.rel)) {
			const shownReal = real.inside ? real.rel : real.abs;
			return refuse(where.rel, tool, `${where.rel} leads through a symbolic link to ${shownReal}, which is not this task's file: ${ownerWords(ownership)}.`);
		}
	}
	return {allow: true};
}

function taskWords(ownership: GuardOwnership): string {
	return ownership.taskId ? `task "${ownership.taskId}"` : 'this task';
}

/**
 * Real path of a possibly missing file: the deepest existing ancestor is resolved, the rest kept.
 * A dangling symbolic link is followed to where it points, since a write would land there.
 * (Effectful: reads the file system. Passed to guardDecision as `realPath`.)
 */
export function realPathOfTarget(abs: string): string {
	let existing = abs;
	const rest: string[] = [];
	// Bounded like the kernel's own symlink limit, so a link loop cannot spin forever.
	for (let hops = 0; hops < 40; ) {
		try {
			return path.join(fs.realpathSync(existing), ...[...rest].reverse());
		} catch {
			const link = readLinkIfAny(existing);
			if (link !== undefined) {
				existing = path.resolve(path.dirname(existing), link);
				hops++;
				continue;
			}
			const parent = path.dirname(existing);
			if (parent === existing) return abs;
			rest.push(path.basename(existing));
			existing = parent;
		}
	}
	return abs;
}

function readLinkIfAny(file: string): string | undefined {
	try {
		return fs.lstatSync(file).isSymbolicLink() ? fs.readlinkSync(file) : undefined;
	} catch {
		return undefined;
	}
}

/** Quotes one word for a POSIX shell: single quotes, with embedded ones as `'\''`. */
export function shellQuote(word: string): string {
	return `'${word.replaceAll("'", "'\\''")}'`;
}

/** What the guard command is told about its task (as arguments, so no environment is needed). */
export type GuardTarget = {
	readonly taskId: string;
	readonly runDir: string;
	readonly workspace: string;
	/** The task's own root (worktree), when it is not the workspace. */
	readonly root?: string;
	readonly owns: readonly string[];
};

/** The arguments given to `fanout guard` for one task. `--owns=` keeps a glob starting with `-` a value. */
export function guardArgs(target: GuardTarget): string[] {
	return [
		`--task=${target.taskId}`,
		`--run-dir=${target.runDir}`,
		`--workspace=${target.workspace}`,
		...(target.root !== undefined && target.root !== target.workspace ? [`--root=${target.root}`] : []),
		...target.owns.map(glob => `--owns=${glob}`),
	];
}

/**
 * The shell line Claude Code runs as the PreToolUse hook. Every word is single-quoted. If the guard
 * cannot run at all (moved binary, broken install), the shell's exit code would be 127, which
 * Claude Code does not treat as a block; `|| exit 2` turns any failure into a refusal instead.
 */
export function guardHookCommand(guardCommand: readonly string[], target: GuardTarget): string {
	return `${[...guardCommand, ...guardArgs(target)].map(shellQuote).join(' ')} || exit 2`;
}

/** The `--settings` JSON for Claude Code: one PreToolUse hook on the file-writing tools. */
export function guardSettings(guardCommand: readonly string[], target: GuardTarget): string {
	return JSON.stringify({
		hooks: {
			PreToolUse: [{matcher: guardMatcher, hooks: [{type: 'command', command: guardHookCommand(guardCommand, target), timeout: 10}]}],
		},
	});
}

/**
 * Gemini CLI settings holding the guard as a BeforeTool hook on its file writers (Gemini CLI
 * 0.61 reads `hooks.BeforeTool` and `hooksConfig.enabled`; its hook gets the same `tool_name`,
 * `tool_input`, `cwd` JSON and blocks on exit 2, like Claude Code's). Its timeout is in ms.
 */
export function geminiGuardSettings(guardCommand: readonly string[], target: GuardTarget): string {
	return JSON.stringify({
		hooksConfig: {enabled: true},
		hooks: {
			BeforeTool: [{matcher: geminiGuardedTools.join('|'), hooks: [{type: 'command', command: guardHookCommand(guardCommand, target), timeout: 10_000}]}],
		},
	});
}

/**
 * Reads guard arguments back, falling back to FANOUT_TASK_ID, FANOUT_RUN_DIR, FANOUT_WORKSPACE and
 * FANOUT_OWNS (newline-separated) for anything not given. Owns from arguments replace the variable's.
 */
export function parseGuardTarget(
	argv: readonly string[],
	env: Readonly<Record<string, string | undefined>>,
): {readonly ok: true; readonly target: GuardTarget} | {readonly ok: false; readonly error: string} {
	let taskId = env['FANOUT_TASK_ID'];
	let runDir = env['FANOUT_RUN_DIR'];
	let workspace = env['FANOUT_WORKSPACE'];
	let root = env['FANOUT_TASK_ROOT'];
	const owns: string[] = [];
	for (const arg of argv) {
		const eq = arg.indexOf('=');
		const name = eq < 0 ? arg : arg.slice(0, eq);
		const value = eq < 0 ? undefined : arg.slice(eq + 1);
		if (value === undefined) return {ok: false, error: `unexpected argument ${JSON.stringify(arg)} (use --name=value)`};
		if (name === '--task') taskId = value;
		else if (name === '--run-dir') runDir = value;
		else if (name === '--workspace') workspace = value;
		else if (name === '--root') root = value;
		else if (name === '--owns') owns.push(value);
		else return {ok: false, error: `unknown option ${name}`};
	}
	const envOwns = (env['FANOUT_OWNS'] ?? '').split('\n').filter(glob => glob !== '');
	if (!taskId) return {ok: false, error: 'no task id (--task=<id> or FANOUT_TASK_ID)'};
	if (!workspace || !path.isAbsolute(workspace)) return {ok: false, error: 'no absolute workspace (--workspace=<dir> or FANOUT_WORKSPACE)'};
	if (!runDir || !path.isAbsolute(runDir)) return {ok: false, error: 'no absolute run folder (--run-dir=<dir> or FANOUT_RUN_DIR)'};
	if (root !== undefined && root !== '' && !path.isAbsolute(root)) return {ok: false, error: 'the task root must be absolute (--root=<dir> or FANOUT_TASK_ROOT)'};
	const ownRoot = root && root !== workspace ? {root} : {};
	return {ok: true, target: {taskId, runDir, workspace, ...ownRoot, owns: owns.length > 0 ? owns : envOwns}};
}

/** One refusal as recorded by the guard. */
export type GuardRefusal = {readonly taskId: string; readonly path: string; readonly tool: string; readonly at: number};

/** The folder of a run where the guard records refusals, one JSON-lines file per task. */
export function guardFolder(runDir: string): string {
	return path.join(runDir, 'guard');
}

/** Task ids become file names: anything but a safe character is percent-encoded. */
function refusalFile(runDir: string, taskId: string): string {
	const safe = taskId.replace(/[^A-Za-z0-9._-]/g, ch => `%${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
	return path.join(guardFolder(runDir), `${safe}.jsonl`);
}

/** Appends one refusal to `<runDir>/guard/<task-id>.jsonl` (one short line: an atomic append). */
export function recordRefusal(runDir: string, refusal: GuardRefusal): void {
	fs.mkdirSync(guardFolder(runDir), {recursive: true});
	fs.appendFileSync(refusalFile(runDir, refusal.taskId), `${JSON.stringify(refusal)}\n`);
}

function parseRefusal(line: string, fallbackTaskId: string): GuardRefusal | undefined {
	try {
		const record = asRecord(JSON.parse(line));
		const refusedPath = stringField(record, 'path');
		if (!record || refusedPath === undefined) return undefined;
		const at = typeof record['at'] === 'number' ? record['at'] : Date.now();
		return {taskId: stringField(record, 'taskId') ?? fallbackTaskId, path: refusedPath, tool: stringField(record, 'tool') ?? 'write', at};
	} catch {
		return undefined;
	}
}

/**
 * Calls `onRefusal` for every refusal the guard records in this run, from now on (records already
 * there are reported too, once). Watches the guard folder, polls every second in case an event is
 * missed, and reads once more when stopped. Returns the stop function.
 */
export function watchGuardRefusals(runDir: string, onRefusal: (refusal: GuardRefusal) => void): () => void {
	const folder = guardFolder(runDir);
	fs.mkdirSync(folder, {recursive: true});
	const offsets = new Map<string, number>();
	let stopped = false;

	const readNew = () => {
		let names: string[];
		try {
			names = fs.readdirSync(folder).filter(name => name.endsWith('.jsonl'));
		} catch {
			return;
		}
		for (const name of names) {
			const file = path.join(folder, name);
			const from = offsets.get(name) ?? 0;
			let text: string;
			try {
				const size = fs.statSync(file).size;
				if (size <= from) continue;
				const fd = fs.openSync(file, 'r');
				try {
					const buffer = Buffer.alloc(size - from);
					const read = fs.readSync(fd, buffer, 0, buffer.length, from);
					text = buffer.subarray(0, read).toString('utf8');
				} finally {
					fs.closeSync(fd);
				}
			} catch {
				continue;
			}
			// Only whole lines: a record being appended right now is read on the next pass.
			const end = text.lastIndexOf('\n');
			if (end < 0) continue;
			offsets.set(name, from + Buffer.byteLength(text.slice(0, end + 1)));
			const fallbackTaskId = decodeURIComponent(name.slice(0, -'.jsonl'.length));
			for (const line of text.slice(0, end).split('\n')) {
				const refusal = line.trim() === '' ? undefined : parseRefusal(line, fallbackTaskId);
				if (refusal) onRefusal(refusal);
			}
		}
	};

	let watcher: fs.FSWatcher | undefined;
	try {
		watcher = fs.watch(folder, () => {
			if (!stopped) readNew();
		});
		watcher.on('error', () => undefined);
	} catch {
		watcher = undefined;
	}
	const poll = setInterval(readNew, 1000);
	poll.unref();
	readNew();
	return () => {
		if (stopped) return;
		readNew();
		stopped = true;
		clearInterval(poll);
		watcher?.close();
	};
}
