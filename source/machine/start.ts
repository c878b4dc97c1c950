// The orchestrator's first context, from its input: a fresh run, or a resumed one that keeps
// passed work, marks what an interruption cut short, and asks again about open conflicts.

import type {Plan} from '../plan/types.js';
import {FAILED, heldBy, planPhaseTasks} from './context.js';
import type {MachineContext} from './context.js';
import type {Conflict, OrchestratorInput, PhaseRunStatus, Revision, TaskRun} from './types.js';

/**
 * A task's run at the start, given what a resumed run restored: passed work is kept; earlier
 * phases keep their results (an unfinished one counts as stopped); the rest runs again.
 */
function startingRun(id: string, phaseIndex: number, startPhase: number, before: TaskRun | undefined): TaskRun {
	if (before?.status === 'passed') return {...before, phaseIndex};
	if (before && phaseIndex < startPhase) {
		const unfinished = before.status === 'running' || before.status === 'pending';
		return unfinished ? {...before, phaseIndex, status: 'stopped', reason: before.reason ?? 'interrupted'} : {...before, phaseIndex};
	}
	return {
		id,
		phaseIndex,
		status: 'pending',
		attempts: before?.attempts ?? 0,
		changedFiles: before?.changedFiles ?? [],
		// Money spent before the interruption stays spent.
		...(before?.costUsd === undefined ? {} : {costUsd: before.costUsd}),
	};
}

/**
 * The open conflicts a resumed run asks about again: those whose tasks are still in the plan,
 * in the phase the run starts at, and not passed. The rest no longer hold anything back.
 */
function restoredConflicts(open: readonly Conflict[], plan: Plan, startPhase: number, tasks: Readonly<Record<string, TaskRun>>): Conflict[] {
	const inPhase = new Set(planPhaseTasks(plan, startPhase).map(t => t.id));
	return open
		.filter(c => {
			const held = heldBy(c);
			return held.length > 0 && held.every(id => inPhase.has(id) && tasks[id]?.status !== 'passed');
		})
		.map(c => {
			// Work held in a worktree belonged to the interrupted session; this one runs the task
			// again (in a fresh worktree) rather than accept work it cannot apply.
			if (!c.finished) return c;
			const {finished: _finished, ...rest} = c;
			return rest;
		});
}

/** Builds the first context from the machine's input (resume keeps passed tasks). */
export function initialContext(input: OrchestratorInput, now: () => number): MachineContext {
	const startPhase = Math.max(0, input.startPhase ?? 0);
	const tasks: Record<string, TaskRun> = {};
	input.plan.phases.forEach((phase, phaseIndex) => {
		for (const task of phase.tasks) tasks[task.id] = startingRun(task.id, phaseIndex, startPhase, input.restored?.[task.id]);
	});
	const phases = input.plan.phases.map((_, i): PhaseRunStatus => {
		if (i >= startPhase) return 'pending';
		const runs = planPhaseTasks(input.plan, i).map(t => tasks[t.id] as TaskRun);
		if (runs.some(r => FAILED.includes(r.status))) return 'failed';
		if (runs.length > 0 && runs.every(r => r.status === 'skipped')) return 'skipped';
		return 'passed';
	});
	const conflicts = restoredConflicts(input.openConflicts ?? [], input.plan, startPhase, tasks);
	for (const c of conflicts) {
		for (const id of heldBy(c)) {
			const run = tasks[id];
			if (run?.status === 'pending') tasks[id] = {...run, status: 'conflicted', reason: `needs ${c.path}, which it does not own`};
		}
	}
	const revisions: readonly Revision[] =
		input.revisions && input.revisions.length > 0
			? input.revisions
			: [{number: 1, decision: 'the plan as started', plan: input.plan}];
	return {
		runId: input.runId,
		plan: input.plan,
		planFile: input.planFile,
		workspace: input.workspace,
		report: input.report,
		revisions,
		phaseIndex: startPhase,
		phases,
		tasks,
		conflicts,
		nextConflictId: Math.max(1, input.nextConflictId ?? 1, ...conflicts.map(c => c.id + 1)),
		approveAll: false,
		maxParallel: input.maxParallel !== undefined && input.maxParallel > 0 ? input.maxParallel : Number.POSITIVE_INFINITY,
		verify: input.plan.verify.map((command, index) => ({index, command, status: 'pending'})),
		startedAt: now(),
		...(input.restored ? {resumed: {phaseIndex: startPhase, kept: Object.values(tasks).filter(r => r.status === 'passed').map(r => r.id)}} : {}),
		scan: {enabled: input.phaseEndScan === true},
	};
}
