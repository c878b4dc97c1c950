// What the plan review and the approval screen show of each task in a narrow column: the part
// of its command that differs from the other tasks' (a shared `node scripts/work.mjs` says
// nothing), an agent task's title, and what it owns in words. Pure.

import type {Plan, Task} from '../plan/types.js';
import {taskCommand, truncate} from './format.js';

/** Words of a command, split at spaces (quotes are not parsed: this is for display only). */
function words(command: string): string[] {
	return command.split(' ').filter(word => word !== '');
}

/** How many leading words every command shares (0 with fewer than two commands). */
export function sharedPrefixWords(commands: readonly string[]): number {
	if (commands.length < 2) return 0;
	const split = commands.map(words);
	const shortest = Math.min(...split.map(w => w.length));
	let shared = 0;
	// Keep at least one word of each command: an identical command is shown whole.
	while (shared < shortest - 1 && split.every(w => w[shared] === split[0]![shared])) shared++;
	return shared;
}

/**
 * A task's command for a column of `width`: without its first `sharedWords` words (see
 * sharedWordsFor) after a `…`; cut at the end only when even that is too long.
 * An agent task (no `run:`) shows its agent and the start of its prompt (its title is shown beside).
 */
export function commandColumn(task: Task, plan: Plan, width: number, sharedWords: number): string {
	if (width <= 0) return '';
	// An agent task's prompt is long prose: its title, in the row beside it, says more.
	if (task.run === undefined) return truncate(taskCommand(task, plan), width);
	const command = task.run;
	if (sharedWords === 0) return truncate(command, width);
	return truncate(`…${words(command).slice(sharedWords).join(' ')}`, width);
}

/** Shared leading words of the plan's (or a phase's) `run:` commands. */
export function sharedRunWords(tasks: readonly Task[]): number {
	return sharedPrefixWords(tasks.flatMap(task => (task.run === undefined ? [] : [task.run])));
}

/**
 * The shared words to leave out in a column of `width`: none when every command fits whole,
 * else all of them, so that every row shows its command the same way.
 */
export function sharedWordsFor(tasks: readonly Task[], width: number): number {
	return tasks.every(task => task.run === undefined || task.run.length <= width) ? 0 : sharedRunWords(tasks);
}

/** What a task owns in a few words: its globs, or "owns nothing". */
export function ownsWords(task: Task): string {
	return task.owns.length === 0 ? 'owns nothing' : task.owns.join(' ');
}

/** Columns the command column needs to show every task's differing part whole. */
export function commandNeed(tasks: readonly Task[], plan: Plan, sharedWords: number): number {
	return Math.max(0, ...tasks.map(task => (task.run === undefined ? Math.min(24, taskCommand(task, plan).length) : shortLength(task.run, sharedWords))));
}

function shortLength(command: string, sharedWords: number): number {
	return sharedWords === 0 ? command.length : 1 + words(command).slice(sharedWords).join(' ').length;
}
