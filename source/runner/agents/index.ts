// The agent adapters' entry point: how to start a task's agent (no shell, prompt as one
// argument) and which parser reads its output.

import fs from 'node:fs';
import path from 'node:path';
import type {Plan, Task} from '../../plan/types.js';
import {geminiGuardSettings} from '../guard.js';
import {aiderArgs, aiderHistoryFiles, existingOwnedFiles} from './aider.js';
import {agentPrompt, ownershipBrief, taskPrompt} from './brief.js';
import {claudeArgs, createClaudeParser} from './claude.js';
import {codexArgs, createCodexParser} from './codex.js';
import {createJsonlParser, createTextParser, customCommand} from './custom.js';
import {createGeminiParser, geminiArgs, geminiSettingsFile, geminiTrustEnv} from './gemini.js';
import {resolvePermissionMode} from './resolve.js';
import {resolveAgentSettings} from './settings.js';
import type {AgentFormat, AgentInvocation, AgentParser, InvocationContext, ParserOptions} from './types.js';

export type * from './types.js';
export {agentPrompt, needsMarker, ownershipBrief, taskPrompt} from './brief.js';
export {applyClashRule, resolveAgentSettings} from './settings.js';
export type {AgentSettings, ExtraArgs, OwnOption} from './settings.js';
export {agentName, findAgent, installHints, missingAgents} from './detect.js';
export type {AgentLookup, MissingAgent} from './detect.js';
export {resolveAgent, resolvePermissionMode} from './resolve.js';
export {parseNeedsLine} from './common.js';

/** The variables every agent process gets (the guard reads them when arguments are missing). */
export function agentEnv(task: Task, ctx: InvocationContext): Record<string, string> {
	const root = ctx.cwd ?? ctx.workspace;
	return {
		FANOUT_TASK_ID: task.id,
		FANOUT_RUN_DIR: ctx.runDir,
		FANOUT_WORKSPACE: ctx.workspace,
		...(root === ctx.workspace ? {} : {FANOUT_TASK_ROOT: root}),
		FANOUT_OWNS: task.owns.join('\n'),
	};
}

/** The files a task's agent is given, where an agent takes files (Aider). */
export type TaskFiles = {readonly owned: readonly string[]; readonly read: readonly string[]};

/**
 * How to start the agent of a task, from the plan alone (no file system): program, arguments (the
 * prompt is one of them, never parsed by a shell), environment, format, folder. `files` are the
 * files Aider is handed.
 */
export function buildInvocation(task: Task, plan: Plan, ctx: InvocationContext, files: TaskFiles): AgentInvocation {
	const settings = resolveAgentSettings(task, plan);
	const cwd = ctx.cwd ?? ctx.workspace;
	const fanoutEnv = agentEnv(task, ctx);
	if ('command' in settings) {
		const {file, args} = customCommand(settings.command, agentPrompt(task, plan));
		return {file, args, env: fanoutEnv, format: settings.output === 'jsonl' ? 'jsonl' : 'text', cwd, droppedArgs: [], setupFiles: []};
	}
	// The agent's own `env:` first: fanout's variables win over it.
	const withEnv = (extra: Record<string, string> = {}) => ({...settings.env, ...fanoutEnv, ...extra});
	const guard = {taskId: task.id, runDir: ctx.runDir, workspace: ctx.workspace, ...(cwd === ctx.workspace ? {} : {root: cwd}), owns: task.owns};
	const common = {...(settings.model ? {model: settings.model} : {}), allow: settings.allow, extraArgs: settings.args};
	switch (settings.name) {
		case 'claude': {
			const {args, dropped} = claudeArgs({
				...common,
				prompt: taskPrompt(task, plan),
				systemPrompt: ownershipBrief(task, plan),
				permissionMode: resolvePermissionMode('claude', task, plan),
				guardCommand: ctx.guardCommand,
				guard,
				...(ctx.resumeSessionId ? {resumeSessionId: ctx.resumeSessionId} : {}),
			});
			return {file: 'claude', args, env: withEnv(), format: 'claude', cwd, droppedArgs: dropped, setupFiles: []};
		}
		case 'codex': {
			const {args, dropped} = codexArgs({
				...common,
				prompt: agentPrompt(task, plan),
				sandbox: resolvePermissionMode('codex', task, plan),
				cwd,
				...(ctx.resumeSessionId ? {resumeSessionId: ctx.resumeSessionId} : {}),
			});
			return {file: 'codex', args, env: withEnv(), format: 'codex', cwd, droppedArgs: dropped, setupFiles: []};
		}
		case 'gemini': {
			const {args, dropped} = geminiArgs({...common, prompt: agentPrompt(task, plan), approvalMode: resolvePermissionMode('gemini', task, plan)});
			const settingsFile = geminiSettingsFile(ctx.runDir, task.id);
			return {
				file: 'gemini',
				args,
				env: withEnv({...geminiTrustEnv, GEMINI_CLI_SYSTEM_SETTINGS_PATH: settingsFile}),
				format: 'gemini',
				cwd,
				droppedArgs: dropped,
				setupFiles: [{path: settingsFile, content: geminiGuardSettings(ctx.guardCommand, guard)}],
			};
		}
		case 'aider': {
			const {args, dropped} = aiderArgs({
				...common,
				prompt: agentPrompt(task, plan),
				files: files.owned,
				readFiles: files.read,
				history: aiderHistoryFiles(ctx.runDir, task.id),
			});
			return {file: 'aider', args, env: withEnv(), format: 'text', cwd, droppedArgs: dropped, setupFiles: []};
		}
	}
}

/**
 * How to start the agent of a task. Aider's files are read from the task's root: its owned files
 * and the files it reads that exist now; the invocation's setup files (Gemini's hook settings)
 * are written to the run folder; everything else is computed.
 */
export function agentInvocation(task: Task, plan: Plan, ctx: InvocationContext): AgentInvocation {
	const settings = resolveAgentSettings(task, plan);
	const root = ctx.cwd ?? ctx.workspace;
	const aider = !('command' in settings) && settings.name === 'aider';
	const files: TaskFiles = aider ? {owned: existingOwnedFiles(root, task.owns), read: existingOwnedFiles(root, task.reads)} : {owned: [], read: []};
	const invocation = buildInvocation(task, plan, ctx, files);
	for (const setup of invocation.setupFiles) {
		fs.mkdirSync(path.dirname(setup.path), {recursive: true});
		fs.writeFileSync(setup.path, setup.content);
	}
	return invocation;
}


/** The parser for an invocation's output format. */
export function createAgentParser(format: AgentFormat, options: ParserOptions): AgentParser {
	switch (format) {
		case 'claude':
			return createClaudeParser(options);
		case 'codex':
			return createCodexParser(options);
		case 'gemini':
			return createGeminiParser(options);
		case 'jsonl':
			return createJsonlParser();
		case 'text':
			return createTextParser();
	}
}
