// Test helpers for the agent adapters: small plans, temp workspaces, and running an agent
// invocation for real (fake agents first on PATH) with its stdout fed line by line to a parser.

import {spawn} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import type {Plan, Task} from '../../source/plan/types.js';
import type {AgentExit, AgentInvocation, AgentParser, AgentResult, AgentUpdate} from '../../source/runner/agents/types.js';

/** The folder holding the fake `claude`, `codex` and `gemini`. */
export const fakesDir = fileURLToPath(new URL('../fixtures/agents/', import.meta.url));

/** The repository root. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** `fanout guard` run from the sources through tsx (absolute, so any cwd works). */
export const guardCommandForTests: readonly string[] = [
	process.execPath,
	'--import',
	import.meta.resolve('tsx'),
	path.join(repoRoot, 'source', 'cli.tsx'),
	'guard',
];

/** A task with defaults for the fields a test does not care about. */
export function makeTask(fields: Partial<Task> & {id: string}): Task {
	return {owns: [], reads: [], dependsOn: [], env: {}, prompt: 'Add the users endpoint.', ...fields};
}

/** A one-phase parallel plan around the given tasks. */
export function makePlan(tasks: readonly Task[], fields: Partial<Plan> = {}): Plan {
	return {name: 'test', goal: 'Ship the users API.', pattern: 'module', ignore: [], verify: [], phases: [{name: 'build', mode: 'parallel', tasks}], ...fields};
}

/** A fresh temp folder; remove it with `removeDir`. */
export function tempDir(prefix = 'fanout-agents-'): string {
	return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
}

export function removeDir(dir: string): void {
	fs.rmSync(dir, {recursive: true, force: true});
}

export type AgentRun = {
	readonly exit: AgentExit;
	readonly updates: readonly AgentUpdate[];
	readonly display: readonly string[];
	readonly result: AgentResult;
	readonly stderr: string;
	readonly rawLines: readonly string[];
};

/**
 * Runs an invocation for real, no shell, stdin ignored, fakes first on PATH. Each complete stdout
 * line goes to the parser; `stopWhen` sees each display line and may ask to SIGTERM the agent.
 */
export function runAgent(
	invocation: AgentInvocation,
	parser: AgentParser,
	options: {readonly cwd: string; readonly env?: Record<string, string>; readonly stopWhen?: (line: string) => boolean; readonly timeoutMs?: number},
): Promise<AgentRun> {
	return new Promise((resolve, reject) => {
		const child = spawn(invocation.file, [...invocation.args], {
			cwd: options.cwd,
			stdio: ['ignore', 'pipe', 'pipe'],
			env: {...process.env, ...invocation.env, ...options.env, PATH: `${fakesDir}${path.delimiter}${process.env['PATH'] ?? ''}`},
		});
		const updates: AgentUpdate[] = [];
		const rawLines: string[] = [];
		let pending = '';
		let stderr = '';
		let stopping = false;
		const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 15_000);
		const feed = (line: string) => {
			rawLines.push(line);
			const update = parser.push(line);
			updates.push(update);
			if (!stopping && options.stopWhen && update.display.some(options.stopWhen)) {
				stopping = true;
				child.kill('SIGTERM');
			}
		};
		child.stdout.setEncoding('utf8');
		child.stdout.on('data', (chunk: string) => {
			pending += chunk;
			let end = pending.indexOf('\n');
			while (end >= 0) {
				feed(pending.slice(0, end));
				pending = pending.slice(end + 1);
				end = pending.indexOf('\n');
			}
		});
		child.stderr.setEncoding('utf8');
		child.stderr.on('data', (chunk: string) => {
			stderr += chunk;
		});
		child.on('error', error => {
			clearTimeout(timer);
			reject(error);
		});
		child.on('close', (exitCode, signal) => {
			clearTimeout(timer);
			// An unterminated last line is still a line to the runner's splitter at close.
			if (pending !== '') feed(pending);
			const exit = {exitCode, signal};
			resolve({exit, updates, display: updates.flatMap(u => u.display), result: parser.finish(exit), stderr, rawLines});
		});
	});
}
