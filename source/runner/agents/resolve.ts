// Which agent a task runs and with which permission mode: the task's choice, else the plan's,
// else the default.

import type {AgentSpec, Plan, Task} from '../../plan/types.js';
import {claudeDefaultPermissionMode, claudePermissionModes} from './claude.js';
import {codexDefaultSandbox, codexSandboxes} from './codex.js';
import {geminiApprovalModes, geminiDefaultApprovalMode} from './gemini.js';

/** The task's agent, else the plan's, else Claude Code. */
export function resolveAgent(task: Task, plan: Plan): AgentSpec {
	return task.agent ?? plan.agent ?? 'claude';
}

const modes: Record<'claude' | 'codex' | 'gemini', {readonly valid: readonly string[]; readonly fallback: string}> = {
	claude: {valid: claudePermissionModes, fallback: claudeDefaultPermissionMode},
	codex: {valid: codexSandboxes, fallback: codexDefaultSandbox},
	gemini: {valid: geminiApprovalModes, fallback: geminiDefaultApprovalMode},
};

/**
 * The permission mode (Claude), sandbox (Codex) or approval mode (Gemini) for a task. A task's own
 * `permissionMode` is passed as written (the agent rejects a wrong one with its own message). The
 * plan's applies only where it is valid for this agent: a plan-wide `acceptEdits` is meant for
 * Claude and must not reach a Codex task of the same plan.
 */
export function resolvePermissionMode(kind: 'claude' | 'codex' | 'gemini', task: Task, plan: Plan): string {
	const {valid, fallback} = modes[kind];
	if (task.permissionMode) return task.permissionMode;
	if (plan.permissionMode && valid.includes(plan.permissionMode)) return plan.permissionMode;
	return fallback;
}
