// Pure helpers the screens share: durations, counts, dependents, exit codes, short globs.
// No React here, so every rule is testable on its own.

import type {OrchestratorContext, TaskRun} from '../machine/types.js';
import type {Plan, Task} from '../plan/types.js';
import {agentCommandLine} from '../runner/agents/command-line.js';

/**
 * A running clock: `mm:ss`, or `h:mm:ss` past an hour; negative or missing spans read as 00:00.
 * (A duration as a plan writes it, `90s`, is plan/yaml.ts's formatDuration.)
 */
export function formatClock(ms: number | undefined): string {
	const total = Math.max(0, Math.floor((ms ?? 0) / 1000));
	const h = Math.floor(total / 3600);
	const m = Math.floor((total % 3600) / 60);
	const s = total % 60;
	const mm = String(m).padStart(2, '0');
	const ss = String(s).padStart(2, '0');
	return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** `$0.42`, with more digits for tiny sums so a cheap run does not read as free. */
export function formatCost(usd: number): string {
	return usd > 0 && usd < 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

/** Globs joined and cut to a width, with `…` when cut. */
export function shortenGlobs(globs: readonly string[], width: number): string {
	const text = globs.join(' ');
	if (width <= 0) return '';
	return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/** Cuts plain text to a width with `…`. */
export function truncate(text: string, width: number): string {
	if (width <= 0) return '';
	return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/** A bar of `width` cells, `done` of `total` filled. */
export function progressBar(done: number, total: number, width: number): string {
	if (width <= 0) return '';
	const filled = total > 0 ? Math.round((Math.min(done, total) / total) * width) : 0;
	return '█'.repeat(filled) + '░'.repeat(width - filled);
}

/** Every task of a plan with the index of its phase, in plan order. */
export function planTasks(plan: Plan): Array<{readonly task: Task; readonly phaseIndex: number}> {
	return plan.phases.flatMap((phase, phaseIndex) => phase.tasks.map(task => ({task, phaseIndex})));
}

/** Counts of task statuses over a run, and the finished share for the progress bar. */
export type RunCounts = {
	readonly total: number;
	readonly running: number;
	readonly passed: number;
	readonly failed: number;
	/** Stopped by a conflict and waiting for the user's decision: not failed (yet); the header's phase note says so. */
	readonly conflicted: number;
	readonly finished: number;
	readonly costUsd: number;
};

/** Counts tasks by status (failed counts stopped tasks too: they did not pass). */
export function runCounts(context: OrchestratorContext): RunCounts {
	let running = 0;
	let passed = 0;
	let failed = 0;
	let conflicted = 0;
	let finished = 0;
	let costUsd = 0;
	const tasks = planTasks(context.plan);
	for (const {task} of tasks) {
		const run: TaskRun | undefined = context.tasks[task.id];
		costUsd += run?.costUsd ?? 0;
		switch (run?.status ?? 'pending') {
			case 'running':
				running++;
				break;
			case 'passed':
				passed++;
				finished++;
				break;
			case 'conflicted':
				conflicted++;
				break;
			case 'failed':
			case 'stopped':
				failed++;
				finished++;
				break;
			case 'skipped':
				finished++;
				break;
			case 'pending':
				break;
		}
	}
	return {total: tasks.length, running, passed, failed, conflicted, finished, costUsd};
}

/** Ids of the tasks that depend on any of `taskIds`, directly or through others, in plan order. */
export function dependentsOf(plan: Plan, taskIds: readonly string[]): string[] {
	const skipped = new Set(taskIds);
	const found: string[] = [];
	// Dependencies only point to earlier phases, so one pass in plan order reaches every level.
	for (const {task} of planTasks(plan)) {
		if (skipped.has(task.id)) continue;
		if (task.dependsOn.some(dep => skipped.has(dep))) {
			skipped.add(task.id);
			found.push(task.id);
		}
	}
	return found;
}

/** What a task runs, in one line: the command, or the agent's final command line (long values as placeholders). */
export function taskCommand(task: Task, plan: Plan): string {
	if (task.run !== undefined) return task.run;
	return agentCommandLine(task, plan);
}

/** Why a task failed, in plain words, from what the engine recorded. */
export function failureReason(run: TaskRun | undefined): string {
	if (run === undefined) return 'did not run';
	if (run.reason !== undefined) return run.reason;
	if (run.signal) return `killed by ${run.signal}`;
	if (run.exitCode !== undefined && run.exitCode !== null) return `exit code ${run.exitCode}`;
	return run.status;
}
