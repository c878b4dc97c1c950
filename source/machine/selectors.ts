// Narrow reads of the orchestrator's snapshot for the UI and the headless driver: what phase,
// how many tasks where, the open conflict, the summary rows and the process exit code.

import {dependentsOf} from '../plan/revise.js';
import type {Phase} from '../plan/types.js';
import type {Conflict, OrchestratorContext, TaskRun} from './types.js';

/** The phase under way (or awaiting approval), if any. */
export function currentPhase(ctx: OrchestratorContext): (Phase & {readonly index: number}) | undefined {
	const phase = ctx.plan.phases[ctx.phaseIndex];
	return phase ? {...phase, index: ctx.phaseIndex} : undefined;
}

/** The runs of a phase's tasks, in plan order. */
export function phaseTasks(ctx: OrchestratorContext, phaseIndex: number): TaskRun[] {
	return (ctx.plan.phases[phaseIndex]?.tasks ?? []).map(t => ctx.tasks[t.id]).filter((r): r is TaskRun => r !== undefined);
}

export type TaskCounts = {
	readonly running: number;
	readonly passed: number;
	/** Failed, stopped or held by a conflict. */
	readonly failed: number;
	readonly skipped: number;
	readonly pending: number;
	readonly total: number;
};

/** Task counts over the whole run. */
export function counts(ctx: OrchestratorContext): TaskCounts {
	const c = {running: 0, passed: 0, failed: 0, skipped: 0, pending: 0, total: 0};
	for (const run of Object.values(ctx.tasks)) {
		c.total++;
		switch (run.status) {
			case 'running':
				c.running++;
				break;
			case 'passed':
				c.passed++;
				break;
			case 'failed':
			case 'stopped':
			case 'conflicted':
				c.failed++;
				break;
			case 'skipped':
				c.skipped++;
				break;
			case 'pending':
				c.pending++;
				break;
		}
	}
	return c;
}

/** Agent cost so far, in USD (0 when no task reported one). */
export function totalCost(ctx: OrchestratorContext): number {
	return Object.values(ctx.tasks).reduce((sum, r) => sum + (r.costUsd ?? 0), 0);
}

/** The conflict being decided, if any. */
export function openConflict(ctx: OrchestratorContext): Conflict | undefined {
	return ctx.conflicts[0];
}

/** Tasks that skipping `taskId` would skip too, for the conflict prompt's `s` line. */
export function skipWouldAlsoSkip(ctx: OrchestratorContext, taskId: string): string[] {
	return dependentsOf(ctx.plan, [taskId])
		.map(d => d.id)
		.filter(id => ctx.tasks[id]?.status === 'pending');
}

/** One line of the run summary. */
export type SummaryRow = {
	readonly task: string;
	readonly phase: string;
	readonly phaseIndex: number;
	readonly status: TaskRun['status'];
	/** Milliseconds, when the task ran. */
	readonly durationMs?: number;
	readonly exitCode?: number | null;
	readonly reason?: string;
	readonly report?: string;
	readonly costUsd?: number;
	readonly attempts: number;
	readonly changedFiles: readonly string[];
};

/** Summary rows, in plan order (tasks an edit dropped come last). */
export function summaryRows(ctx: OrchestratorContext): SummaryRow[] {
	const inPlan = ctx.plan.phases.flatMap((phase, i) => phase.tasks.map(t => ({id: t.id, phase: phase.name, i})));
	const listed = new Set(inPlan.map(t => t.id));
	const dropped = Object.values(ctx.tasks)
		.filter(r => !listed.has(r.id))
		.map(r => ({id: r.id, phase: '', i: r.phaseIndex}));
	return [...inPlan, ...dropped].flatMap(({id, phase, i}) => {
		const run = ctx.tasks[id];
		if (!run) return [];
		const durationMs = run.startedAt !== undefined && run.endedAt !== undefined ? run.endedAt - run.startedAt : undefined;
		return [
			{
				task: id,
				phase,
				phaseIndex: i,
				status: run.status,
				...(durationMs === undefined ? {} : {durationMs}),
				...(run.exitCode === undefined ? {} : {exitCode: run.exitCode}),
				...(run.reason === undefined ? {} : {reason: run.reason}),
				...(run.report === undefined ? {} : {report: run.report}),
				...(run.costUsd === undefined ? {} : {costUsd: run.costUsd}),
				attempts: run.attempts,
				changedFiles: run.changedFiles,
			},
		];
	});
}

/**
 * How much sooner the tasks finished than one after another: their summed run times over the
 * time each phase's tasks took together (waits for approval and decisions left out). Undefined
 * under 1.1x, where there is nothing to tell, and for a run whose tasks did not all pass: a
 * failed or skipped task makes the figure compare unlike things.
 */
export function parallelSpeedup(context: Pick<OrchestratorContext, 'plan' | 'tasks'>): number | undefined {
	if (Object.values(context.tasks).some(run => run.status !== 'passed')) return undefined;
	let serial = 0;
	let parallel = 0;
	for (const phase of context.plan.phases) {
		let first = Number.POSITIVE_INFINITY;
		let last = Number.NEGATIVE_INFINITY;
		for (const task of phase.tasks) {
			const run = context.tasks[task.id];
			if (run?.startedAt === undefined || run.endedAt === undefined) continue;
			serial += run.endedAt - run.startedAt;
			first = Math.min(first, run.startedAt);
			last = Math.max(last, run.endedAt);
		}
		if (last > first) parallel += last - first;
	}
	if (parallel <= 0) return undefined;
	const speedup = serial / parallel;
	return speedup >= 1.1 ? speedup : undefined;
}
