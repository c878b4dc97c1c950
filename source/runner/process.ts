// Starts one task's process in its own process group, pipes stdout and stderr into its
// TaskOutput, enforces the timeout, and says in plain words how it ended.

import {spawn} from 'node:child_process';
import type {ChildProcess} from 'node:child_process';
import {statSync} from 'node:fs';
import {formatDuration} from '../plan/yaml.js';
import type {TaskOutput} from './output.js';
import {isGroupAlive, killGroup, registerGroup, unregisterGroup} from './groups.js';
import type {GroupMeta} from './groups.js';
import {pausableTimeout} from './pausable-timers.js';
import {spawnFromPool} from './spawner.js';
import type {PooledChild} from './spawner.js';

/** A shell command (`/bin/sh -c`) or a program with arguments (no shell). */
export type ProcessSpec = {readonly command: string} | {readonly file: string; readonly args: readonly string[]};

export type ProcessOptions = {
	readonly cwd: string;
	readonly env: NodeJS.ProcessEnv;
	readonly timeoutMs?: number;
	/** Between SIGTERM and SIGKILL when stopping (default 5000 ms). */
	readonly graceMs?: number;
	/** Receives stdout and stderr; ended by the time `done` resolves. */
	readonly output: TaskOutput;
	/** Recorded with the process group (for a stop-everything on signals). */
	readonly meta?: Omit<GroupMeta, 'startedAt'>;
	/** A shell command may start in a slot of the spawner's pool (see spawner.ts) instead of a fork of fanout. */
	readonly pooled?: boolean;
};

/** How a process ended. */
export type ExitInfo = {
	readonly exitCode: number | null;
	readonly signal: string | null;
	readonly outcome: 'passed' | 'failed';
	/** Plain words, when it failed: 'exit code 2', 'killed by SIGKILL', 'timed out after 10s', 'command not found: foo', 'stopped'. */
	readonly reason?: string;
};

export type RunningProcess = {
	/** Undefined when the process could not start. Also its process group id. */
	readonly pid: number | undefined;
	/** Resolves once the process exited, its group is gone and its output is flushed. Never rejects. */
	readonly done: Promise<ExitInfo>;
	/** Stops the whole group (SIGTERM, SIGKILL after grace); resolves with `done`. */
	stop(reason?: string): Promise<void>;
};

/** After the group is gone, how long to wait for the pipes' last bytes before closing them. */
const PIPE_DRAIN_MS = 500;
/** Bytes of stderr kept to recognise the shell's "not found". */
const ERR_TAIL = 512;

