// The orchestrator's decisions as pure steps: a Draft collects the next context, the journal
// entries and the children to spawn or stop, and the machine applies it in one go. No XState here,
// so every rule (what runs next, what is skipped and why, when a phase ends) reads as plain code.

import {dependentsOf, findTask} from '../plan/revise.js';
import type {Plan, ValidationReport} from '../plan/types.js';
import {taskChildId, verifyChildId, WATCHER_ID} from './child-ids.js';
import {dependencyReason, planPhaseTasks, startableTasks} from './context.js';
import type {MachineContext} from './context.js';
import type {JournalEntry} from './journal-events.js';
import type {PhaseRunStatus, RunOutcome, TaskActorInput, TaskRun, VerifyActorInput, WatcherRequest} from './types.js';

/**
 * What the machine's steps need from outside and the context must not hold as data: the clock,
 * and plan validation (it reads the disk). Given once, when the machine is made.
 */
export type MachineEnv = {readonly now: () => number; readonly validate: (plan: Plan) => ValidationReport};

export type Spawn =
	| {readonly kind: 'task'; readonly id: string; readonly input: TaskActorInput}
	| {readonly kind: 'verify'; readonly id: string; readonly input: VerifyActorInput}
	| {readonly kind: 'watcher'; readonly id: string};

/** Collects one step's changes; `apply` in orchestrator.ts enqueues them in one go. */
export class Draft {
	ctx: MachineContext;
	readonly entries: JournalEntry[] = [];
	readonly spawns: Spawn[] = [];
	readonly stops: string[] = [];
	readonly requests: WatcherRequest[] = [];

	private readonly env: MachineEnv;

	constructor(ctx: MachineContext, env: MachineEnv) {
		this.ctx = ctx;
		this.env = env;
	}

	get now(): number {
		return this.env.now();
	}

	/** Validates a revised plan with the same rules as before the run. */
	validate(plan: Plan): ValidationReport {
		return this.env.validate(plan);
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
