// The text fanout gives every agent: the plan's goal, the task's prompt, and the ownership
// brief that tells the agent which files are its own and how to ask for any other.

import type {Plan, Task} from '../../plan/types.js';

/** The exact marker an agent prints to ask for a file it does not own. */
export const needsMarker = 'FANOUT-NEEDS:';

function globList(globs: readonly string[]): string[] {
	return globs.map(glob => `  - ${glob}`);
}

/**
 * The ownership brief appended to every agent prompt: owned globs, readable globs, the rule,
 * and the `FANOUT-NEEDS: <path> -- <reason>` line to print (then stop) when another file is needed.
 */
export function ownershipBrief(task: Task, plan: Plan): string {
	const phase = plan.phases.find(p => p.tasks.some(t => t.id === task.id));
	const sideBySide = phase !== undefined && phase.mode === 'parallel' ? phase.tasks.length - 1 : 0;
	const lines: string[] = [
		'File ownership (fanout enforces it):',
		sideBySide > 0
			? `${sideBySide} other agent${sideBySide === 1 ? ' is' : 's are'} working in this same folder at the same time, each on its own files.`
			: 'Other tasks of this plan work in this same folder, each on its own files.',
	];
	if (task.owns.length > 0) {
		lines.push('The files you own (globs, relative to your working folder). You may create, edit and delete only files matching these:');
		lines.push(...globList(task.owns));
	} else {
		lines.push('You own no files: do not create, edit or delete any file.');
	}
	if (task.reads.length > 0) {
		lines.push('Files you may read (they will not change while you work; do not edit them):');
		lines.push(...globList(task.reads));
	}
	lines.push(
		'The rule: edit only files you own. Do not create, edit, delete, rename, move or reformat any other file, by any means (editing tools, shell commands, scripts, package managers, formatters).',
		'If you need to change a file you do not own, do not touch it. Print exactly one line, on its own, in this form:',
		`${needsMarker} <path> -- <reason>`,
		`for example: ${needsMarker} src/shared/logger.ts -- the new log level must be declared there`,
		'then stop working at once: fanout pauses, gives the file to the right task or re-plans, and runs you again.',
	);
	return lines.join('\n');
}

/**
 * The task's own words for an agent: plan goal and task prompt, without the ownership brief
 * (Claude Code gets the brief as its system prompt). It always starts with fixed words, so it can
 * never be taken for a command-line option.
 */
export function taskPrompt(task: Task, plan: Plan): string {
	const parts: string[] = [];
	const goal = plan.goal?.trim();
	if (goal) parts.push(`Goal of the whole plan: ${goal}`);
	const title = task.title?.trim() ? ` (${task.title.trim()})` : '';
	parts.push(`Your task, "${task.id}"${title}:\n${task.prompt?.trim() ?? ''}`);
	return parts.join('\n\n');
}

/**
 * The whole prompt given to an agent that has no system prompt option: plan goal, task prompt,
 * ownership brief.
 */
export function agentPrompt(task: Task, plan: Plan): string {
	return `${taskPrompt(task, plan)}\n\n${ownershipBrief(task, plan)}`;
}
