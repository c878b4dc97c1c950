// The agent adapters' entry point: how to start a task's agent (no shell, prompt as one
// argument) and which parser reads its output.

import type {Plan, Task} from '../../plan/types.js';
import {aiderArgs, existingOwnedFiles} from './aider.js';
import {agentPrompt} from './brief.js';
import {claudeArgs, createClaudeParser} from './claude.js';
import {codexArgs, createCodexParser} from './codex.js';
import {createJsonlParser, createTextParser, customCommand} from './custom.js';
import {createGeminiParser, geminiArgs} from './gemini.js';
import {resolveAgent, resolvePermissionMode} from './resolve.js';
import type {AgentFormat, AgentInvocation, AgentParser, InvocationContext, ParserOptions} from './types.js';

export type * from './types.js';
export {agentPrompt, needsMarker, ownershipBrief} from './brief.js';
export {agentName, findAgent, installHints, missingAgents} from './detect.js';
export type {AgentLookup, MissingAgent} from './detect.js';
export {resolveAgent, resolvePermissionMode} from './resolve.js';
export {parseNeedsLine} from './common.js';

/** The variables every agent process gets (the guard reads them when arguments are missing). */
export function agentEnv(task: Task, ctx: InvocationContext): Record<string, string> {
	return {
		FANOUT_TASK_ID: task.id,
		FANOUT_RUN_DIR: ctx.runDir,
		FANOUT_WORKSPACE: ctx.workspace,
		FANOUT_OWNS: task.owns.join('\n'),
	};
}

/**
 * How to start the agent of a task: program, arguments (the prompt is one of them, never parsed
 * by a shell), the FANOUT_* variables, and the output format. Aider's file list is read from the
 * workspace (its owned files that exist now); everything else is computed.
 */
export function agentInvocation(task: Task, plan: Plan, ctx: InvocationContext): AgentInvocation {
	const agent = resolveAgent(task, plan);
	const prompt = agentPrompt(task, plan);
	const env = agentEnv(task, ctx);
	if (typeof agent !== 'string') {
		const {file, args} = customCommand(agent.command, prompt);
		return {file, args, env, format: agent.output === 'jsonl' ? 'jsonl' : 'text'};
	}
	switch (agent) {
		case 'claude':
			return {
				file: 'claude',
				args: claudeArgs({
					prompt,
					permissionMode: resolvePermissionMode('claude', task, plan),
					guardCommand: ctx.guardCommand,
					guard: {taskId: task.id, runDir: ctx.runDir, workspace: ctx.workspace, owns: task.owns},
					resumeSessionId: ctx.resumeSessionId,
				}),
				env,
				format: 'claude',
			};
		case 'codex':
			return {
				file: 'codex',
				args: codexArgs({
					prompt,
					sandbox: resolvePermissionMode('codex', task, plan),
					workspace: ctx.workspace,
					resumeSessionId: ctx.resumeSessionId,
				}),
				env,
				format: 'codex',
			};
		case 'gemini':
			return {file: 'gemini', args: geminiArgs({prompt, approvalMode: resolvePermissionMode('gemini', task, plan)}), env, format: 'gemini'};
		case 'aider':
			return {file: 'aider', args: aiderArgs({prompt, files: existingOwnedFiles(ctx.workspace, task.owns)}), env, format: 'text'};
	}
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
