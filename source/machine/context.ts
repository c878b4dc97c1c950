// The orchestrator's context as data, and the questions the machine asks of it: what may start,
// whether a phase is quiet, whether anything failed. Pure reads, no XState, no effects.

import type {Plan, Task, TaskStatus} from '../plan/types.js';
import type {Conflict, OrchestratorContext, TaskRun} from './types.js';

/** Where the phase-end scan stands: asked for (phase index), answered (phase index). */
export type ScanState = {readonly enabled: boolean; readonly requested?: number; readonly done?: number};

/** The machine's context: the shared contract plus where the phase-end scan stands. Data only. */
export type MachineContext = OrchestratorContext & {readonly scan: ScanState};

/** Statuses that make a phase (and the run) fail. */
export const FAILED: readonly TaskStatus[] = ['failed', 'stopped', 'conflicted'];

/** The tasks of a phase of the plan. */
export function planPhaseTasks(plan: Plan, phaseIndex: number): readonly Task[] {
	return plan.phases[phaseIndex]?.tasks ?? [];
}

/** Why a task that depends on `dep` cannot run, from dep's status. */
export function dependencyReason(dep: string, status: TaskStatus): string {
	switch (status) {
		case 'failed':
			return `depends on ${dep}, which failed`;
		case 'stopped':
			return `depends on ${dep}, which was stopped`;
		case 'conflicted':
			return `depends on ${dep}, which stopped on a conflict`;
		case 'skipped':
			return `depends on ${dep}, which was skipped`;
		case 'pending':
		case 'running':
		case 'passed':
			return `depends on ${dep}, which has not passed`;
	}
}

/** The tasks a conflict holds back: its culprit, or every suspect while the culprit is unknown. */
export function heldBy(conflict: Conflict): readonly string[] {
	return conflict.taskId === undefined ? conflict.suspects : [conflict.taskId];
}

/** Task ids of the current phase that may start now (respecting mode and maxParallel). */
export function startableTasks(ctx: OrchestratorContext): string[] {
	const phase = ctx.plan.phases[ctx.phaseIndex];
	if (!phase) return [];
	const runs = phase.tasks.map(t => ctx.tasks[t.id]).filter((r): r is TaskRun => r !== undefined);
	const running = runs.filter(r => r.status === 'running').length;
	const slots = phase.mode === 'sequential' ? 1 - running : ctx.maxParallel - running;
	if (slots <= 0) return [];
	const ready = phase.tasks.filter(
		t => ctx.tasks[t.id]?.status === 'pending' && t.dependsOn.every(d => (ctx.tasks[d]?.status ?? 'passed') === 'passed'),
	);
	return ready.slice(0, slots).map(t => t.id);
}

/** True when nothing of the current phase runs and nothing more can start. */
export function phaseIdle(ctx: OrchestratorContext): boolean {
	const runs = planPhaseTasks(ctx.plan, ctx.phaseIndex).map(t => ctx.tasks[t.id]);
	return !runs.some(r => r?.status === 'running') && startableTasks(ctx).length === 0;
}

/** True when the phase-end scan is off, or answered for the current phase. */
export function scanSettled(ctx: MachineContext): boolean {
	return !ctx.scan.enabled || ctx.scan.done === ctx.phaseIndex;
}

/** True when the phase has gone quiet and the watcher has not been asked to scan it yet. */
export function scanNeeded(ctx: MachineContext): boolean {
	return ctx.scan.enabled && ctx.scan.requested !== ctx.phaseIndex && ctx.scan.done !== ctx.phaseIndex && phaseIdle(ctx);
}

/** True when a task of the current phase failed, was stopped or is held by a conflict. */
export function phaseHasFailures(ctx: OrchestratorContext): boolean {
	return planPhaseTasks(ctx.plan, ctx.phaseIndex).some(t => FAILED.includes(ctx.tasks[t.id]?.status ?? 'pending'));
}

/** True when any task of the run failed or was stopped (the run then ends as failed). */
export function runHasFailures(ctx: OrchestratorContext): boolean {
	return Object.values(ctx.tasks).some(r => FAILED.includes(r.status));
}


/**
 * True when every task of the current phase is already skipped (its dependencies failed and the
 * user went on): there is nothing to approve, so the phase is passed over as skipped.
 */
export function phaseAllSkipped(ctx: OrchestratorContext): boolean {
	const runs = planPhaseTasks(ctx.plan, ctx.phaseIndex).map(t => ctx.tasks[t.id]);
	return runs.length > 0 && runs.every(r => r?.status === 'skipped');
}

/**
 * A task whose work was applied to the workspace passed: its process did, and its work is in.
 * It can land after the run stopped the task (a conflict elsewhere stops the run while the work
 * is being applied, all or nothing): the journal's fold and the run's last word count it so, and
 * a resume does not run it, and apply it, again.
 */
export function landed(run: TaskRun): TaskRun {
	if (run.status === 'passed') return run;
	const {reason: _reason, ...rest} = run;
	return {...rest, status: 'passed', exitCode: run.exitCode ?? 0};
}

/** `tasks` with each of `ids` counted as landed (see {@link landed}). */
export function withLanded(tasks: Readonly<Record<string, TaskRun>>, ids: ReadonlySet<string>): Readonly<Record<string, TaskRun>> {
	let out: Record<string, TaskRun> | undefined;
	for (const id of ids) {
		const run = tasks[id];
		if (!run || run.status === 'passed') continue;
		out ??= {...tasks};
		out[id] = landed(run);
	}
	return out ?? tasks;
}
