// Finding agents on PATH before a phase starts, with how to install a missing one.

import fs from 'node:fs';
import path from 'node:path';
import type {AgentName} from '../../plan/agents.js';
import type {AgentSpec, Plan, Task} from '../../plan/types.js';
import {resolveAgent} from './resolve.js';

/** How to install each known agent. */
export const installHints: Record<AgentName, string> = {
	claude: 'npm i -g @anthropic-ai/claude-code',
	codex: 'npm i -g @openai/codex',
	gemini: 'npm i -g @google/gemini-cli',
	aider: 'python -m pip install aider-install',
};

export type AgentLookup = {readonly found: boolean; readonly path?: string; readonly install: string};

function isExecutableFile(file: string): boolean {
	try {
		if (!fs.statSync(file).isFile()) return false;
		fs.accessSync(file, fs.constants.X_OK);
		return true;
	} catch {
		return false;
	}
}

/** The executable name of an agent (a custom command's first word). */
export function agentExecutable(agent: AgentSpec): string {
	if (typeof agent === 'string') return agent;
	return 'command' in agent ? (agent.command[0] ?? '') : agent.name;
}

/** A short name for an agent, for messages: `claude`, or a custom command's first word. */
export function agentName(agent: AgentSpec): string {
	return typeof agent === 'string' ? agent : agentExecutable(agent) || 'custom command';
}

/**
 * Looks an agent up on PATH (or at its path, when the command names one relative to `cwd`).
 * `env` and `cwd` default to this process's.
 */
export function findAgent(
	agent: AgentSpec,
	options: {readonly env?: Readonly<Record<string, string | undefined>>; readonly cwd?: string} = {},
): AgentLookup {
	const name = agentExecutable(agent);
	const install =
		typeof agent === 'string' || 'name' in agent
			? installHints[typeof agent === 'string' ? agent : agent.name]
			: name === ''
				? 'the custom agent command is empty: give it at least the program to run'
				: `make sure ${name} is installed and on PATH`;
	if (name === '') return {found: false, install};
	if (name.includes('/')) {
		const file = path.resolve(options.cwd ?? process.cwd(), name);
		return isExecutableFile(file) ? {found: true, path: file, install} : {found: false, install};
	}
	const env = options.env ?? process.env;
	for (const dir of (env['PATH'] ?? '').split(path.delimiter)) {
		if (dir === '') continue;
		const file = path.join(dir, name);
		if (isExecutableFile(file)) return {found: true, path: file, install};
	}
	return {found: false, install};
}

/** An agent that is needed but missing, with the tasks that need it. */
export type MissingAgent = {readonly agent: string; readonly install: string; readonly tasks: readonly string[]};

/**
 * The agents the given tasks need (tasks with a `prompt`) that are not on PATH, once each.
 * Used at approval time, so a missing agent is named before the phase starts.
 */
export function missingAgents(
	tasks: readonly Task[],
	plan: Plan,
	options: {readonly env?: Readonly<Record<string, string | undefined>>; readonly cwd?: string} = {},
): MissingAgent[] {
	const lookups = new Map<string, AgentLookup>();
	const missing = new Map<string, {install: string; tasks: string[]}>();
	for (const task of tasks) {
		if (task.prompt === undefined || task.run !== undefined) continue;
		const agent = resolveAgent(task, plan);
		const name = agentName(agent);
		const lookup = lookups.get(name) ?? findAgent(agent, options);
		lookups.set(name, lookup);
		if (lookup.found) continue;
		const entry = missing.get(name) ?? {install: lookup.install, tasks: []};
		entry.tasks.push(task.id);
		missing.set(name, entry);
	}
	return [...missing].map(([agent, entry]) => ({agent, install: entry.install, tasks: entry.tasks}));
}