/** Spawns `spec` detached (own process group), stdin ignored. Never throws. */
export function startProcess(spec: ProcessSpec, options: ProcessOptions): RunningProcess {
	const {output, cwd} = options;
	const graceMs = options.graceMs ?? 5000;
	const file = 'command' in spec ? '/bin/sh' : spec.file;
	const args = 'command' in spec ? ['-c', spec.command] : [...spec.args];

	const cwdProblem = checkDirectory(cwd);
	if (cwdProblem) return notStarted(output, cwdProblem);

	// Pooled shell commands start in a pre-forked slot of the spawner when one is ready (no wait
	// for the exec), else through libuv. Programs (agents) always go through libuv: /bin/sh is
	// always there, but a missing program must keep failing before it has a pid, as the engine expects.
	let child: ChildProcess | PooledChild;
	let pooled = false;
	try {
		const fromPool = 'command' in spec && options.pooled === true ? spawnFromPool(file, args, {cwd, env: options.env}) : undefined;
		pooled = fromPool !== undefined;
		child = fromPool ?? spawn(file, args, {cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe']});
	} catch (error) {
		return notStarted(output, startFailure(error, file));
	}
	const pid = child.pid;
	const stdout = child.stdout!;
	const stderr = child.stderr!;

	let stopReason: string | undefined;
	let timedOut = false;
	let exited = false;
	let errTail = '';
	// Pausable: the time the user's editor holds the terminal does not count (see pausable-timers.ts).
	let timer: {clear(): void} | undefined;

	if (pid !== undefined) registerGroup(pid, {...options.meta, startedAt: Date.now()});

	const feed = (chunk: Buffer): void => {
		if (!output.write(chunk)) {
			// The headless stream is behind: let the pipe fill so the task waits, not our memory.
			stdout.pause();
			stderr.pause();
			void output.drained().then(() => {
				stdout.resume();
				stderr.resume();
			});
		}
	};
	stdout.on('data', feed);
	stderr.on('data', (chunk: Buffer) => {
		errTail = (errTail + chunk.toString('latin1')).slice(-ERR_TAIL);
		feed(chunk);
	});

	const pipesClosed = Promise.all([closed(stdout), closed(stderr)]);

	const done = new Promise<ExitInfo>((resolve) => {
		let settled = false;
		// `info` may be a function: evaluated once the pipes are drained, so the shell's "not found"
		// on stderr is read even when the exit is heard first (the spawner reports exits fast).
		const finish = async (info: ExitInfo | (() => ExitInfo)): Promise<void> => {
			if (settled) return;
			settled = true;
			timer?.clear();
			if (pid !== undefined) {
				// The leader is gone; background children of a shell may not be. Nothing outlives its task.
				if (isGroupAlive(pid)) await killGroup(pid, {graceMs});
				unregisterGroup(pid);
			}
			// A log waiting for disk space holds the pipes paused: let it write (or give up) first,
			// or the bytes still in the pipes would be cut off below.
			await output.logWritten();
			// Read what is still in the pipes; a process that left the group could hold them open forever.
			const drained = await withinMs(pipesClosed, PIPE_DRAIN_MS);
			if (!drained) {
				stdout.destroy();
				stderr.destroy();
			}
			await output.end();
			resolve(typeof info === 'function' ? info() : info);
		};
		child.once('error', (error) => {
			// A pooled slot has its pid before the exec, whose failure comes later as 'error'.
			if (pid === undefined || pooled) {
				const reason = startFailure(error, file, cwd);
				tellOutput(output, reason);
				void finish(startFailureInfo(reason));
			}
		});
		// 'exit', not 'close': a grandchild holding the pipe must not keep the task running.
		child.once('exit', (code, signal) => {
			exited = true;
			// Why it ended is as of now (a stop or time-out later is not its cause); its stderr, once all read.
			const cause = {stopReason, timedOut, timeoutMs: options.timeoutMs, spec};
			void finish(() => describeExit(code, signal, {...cause, errTail}));
		});
	});

	if (pid !== undefined && options.timeoutMs !== undefined && options.timeoutMs > 0) {
		timer = pausableTimeout(options.timeoutMs, () => {
			if (exited || stopReason) return;
			timedOut = true;
			void killGroup(pid, {graceMs});
		});
	}

	return {
		pid,
		done,
		async stop(reason = 'stopped') {
			if (pid !== undefined && !exited) {
				if (!timedOut) stopReason ??= reason;
				await killGroup(pid, {graceMs});
			}
			await done;
		},
	};
}

type ExitContext = {
	readonly stopReason: string | undefined;
	readonly timedOut: boolean;
	readonly timeoutMs: number | undefined;
	readonly errTail: string;
	readonly spec: ProcessSpec;
};

/** Turns an exit into an ExitInfo with its reason in plain words. */
export function describeExit(code: number | null, signal: string | null, context: ExitContext): ExitInfo {
	const base = {exitCode: code, signal};
	if (context.stopReason) return {...base, outcome: 'failed', reason: context.stopReason};
	if (context.timedOut) return {...base, outcome: 'failed', reason: `timed out after ${formatDuration(context.timeoutMs ?? 0)}`};
	if (signal) return {...base, outcome: 'failed', reason: `killed by ${signal}`};
	if (code === 0) return {...base, outcome: 'passed'};
	if (code === 127 && 'command' in context.spec) {
		const name = notFoundName(context.errTail);
		if (name) return {...base, outcome: 'failed', reason: `command not found: ${name}`};
	}
	// The shell's 126: found but not executable (its "Permission denied" is in the output too).
	if (code === 126 && 'command' in context.spec) {
		const name = /([^\s:]+): Permission denied/.exec(context.errTail)?.[1];
		if (name) return {...base, outcome: 'failed', reason: `permission denied: ${name} (exit code 126)`};
	}
	return {...base, outcome: 'failed', reason: `exit code ${code ?? 'unknown'}`};
}

/** The name in a shell's "not found" message (dash: `sh: 1: foo: not found`, bash: `bash: foo: command not found`). */
export function notFoundName(errTail: string): string | undefined {
	const matches = [...errTail.matchAll(/([^\s:]+): (?:command )?not found/g)];
	return matches.at(-1)?.[1];
}

function checkDirectory(cwd: string): string | undefined {
	try {
		if (!statSync(cwd).isDirectory()) return `not a directory: ${cwd}`;
	} catch {
		return `working directory not found: ${cwd}`;
	}
	return undefined;
}

/** Why a program could not start, in plain words, with the OS error as Node gives it ("spawn x ENOENT"). */
function startFailure(error: unknown, file: string, cwd?: string): string {
	const {code, syscall} = error as NodeJS.ErrnoException;
	const os = error instanceof Error ? error.message : String(error);
	// A pooled slot chdirs itself: the folder can vanish between checkDirectory and the start.
	if (syscall === 'chdir' && cwd !== undefined) return code === 'ENOENT' ? `working directory not found: ${cwd}` : `cannot enter ${cwd}: ${code ?? 'error'}`;
	if (code === 'ENOENT') return `command not found: ${file} (${os})`;
	if (code === 'EACCES') return `permission denied: ${file} (${os})`;
	return `could not start ${file}: ${os}`;
}

/**
 * Puts a start failure in the task's output, so its pane and its log say why it never ran
 * (nothing else would ever be written there).
 */
function tellOutput(output: TaskOutput, reason: string): void {
	output.write(Buffer.from(`fanout: the task could not start: ${reason}\n`));
}

function startFailureInfo(reason: string): ExitInfo {
	return {exitCode: null, signal: null, outcome: 'failed', reason};
}

function notStarted(output: TaskOutput, reason: string): RunningProcess {
	tellOutput(output, reason);
	const done = output.end().then(() => startFailureInfo(reason));
	return {pid: undefined, done, stop: async () => void (await done)};
}

/** Resolves once every byte of `stream` has been read ('end'), or it closed without one. */
function closed(stream: NodeJS.ReadableStream): Promise<void> {
	return new Promise((resolve) => {
		// 'end' comes a loop turn or two before 'close' (the handle's own close): the task's exit
		// need not wait for it.
		stream.once('end', () => resolve());
		stream.once('close', () => resolve());
	});
}

/** True when `promise` settles within `ms`; the timer never outlives it. */
function withinMs(promise: Promise<unknown>, ms: number): Promise<boolean> {
	return new Promise((resolve) => {
		const timer = setTimeout(() => resolve(false), ms);
		void promise.then(() => {
			clearTimeout(timer);
			resolve(true);
		});
	});
}
