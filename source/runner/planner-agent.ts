// The agent planner as a process: the headless command line of each planner agent (none may
// edit files while planning) and the child process that runs it and collects its answer.
// Used by `fanout plan --planner` and by the wizard's planning step.

import {spawn} from 'node:child_process';
import type {PlannerAgent} from '../plan/agents.js';

/** Where and how the planner runs. */
export type PlannerContext = {
	/** The workspace: the agent runs there so it can look at the files. */
	readonly cwd: string;
	/** The plan's JSON Schema, for agents that accept one. */
	readonly schema: object;
};

/** Runs an agent headless on a planning prompt and returns everything it printed on stdout. */
export type RunPlanner = (prompt: string, agent: PlannerAgent, context: PlannerContext) => Promise<string>;

/** Options of {@link spawnPlanner}. */
export type SpawnPlannerOptions = PlannerContext & {
	/** Environment of the agent (default: this process's). */
	readonly env?: NodeJS.ProcessEnv;
	/** Give up after this long (default 10 minutes). */
	readonly timeoutMs?: number;
	/**
	 * Stops the agent when it fires: the wizard's user left the planning step, and an agent
	 * left running would keep fanout alive after the wizard ends.
	 */
	readonly signal?: AbortSignal;
};

/** The headless command line of each planner agent; none of them may edit files while planning. */
export function plannerArgv(prompt: string, agent: PlannerAgent, context: PlannerContext): readonly string[] {
	switch (agent) {
		case 'claude':
			return ['claude', '-p', prompt, '--output-format', 'json', '--disallowedTools', 'Edit,Write,NotebookEdit,Bash', '--json-schema', JSON.stringify(context.schema)];
		case 'codex':
			return ['codex', 'exec', '--json', '-s', 'read-only', '--skip-git-repo-check', '-C', context.cwd, prompt];
		case 'gemini':
			return ['gemini', '-p', prompt, '--output-format', 'json'];
	}
}

/**
 * Runs a planner agent as a child process (stdin ignored) and resolves with its stdout. The
 * agent is stopped (SIGTERM, then SIGKILL 2 s later) on timeout or when the signal fires.
 * Rejects with a one-line reason when the agent cannot start, is stopped, or exits without
 * printing anything.
 */
export function spawnPlanner(prompt: string, agent: PlannerAgent, options: SpawnPlannerOptions): Promise<string> {
	const [command, ...args] = plannerArgv(prompt, agent, options);
	const timeoutMs = options.timeoutMs ?? 600_000;
	const {signal} = options;
	return new Promise((resolvePromise, reject) => {
		if (signal?.aborted) {
			reject(new Error('cancelled'));
			return;
		}
		// Not detached: the planner runs while the user watches, so the terminal's Ctrl-C must
		// reach it together with fanout.
		const child = spawn(command!, args, {cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe']});
		const stdout: Buffer[] = [];
		let stderr = '';
		let stopped: string | undefined;
		let killTimer: NodeJS.Timeout | undefined;
		const stop = (why: string) => {
			if (stopped !== undefined) return;
			stopped = why;
			child.kill('SIGTERM');
			// An agent that ignores SIGTERM still goes.
			killTimer = setTimeout(() => child.kill('SIGKILL'), 2000);
			killTimer.unref();
		};
		const onAbort = () => stop('cancelled');
		signal?.addEventListener('abort', onAbort, {once: true});
		const timer = setTimeout(() => stop(`no answer within ${Math.round(timeoutMs / 1000)} s`), timeoutMs);
		const finish = () => {
			clearTimeout(timer);
			clearTimeout(killTimer);
			signal?.removeEventListener('abort', onAbort);
		};
		child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
		child.stderr.on('data', (chunk: Buffer) => {
			stderr = (stderr + chunk.toString('utf8')).slice(-2000);
		});
		child.on('error', error => {
			finish();
			const code = (error as NodeJS.ErrnoException).code;
			reject(new Error(code === 'ENOENT' ? `${command} is not installed (not found on PATH)` : error.message));
		});
		child.on('close', code => {
			finish();
			const text = Buffer.concat(stdout).toString('utf8');
			if (stopped !== undefined) reject(new Error(stopped));
			else if (text.trim() === '') {
				const last = stderr.trim().split('\n').pop() ?? '';
				reject(new Error(`${command} exited with code ${code ?? 'none'} without an answer${last === '' ? '' : `: ${last}`}`));
			} else resolvePromise(text);
		});
	});
}
