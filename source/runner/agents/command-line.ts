// The command line of a task's agent as the review and approval screens show it. Pure: it builds
// the invocation from the plan alone and reads no disk, so the UI may import it (the one runner
// module the UI's lint zone lets through as a value).

import type {Plan, Task} from '../../plan/types.js';
import {agentPrompt, ownershipBrief, taskPrompt} from './brief.js';
import {buildInvocation} from './index.js';
import type {InvocationContext} from './types.js';

/** Quotes a word for display only when a shell would need it. */
function displayWord(word: string): string {
	return /^[A-Za-z0-9_@%+=:,./<>-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/**
 * The command line of a task's agent as the review and approval screens show it: the real
 * arguments, with the long values replaced by short placeholders (<prompt>, <ownership brief>,
 * <guard hook>, <workspace>, <run>), Aider's files as the task's globs. Pure.
 */
export function agentCommandLine(task: Task, plan: Plan): string {
	const ctx: InvocationContext = {workspace: '<workspace>', runDir: '<run>', guardCommand: ['fanout', 'guard']};
	const invocation = buildInvocation(task, plan, ctx, {owned: task.owns, read: task.reads});
	const long: Record<string, string> = {
		[taskPrompt(task, plan)]: '<prompt>',
		[agentPrompt(task, plan)]: '<prompt>',
		[ownershipBrief(task, plan)]: '<ownership brief>',
	};
	const words = [invocation.file, ...invocation.args].map(word => {
		if (long[word]) return long[word];
		if (word.startsWith('{"hooks"')) return '<guard hook>';
		return displayWord(word);
	});
	const env = Object.entries(invocation.env)
		.filter(([name]) => !name.startsWith('FANOUT_'))
		.map(([name, value]) => `${name}=${displayWord(value)}`);
	return [...env, ...words].join(' ');
}
