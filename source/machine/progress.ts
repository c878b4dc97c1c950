// The orchestrator's decisions as pure steps: a Draft collects the next context, the journal
// entries and the children to spawn or stop, and the machine applies it in one go. No XState here,
// so every rule (what runs next, what is skipped and why, when a phase ends) reads as plain code.

import {dependentsOf, findTask} from '../plan/revise.js';
import type {Plan, Task, TaskStatus, ValidationReport} from '../plan/types.js';
import {taskChildId, verifyChildId, WATCHER_ID} from './child-ids.js';
import type {JournalEntry} from './journal-events.js';
import type {
	Conflict,
	OrchestratorContext,
	OrchestratorInput,
	PhaseRunStatus,
	Revision,
	RunOutcome,
	TaskActorInput,
	TaskRun,
	VerifyActorInput,
	WatcherRequest,
} from './types.js';

/** Effects the machine needs but the context must not hold as data. */
export type MachineEnv = {readonly now: () => number; readonly validate: (plan: Plan) => ValidationReport};

/** Where the phase-end scan stands: asked for (phase index), answered (phase index). */
export type ScanState = {readonly enabled: boolean; readonly requested?: number; readonly done?: number};

/** The machine's context: the shared contract plus its injected clock and validator. */
export type MachineContext = OrchestratorContext & {readonly env: MachineEnv; readonly scan: ScanState};


type Spawn =
	| {readonly kind: 'task'; readonly id: string; readonly input: TaskActorInput}
	| {readonly kind: 'verify'; readonly id: string; readonly input: VerifyActorInput}
	| {readonly kind: 'watcher'; readonly id: string};

const FAILED: readonly TaskStatus[] = ['failed', 'stopped', 'conflicted'];

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

