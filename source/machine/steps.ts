// The orchestrator's actions, each one pure step on a Draft given the event that triggered it.
// orchestrator.ts names them in its statechart and turns each into an XState action; the rules
// themselves (what starts, what is skipped, what a decision does) live here, in draft.ts and in
// conflicts.ts, with no XState in sight.

import {decideConflict, dropSkippedConflicts, raiseConflict, recordChanges} from './conflicts.js';
import {taskChildId, verifyChildId} from './child-ids.js';
import {phaseAllSkipped, planPhaseTasks} from './context.js';
import type {Draft} from './draft.js';
import type {OrchestratorEvent} from './types.js';

/** One action: decide on a draft of the context, given the event. */
export type Step = (d: Draft, event: OrchestratorEvent) => void;

function failureReason(exitCode: number | null, signal: string | null): string {
	if (signal) return `killed by ${signal}`;
	if (exitCode !== null) return `exit code ${exitCode}`;
	return 'failed';
}

/**
 * The run's total and timeline count from the first approval, not from when the plan review
 * opened: reading the plan and deciding is not run time.
 */
function startRunClock(d: Draft): void {
	if (d.ctx.firstApprovedAt === undefined) d.set({firstApprovedAt: d.now, startedAt: d.now});
}

/** A phase whose every task was skipped ends as skipped; any other phase that got here passed. */
function phaseEndStatus(d: Draft): 'passed' | 'skipped' {
	return phaseAllSkipped(d.ctx) ? 'skipped' : 'passed';
}

