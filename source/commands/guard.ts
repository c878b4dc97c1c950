// `fanout guard` (internal): the Claude Code PreToolUse hook. Reads the hook's JSON on stdin,
// allows writes to the task's own files (exit 0), refuses the rest (exit 2, reason on stderr,
// refusal recorded in the run folder). Never exits with any other code: Claude Code would then
// let the write through.

import type {Command, CommandIO} from './io.js';
import {guardDecision, parseGuardTarget, realPathOfTarget, recordRefusal} from '../runner/guard.js';

/** Exit code that makes Claude Code block the tool call and show stderr to the model. */
const blockExit = 2;

/** How long to wait for the hook's JSON before treating it as unreadable. */
const stdinTimeoutMs = 5000;

/** Everything the guard reads from the outside, so it can be run without a process. */
export type GuardInputs = {
	readonly argv: readonly string[];
	/** The hook's stdin, or undefined when it could not be read. */
	readonly stdin: string | undefined;
	readonly env: Readonly<Record<string, string | undefined>>;
	readonly now: number;
};

/** Runs the guard on given inputs: decides, records a refusal, returns the exit code (0 or 2). */
export function runGuard(inputs: GuardInputs, io: Pick<CommandIO, 'stderr'>): number {
	const parsed = parseGuardTarget(inputs.argv, inputs.env);
	if (!parsed.ok) {
		io.stderr(`fanout guard: ${parsed.error}; refusing the write because its owner cannot be checked.\n`);
		return blockExit;
	}
	const {target} = parsed;
	let hookInput: unknown;
	try {
		hookInput = inputs.stdin === undefined ? undefined : JSON.parse(inputs.stdin);
	} catch {
		hookInput = undefined;
	}
	const decision = guardDecision(hookInput, {
		workspace: target.workspace,
		...(target.root === undefined ? {} : {root: target.root}),
		owns: target.owns,
		taskId: target.taskId,
		realPath: realPathOfTarget,
	});
	if (decision.allow) return 0;
	try {
		recordRefusal(target.runDir, {taskId: target.taskId, path: decision.path, tool: decision.tool, at: inputs.now});
	} catch (error) {
		// The write is still refused; fanout only loses the early notice (its watcher and the
		// agent's FANOUT-NEEDS line remain).
		const why = error instanceof Error ? error.message : String(error);
		io.stderr(`fanout guard: could not record the refusal (${why}).\n`);
	}
	io.stderr(`${decision.message}\n`);
	return blockExit;
}

/** Reads all of stdin, or undefined when it is a terminal, fails, or stays open too long. */
function readStdin(): Promise<string | undefined> {
	if (process.stdin.isTTY) return Promise.resolve(undefined);
	return new Promise(resolve => {
		const chunks: Buffer[] = [];
		const timer = setTimeout(() => {
			process.stdin.destroy();
			resolve(undefined);
		}, stdinTimeoutMs);
		process.stdin.on('data', (chunk: Buffer) => chunks.push(chunk));
		process.stdin.on('end', () => {
			clearTimeout(timer);
			resolve(Buffer.concat(chunks).toString('utf8'));
		});
		process.stdin.on('error', () => {
			clearTimeout(timer);
			resolve(undefined);
		});
	});
}

/** The `fanout guard` command (run by Claude Code's hook, not by people). */
export const guardCommand: Command = async (argv, io) => {
	if (argv.includes('--help')) {
		io.stdout(
			'fanout guard --task=<id> --run-dir=<dir> --workspace=<dir> [--root=<task dir>] --owns=<glob>...\n' +
				'Internal: the Claude Code PreToolUse hook fanout installs for each agent task.\n' +
				'Reads the hook JSON on stdin; exit 0 allows the write, exit 2 refuses it.\n',
		);
		return 0;
	}
	try {
		const stdin = await readStdin();
		return runGuard({argv, stdin, env: process.env, now: Date.now()}, io);
	} catch (error) {
		const why = error instanceof Error ? error.message : String(error);
		io.stderr(`fanout guard: ${why}; refusing the write.\n`);
		return blockExit;
	}
};