/** The tasks a conflict holds back: its culprit, or every suspect while the culprit is unknown. */
export function heldBy(conflict: Conflict): readonly string[] {
	return conflict.taskId === undefined ? conflict.suspects : [conflict.taskId];
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
export function initialContext(input: OrchestratorInput): MachineContext {
	const now = input.now ?? Date.now;
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
		env: {now, validate: input.validate},
		scan: {enabled: input.phaseEndScan === true},
	};
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

/** Collects one step's changes; `flush` in the machine applies them. */
export class Draft {
	ctx: MachineContext;
	readonly entries: JournalEntry[] = [];
	readonly spawns: Spawn[] = [];
	readonly stops: string[] = [];
	readonly requests: WatcherRequest[] = [];

	constructor(ctx: MachineContext) {
		this.ctx = ctx;
	}

	get now(): number {
		return this.ctx.env.now();
	}

	set(patch: Partial<MachineContext>): void {
		this.ctx = {...this.ctx, ...patch};
	}

	emit(entry: JournalEntry): void {
		this.entries.push(entry);
	}

	task(taskId: string): TaskRun | undefined {
		return this.ctx.tasks[taskId];
	}

	patchTask(taskId: string, patch: Partial<TaskRun>): void {
		const run = this.ctx.tasks[taskId];
		if (!run) return;
		this.set({tasks: {...this.ctx.tasks, [taskId]: {...run, ...patch}}});
	}

	setPhase(index: number, status: PhaseRunStatus): void {
		this.set({phases: this.ctx.phases.map((s, i) => (i === index ? status : s))});
	}

	stop(id: string): void {
		this.stops.push(id);
	}

	spawnTask(taskId: string): void {
		const location = findTask(this.ctx.plan, taskId);
		const run = this.task(taskId);
		if (!location || !run) return;
		const attempt = run.attempts + 1;
		this.patchTask(taskId, {
			status: 'running',
			attempts: attempt,
			startedAt: this.now,
			endedAt: undefined,
			exitCode: undefined,
			signal: undefined,
			reason: undefined,
			pid: undefined,
		});
		const input: TaskActorInput = {
			task: location.task,
			plan: this.ctx.plan,
			phaseIndex: location.phaseIndex,
			attempt,
			workspace: this.ctx.workspace,
			runId: this.ctx.runId,
		};
		this.spawns.push({kind: 'task', id: taskChildId(taskId), input});
		// New work in the phase: whatever was scanned before no longer covers it.
		this.set({scan: {enabled: this.ctx.scan.enabled}});
		this.emit({type: 'task.spawned', at: this.now, taskId, phaseIndex: location.phaseIndex, attempt});
	}

	skipTask(taskId: string, reason: string): void {
		this.patchTask(taskId, {status: 'skipped', reason});
		this.emit({type: 'task.skipped', at: this.now, taskId, reason});
	}

	/** Stops a running task's process; `status` says whether by the user or a conflict. */
	stopTask(taskId: string, status: 'stopped' | 'conflicted', reason: string): void {
		const run = this.task(taskId);
		if (!run) return;
		if (run.status === 'running') this.stop(taskChildId(taskId));
		this.patchTask(taskId, {status, reason, ...(run.status === 'running' ? {endedAt: this.now} : {})});
		this.emit({type: 'task.stopped', at: this.now, taskId, status, reason});
	}

	/** Skips the pending tasks depending (transitively) on `roots`, saying which one blocked each. */
	skipDependents(roots: readonly string[]): void {
		for (const {id, via} of dependentsOf(this.ctx.plan, roots)) {
			const run = this.task(id);
			const viaStatus = this.task(via)?.status ?? 'skipped';
			if (run?.status === 'pending') this.skipTask(id, dependencyReason(via, viaStatus));
		}
	}

	/** Starts what may start in the current phase. */
	fillSlots(): void {
		for (const taskId of startableTasks(this.ctx)) this.spawnTask(taskId);
	}

	/** Skips pending tasks of the current phase whose dependencies can no longer pass. */
	skipUnrunnable(): void {
		let changed = true;
		while (changed) {
			changed = false;
			for (const task of planPhaseTasks(this.ctx.plan, this.ctx.phaseIndex)) {
				if (this.task(task.id)?.status !== 'pending') continue;
				const blocker = task.dependsOn.find(d => {
					const dep = this.task(d);
					// A failed dependency in the same phase may still be retried: wait for the user.
					return dep !== undefined && (dep.status === 'skipped' || (dep.phaseIndex < this.ctx.phaseIndex && dep.status !== 'passed'));
				});
				if (blocker === undefined) continue;
				this.skipTask(task.id, dependencyReason(blocker, this.task(blocker)?.status ?? 'skipped'));
				changed = true;
			}
		}
	}

	/** Enters the current phase: journal, dependency skips, watcher. Tasks start on entering `running`. */
	beginPhase(): void {
		const index = this.ctx.phaseIndex;
		const phase = this.ctx.plan.phases[index];
		this.setPhase(index, 'running');
		this.emit({
			type: 'phase.started',
			at: this.now,
			phaseIndex: index,
			name: phase?.name ?? '',
			tasks: (phase?.tasks ?? []).map(t => t.id),
		});
		this.skipUnrunnable();
		this.restartWatcher();
	}

	/** Asks the watcher for the phase-end scan, once per quiet phase. */
	requestScan(): void {
		this.set({scan: {...this.ctx.scan, requested: this.ctx.phaseIndex}});
		this.requests.push({type: 'phase.scan', phaseIndex: this.ctx.phaseIndex});
	}

	restartWatcher(): void {
		this.stop(WATCHER_ID);
		this.spawns.push({kind: 'watcher', id: WATCHER_ID});
	}

	finishPhase(status: PhaseRunStatus): void {
		this.setPhase(this.ctx.phaseIndex, status);
		this.stop(WATCHER_ID);
		this.emit({type: 'phase.finished', at: this.now, phaseIndex: this.ctx.phaseIndex, status});
	}

	nextPhase(): void {
		this.set({phaseIndex: this.ctx.phaseIndex + 1});
	}

	/** Starts the first pending verify command, if any. */
	startNextVerify(): void {
		const next = this.ctx.verify.find(v => v.status === 'pending');
		if (!next) return;
		this.set({verify: this.ctx.verify.map(v => (v.index === next.index ? {...v, status: 'running', startedAt: this.now} : v))});
		this.spawns.push({
			kind: 'verify',
			id: verifyChildId(next.index),
			input: {index: next.index, command: next.command, workspace: this.ctx.workspace, runId: this.ctx.runId},
		});
		this.emit({type: 'verify.started', at: this.now, index: next.index, command: next.command});
	}

	/** Stops every child, marks what did not run, and records how the run ended. */
	endRun(outcome: RunOutcome, signal?: 'SIGINT' | 'SIGTERM' | 'SIGHUP'): void {
		const why = signal
			? `interrupted by ${signal}`
			: outcome === 'conflict'
				? 'run stopped on a conflict'
				: outcome === 'aborted'
					? 'run aborted'
					: outcome === 'failed'
						? `phase ${this.ctx.phaseIndex + 1} (${this.ctx.plan.phases[this.ctx.phaseIndex]?.name ?? ''}) failed`
						: 'run ended';
		for (const run of Object.values(this.ctx.tasks)) {
			if (run.status === 'running') this.stopTask(run.id, 'stopped', why);
		}
		for (const run of Object.values(this.ctx.tasks)) {
			if (run.status === 'pending') this.skipTask(run.id, `not run: ${why}`);
		}
		for (const v of this.ctx.verify) if (v.status === 'running') this.stop(verifyChildId(v.index));
		this.set({
			verify: this.ctx.verify.map(v =>
				v.status === 'running' ? {...v, status: 'failed', exitCode: null, endedAt: this.now} : v.status === 'pending' ? {...v, status: 'skipped'} : v,
			),
			phases: this.ctx.phases.map(s => (s === 'running' ? 'failed' : s === 'pending' ? 'skipped' : s)),
		});
		this.stop(WATCHER_ID);
		this.finish(outcome, signal);
	}

	/** Records the end of the run (children already stopped). */
	finish(outcome: RunOutcome, signal?: 'SIGINT' | 'SIGTERM' | 'SIGHUP'): void {
		this.set({outcome, endedAt: this.now, ...(signal ? {signal} : {})});
		this.emit({type: 'run.finished', at: this.now, outcome, ...(signal ? {signal} : {})});
	}
}