/** Every action of the orchestrator, by the name its statechart uses. */
export const steps = {
	runStarted: d => {
		const kept = Object.values(d.ctx.tasks)
			.filter(r => r.status === 'passed')
			.map(r => r.id);
		d.emit({
			type: 'run.started',
			at: d.now,
			runId: d.ctx.runId,
			planFile: d.ctx.planFile,
			workspace: d.ctx.workspace,
			plan: d.ctx.plan,
			phaseIndex: d.ctx.phaseIndex,
			kept,
		});
		// This session's journal starts here: conflicts carried over are recorded again, so a
		// second interruption before they are decided still finds them open.
		for (const conflict of d.ctx.conflicts) d.emit({type: 'conflict.detected', at: d.now, conflict});
	},
	announcePhase: d => {
		// A phase with nothing left to run is not offered (awaitingApproval passes over it at once).
		if (phaseAllSkipped(d.ctx)) return;
		d.emit({type: 'phase.awaiting', at: d.now, phaseIndex: d.ctx.phaseIndex, name: d.ctx.plan.phases[d.ctx.phaseIndex]?.name ?? ''});
	},
	approvePhase: (d, event) => {
		startRunClock(d);
		const all = event.type === 'phase.approveAll';
		if (all) d.set({approveAll: true});
		d.emit({type: 'phase.approved', at: d.now, phaseIndex: d.ctx.phaseIndex, all});
	},
	beginPhase: d => d.beginPhase(),
	/** Passes over a phase whose every task is already skipped: the timeline shows it skipped. */
	passOverSkippedPhase: d => {
		d.setPhase(d.ctx.phaseIndex, 'skipped');
		d.emit({type: 'phase.skipped', at: d.now, phaseIndex: d.ctx.phaseIndex});
	},
	skipPhase: d => {
		const ids = planPhaseTasks(d.ctx.plan, d.ctx.phaseIndex).map(t => t.id);
		d.setPhase(d.ctx.phaseIndex, 'skipped');
		d.emit({type: 'phase.skipped', at: d.now, phaseIndex: d.ctx.phaseIndex});
		// A task held by a conflict carried over from an interrupted run is skipped with its phase.
		for (const id of ids) if (d.task(id)?.status === 'pending' || d.task(id)?.status === 'conflicted') d.skipTask(id, 'phase skipped by you');
		dropSkippedConflicts(d);
		d.skipDependents(ids);
	},
	fillSlots: d => d.fillSlots(),
	passPhase: d => d.finishPhase(phaseEndStatus(d)),
	failPhase: d => d.finishPhase('failed'),
	nextPhase: d => d.nextPhase(),
	recordStart: (d, event) => {
		if (event.type !== 'task.started') return;
		const run = d.task(event.taskId);
		if (run?.status !== 'running') return;
		d.patchTask(event.taskId, {pid: event.pid});
		d.emit({type: 'task.started', at: event.at, taskId: event.taskId, pid: event.pid, attempt: run.attempts});
	},
	recordExit: (d, event) => {
		if (event.type !== 'task.exited') return;
		const run = d.task(event.taskId);
		// A stopped or conflicted task's late exit must not overwrite why it ended.
		if (run?.status !== 'running') return;
		const reason = event.reason ?? (event.outcome === 'failed' ? failureReason(event.exitCode, event.signal) : undefined);
		d.patchTask(event.taskId, {
			status: event.outcome,
			exitCode: event.exitCode,
			signal: event.signal,
			reason,
			endedAt: event.at,
		});
		d.stop(taskChildId(event.taskId));
		d.emit({
			type: 'task.exited',
			at: event.at,
			taskId: event.taskId,
			outcome: event.outcome,
			exitCode: event.exitCode,
			signal: event.signal,
			...(reason === undefined ? {} : {reason}),
			durationMs: Math.max(0, event.at - (run.startedAt ?? event.at)),
			attempt: run.attempts,
		});
	},
	recordReport: (d, event) => {
		if (event.type !== 'task.report') return;
		const run = d.task(event.taskId);
		if (!run) return;
		const {type: _type, taskId, changedFiles, ...fields} = event;
		const merged = [...new Set([...run.changedFiles, ...(changedFiles ?? [])])];
		d.patchTask(taskId, {...fields, changedFiles: merged});
		d.emit({type: 'task.report', at: d.now, taskId, ...fields, ...(changedFiles ? {changedFiles} : {})});
	},
	stopByUser: (d, event) => {
		if (event.type !== 'task.stop' || d.task(event.taskId)?.status !== 'running') return;
		d.stopTask(event.taskId, 'stopped', 'stopped by you');
	},
	reopenPhase: d => {
		d.setPhase(d.ctx.phaseIndex, 'running');
		d.restartWatcher();
	},
	retryFailed: d => {
		const ids = planPhaseTasks(d.ctx.plan, d.ctx.phaseIndex)
			.map(t => t.id)
			.filter(id => d.task(id)?.status === 'failed' || d.task(id)?.status === 'stopped');
		for (const id of ids) d.patchTask(id, {status: 'pending', reason: undefined});
		d.emit({type: 'phase.retried', at: d.now, phaseIndex: d.ctx.phaseIndex, tasks: ids});
	},
	retryTask: (d, event) => {
		if (event.type !== 'task.retry') return;
		d.patchTask(event.taskId, {status: 'pending', reason: undefined});
		d.emit({type: 'phase.retried', at: d.now, phaseIndex: d.ctx.phaseIndex, tasks: [event.taskId]});
	},
	continuePastFailures: d => {
		const failed = planPhaseTasks(d.ctx.plan, d.ctx.phaseIndex)
			.map(t => t.id)
			.filter(id => ['failed', 'stopped', 'conflicted'].includes(d.task(id)?.status ?? ''));
		d.emit({type: 'phase.continued', at: d.now, phaseIndex: d.ctx.phaseIndex});
		d.skipDependents(failed);
	},
	detectConflict: (d, event) => {
		if (event.type !== 'conflict.detected') return;
		const {type: _type, ...report} = event;
		raiseConflict(d, report);
	},
	recordChanges: (d, event) => {
		if (event.type === 'fs.changed') recordChanges(d, event.changes, event.how ?? 'watcher');
	},
	requestScan: d => d.requestScan(),
	recordScan: (d, event) => {
		if (event.type === 'phase.scanned' && event.phaseIndex === d.ctx.phaseIndex) d.set({scan: {...d.ctx.scan, done: event.phaseIndex}});
	},
	decide: (d, event) => {
		if (event.type !== 'conflict.decide') return;
		decideConflict(d, {
			choice: event.choice,
			...(event.taskId === undefined ? {} : {taskId: event.taskId}),
			...(event.plan === undefined ? {} : {plan: event.plan}),
		});
	},
	startVerify: d => d.startNextVerify(),
	verifyStarted: (d, event) => {
		if (event.type !== 'verify.started') return;
		d.set({verify: d.ctx.verify.map(v => (v.index === event.index ? {...v, startedAt: event.at} : v))});
	},
	verifyExited: (d, event) => {
		if (event.type !== 'verify.exited') return;
		const run = d.ctx.verify.find(v => v.index === event.index);
		if (run?.status !== 'running') return;
		const status = event.exitCode === 0 ? 'passed' : 'failed';
		d.stop(verifyChildId(event.index));
		// Stop at the first failure: later checks would only repeat it or mislead.
		d.set({
			verify: d.ctx.verify.map(v =>
				v.index === event.index
					? {...v, status, exitCode: event.exitCode, endedAt: event.at}
					: status === 'failed' && v.status === 'pending'
						? {...v, status: 'skipped'}
						: v,
			),
		});
		d.emit({type: 'verify.exited', at: event.at, index: event.index, command: run.command, exitCode: event.exitCode, status});
		if (status === 'passed') d.startNextVerify();
	},
	finishPassed: d => d.finish('passed'),
	finishFailed: d => d.finish('failed'),
	abortRun: d => d.endRun('aborted'),
	stopAfterFailure: d => d.endRun('failed'),
	abortOnConflict: d => d.endRun('conflict'),
	/** The editor's time comes off every running task's clock (their timeouts were held too). */
	shiftTaskClocks: (d, event) => {
		if (event.type !== 'clock.paused' || event.ms <= 0) return;
		for (const run of Object.values(d.ctx.tasks)) {
			if (run.status === 'running' && run.startedAt !== undefined) d.patchTask(run.id, {startedAt: run.startedAt + event.ms});
		}
	},
	interrupt: (d, event) => {
		if (event.type === 'run.signal') d.endRun('interrupted', event.signal);
	},
} satisfies Record<string, Step>;
