// The orchestrator: an XState machine that approves phases, starts one child actor per task,
// collects exits, pauses on conflicts, applies re-planning decisions and runs verification.
// Effects come from provided actors (`task`, `verify`, `watcher`); the rules live in progress.ts
// and conflicts.ts as pure steps, and every step that matters emits one journal entry.

import {and, enqueueActions, fromCallback, setup} from 'xstate';
import type {CallbackActorLogic, EventObject} from 'xstate';
import {decideConflict, dropSkippedConflicts, raiseConflict, recordChanges} from './conflicts.js';
import type {JournalEntry} from './journal-events.js';
import {
	Draft,
	initialContext,
	phaseHasFailures,
	phaseIdle,
	planPhaseTasks,
	runHasFailures,
	scanNeeded,
	scanSettled,
} from './progress.js';
import {taskChildId, verifyChildId, WATCHER_ID} from './child-ids.js';
import type {MachineContext} from './progress.js';
import type {
	OrchestratorEvent,
	OrchestratorInput,
	TaskActorInput,
	VerifyActorInput,
	WatcherActorInput,
	WatcherRequest,
} from './types.js';

const NO_RUNNER = 'no runner provided';

/**
 * The shapes of the actors to provide. Each sends back ActorEvents; the task and verify actors
 * receive nothing, the watcher receives `phase.scan` requests. Cleanup must kill what they started.
 */
export type TaskActorLogic = CallbackActorLogic<EventObject, TaskActorInput>;
export type VerifyActorLogic = CallbackActorLogic<EventObject, VerifyActorInput>;
export type WatcherActorLogic = CallbackActorLogic<WatcherRequest, WatcherActorInput>;

/** Default `task` actor: fails at once. The engine provides the real one. */
const noTaskRunner: TaskActorLogic = fromCallback<EventObject, TaskActorInput>(({input, sendBack}) => {
	sendBack({type: 'task.exited', taskId: input.task.id, outcome: 'failed', exitCode: null, signal: null, reason: NO_RUNNER, at: Date.now()});
});

/** Default `verify` actor: fails at once. */
const noVerifyRunner: VerifyActorLogic = fromCallback<EventObject, VerifyActorInput>(({input, sendBack}) => {
	sendBack({type: 'verify.exited', index: input.index, exitCode: null, at: Date.now()});
});

/** Default `watcher` actor: watches nothing, and finds nothing when asked for a phase-end scan. */
const noWatcher: WatcherActorLogic = fromCallback<WatcherRequest, WatcherActorInput>(({receive, sendBack}) => {
	receive(request => sendBack({type: 'phase.scanned', phaseIndex: request.phaseIndex, at: Date.now()}));
});

/** What enqueueActions hands a step; kept structural so steps stay outside the machine's generics. */
type Enqueue = {
	assign: (patch: Partial<MachineContext>) => void;
	emit: (entry: JournalEntry) => void;
	stopChild: (id: string) => void;
	sendTo: (to: string, event: WatcherRequest) => void;
	spawnChild: {
		(src: 'task', options: {id: string; input: TaskActorInput}): void;
		(src: 'verify', options: {id: string; input: VerifyActorInput}): void;
		(src: 'watcher', options: {id: string; input: WatcherActorInput}): void;
	};
};

/** Runs a pure step on a Draft and enqueues what it decided: stops, context, spawns, journal. */
function apply(context: MachineContext, enqueue: Enqueue, step: (d: Draft) => void): void {
	const d = new Draft(context);
	step(d);
	for (const id of d.stops) enqueue.stopChild(id);
	enqueue.assign(d.ctx);
	for (const s of d.spawns) {
		if (s.kind === 'task') enqueue.spawnChild('task', {id: s.id, input: s.input});
		else if (s.kind === 'verify') enqueue.spawnChild('verify', {id: s.id, input: s.input});
		else enqueue.spawnChild('watcher', {id: s.id, input: {workspace: d.ctx.workspace, plan: d.ctx.plan, phaseIndex: d.ctx.phaseIndex}});
	}
	for (const request of d.requests) enqueue.sendTo(WATCHER_ID, request);
	for (const entry of d.entries) enqueue.emit(entry);
}

/** A named action made of one pure step over the event. */
const step = (fn: (d: Draft, event: OrchestratorEvent) => void) =>
	enqueueActions<MachineContext, OrchestratorEvent, undefined, OrchestratorEvent, never, never, never, never, JournalEntry>(
		({context, event, enqueue}) => apply(context, enqueue as unknown as Enqueue, d => fn(d, event)),
	);

function failureReason(exitCode: number | null, signal: string | null): string {
	if (signal) return `killed by ${signal}`;
	if (exitCode !== null) return `exit code ${exitCode}`;
	return 'failed';
}

/**
 * True when every task of the phase at `phaseIndex` is already skipped (its dependencies failed
 * and the user went on): there is nothing to approve, so the phase is passed over as skipped.
 */
function phaseAllSkipped(context: MachineContext): boolean {
	const runs = planPhaseTasks(context.plan, context.phaseIndex).map(t => context.tasks[t.id]);
	return runs.length > 0 && runs.every(r => r?.status === 'skipped');
}

/**
 * The run's total and timeline count from the first approval, not from when the plan review
 * opened: reading the plan and deciding is not run time.
 */
function startRunClock(d: Draft): void {
	if (d.ctx.firstApprovedAt === undefined) d.set({firstApprovedAt: d.now, startedAt: d.now});
}

function phaseEndStatus(d: Draft): 'passed' | 'skipped' {
	const runs = planPhaseTasks(d.ctx.plan, d.ctx.phaseIndex).map(t => d.task(t.id));
	return runs.length > 0 && runs.every(r => r?.status === 'skipped') ? 'skipped' : 'passed';
}

/** The orchestrator. Provide real actors with `orchestratorMachine.provide({actors})`. */
export const orchestratorMachine = setup({
	types: {
		context: {} as MachineContext,
		events: {} as OrchestratorEvent,
		input: {} as OrchestratorInput,
		emitted: {} as JournalEntry,
	},
	actors: {task: noTaskRunner, verify: noVerifyRunner, watcher: noWatcher},
	guards: {
		reportHasErrors: ({context}) => !context.report.valid || context.report.errors.length > 0,
		noPhaseLeft: ({context}) => context.phaseIndex >= context.plan.phases.length,
		hasNextPhase: ({context}) => context.phaseIndex + 1 < context.plan.phases.length,
		approveAll: ({context}) => context.approveAll,
		hasOpenConflicts: ({context}) => context.conflicts.length > 0,
		noOpenConflicts: ({context}) => context.conflicts.length === 0,
		phaseDone: ({context}) => phaseIdle(context) && scanSettled(context) && !phaseHasFailures(context),
		phaseFailedNow: ({context}) => phaseIdle(context) && scanSettled(context) && phaseHasFailures(context),
		scanNeeded: ({context}) => scanNeeded(context),
		retryable: ({context, event}) => {
			if (event.type !== 'task.retry') return false;
			const run = context.tasks[event.taskId];
			return run !== undefined && run.phaseIndex === context.phaseIndex && (run.status === 'failed' || run.status === 'stopped');
		},
		decidesAbort: ({event}) => event.type === 'conflict.decide' && event.choice === 'abort',
		verifyFailed: ({context}) => context.verify.some(v => v.status === 'failed'),
		verifyDone: ({context}) => context.verify.every(v => v.status === 'passed' || v.status === 'skipped'),
		runHasFailures: ({context}) => runHasFailures(context),
		phaseAllSkipped: ({context}) => phaseAllSkipped(context),
	},
	actions: {
		runStarted: step(d => {
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
		}),
		announcePhase: step(d => {
			// A phase with nothing left to run is not offered (awaitingApproval passes over it at once).
			if (phaseAllSkipped(d.ctx)) return;
			d.emit({type: 'phase.awaiting', at: d.now, phaseIndex: d.ctx.phaseIndex, name: d.ctx.plan.phases[d.ctx.phaseIndex]?.name ?? ''});
		}),
		approvePhase: step((d, event) => {
			startRunClock(d);
			const all = event.type === 'phase.approveAll';
			if (all) d.set({approveAll: true});
			d.emit({type: 'phase.approved', at: d.now, phaseIndex: d.ctx.phaseIndex, all});
		}),
		beginPhase: step(d => d.beginPhase()),
		/** Passes over a phase whose every task is already skipped: the timeline shows it skipped. */
		passOverSkippedPhase: step(d => {
			d.setPhase(d.ctx.phaseIndex, 'skipped');
			d.emit({type: 'phase.skipped', at: d.now, phaseIndex: d.ctx.phaseIndex});
		}),
		skipPhase: step(d => {
			const ids = planPhaseTasks(d.ctx.plan, d.ctx.phaseIndex).map(t => t.id);
			d.setPhase(d.ctx.phaseIndex, 'skipped');
			d.emit({type: 'phase.skipped', at: d.now, phaseIndex: d.ctx.phaseIndex});
			// A task held by a conflict carried over from an interrupted run is skipped with its phase.
			for (const id of ids) if (d.task(id)?.status === 'pending' || d.task(id)?.status === 'conflicted') d.skipTask(id, 'phase skipped by you');
			dropSkippedConflicts(d);
			d.skipDependents(ids);
		}),
		fillSlots: step(d => d.fillSlots()),
		passPhase: step(d => d.finishPhase(phaseEndStatus(d))),
		failPhase: step(d => d.finishPhase('failed')),
		nextPhase: step(d => d.nextPhase()),
		recordStart: step((d, event) => {
			if (event.type !== 'task.started') return;
			const run = d.task(event.taskId);
			if (run?.status !== 'running') return;
			d.patchTask(event.taskId, {pid: event.pid});
			d.emit({type: 'task.started', at: event.at, taskId: event.taskId, pid: event.pid, attempt: run.attempts});
		}),
		recordExit: step((d, event) => {
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
		}),
		recordReport: step((d, event) => {
			if (event.type !== 'task.report') return;
			const run = d.task(event.taskId);
			if (!run) return;
			const {type: _type, taskId, changedFiles, ...fields} = event;
			const merged = [...new Set([...run.changedFiles, ...(changedFiles ?? [])])];
			d.patchTask(taskId, {...fields, changedFiles: merged});
			d.emit({type: 'task.report', at: d.now, taskId, ...fields, ...(changedFiles ? {changedFiles} : {})});
		}),
		stopByUser: step((d, event) => {
			if (event.type !== 'task.stop' || d.task(event.taskId)?.status !== 'running') return;
			d.stopTask(event.taskId, 'stopped', 'stopped by you');
		}),
		reopenPhase: step(d => {
			d.setPhase(d.ctx.phaseIndex, 'running');
			d.restartWatcher();
		}),
		retryFailed: step(d => {
			const ids = planPhaseTasks(d.ctx.plan, d.ctx.phaseIndex)
				.map(t => t.id)
				.filter(id => d.task(id)?.status === 'failed' || d.task(id)?.status === 'stopped');
			for (const id of ids) d.patchTask(id, {status: 'pending', reason: undefined});
			d.emit({type: 'phase.retried', at: d.now, phaseIndex: d.ctx.phaseIndex, tasks: ids});
		}),
		retryTask: step((d, event) => {
			if (event.type !== 'task.retry') return;
			d.patchTask(event.taskId, {status: 'pending', reason: undefined});
			d.emit({type: 'phase.retried', at: d.now, phaseIndex: d.ctx.phaseIndex, tasks: [event.taskId]});
		}),
		continuePastFailures: step(d => {
			const failed = planPhaseTasks(d.ctx.plan, d.ctx.phaseIndex)
				.map(t => t.id)
				.filter(id => ['failed', 'stopped', 'conflicted'].includes(d.task(id)?.status ?? ''));
			d.emit({type: 'phase.continued', at: d.now, phaseIndex: d.ctx.phaseIndex});
			d.skipDependents(failed);
		}),
		detectConflict: step((d, event) => {
			if (event.type !== 'conflict.detected') return;
			const {type: _type, ...report} = event;
			raiseConflict(d, report);
		}),
		recordChanges: step((d, event) => {
			if (event.type === 'fs.changed') recordChanges(d, event.changes, event.how ?? 'watcher');
		}),
		requestScan: step(d => d.requestScan()),
		recordScan: step((d, event) => {
			if (event.type === 'phase.scanned' && event.phaseIndex === d.ctx.phaseIndex) d.set({scan: {...d.ctx.scan, done: event.phaseIndex}});
		}),
		decide: step((d, event) => {
			if (event.type !== 'conflict.decide') return;
			decideConflict(d, {
				choice: event.choice,
				...(event.taskId === undefined ? {} : {taskId: event.taskId}),
				...(event.plan === undefined ? {} : {plan: event.plan}),
			});
		}),
		startVerify: step(d => d.startNextVerify()),
		verifyStarted: step((d, event) => {
			if (event.type !== 'verify.started') return;
			d.set({verify: d.ctx.verify.map(v => (v.index === event.index ? {...v, startedAt: event.at} : v))});
		}),
		verifyExited: step((d, event) => {
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
		}),
		finishPassed: step(d => d.finish('passed')),
		finishFailed: step(d => d.finish('failed')),
		abortRun: step(d => d.endRun('aborted')),
		stopAfterFailure: step(d => d.endRun('failed')),
		abortOnConflict: step(d => d.endRun('conflict')),
		/** The editor's time comes off every running task's clock (their timeouts were held too). */
		shiftTaskClocks: step((d, event) => {
			if (event.type !== 'clock.paused' || event.ms <= 0) return;
			for (const run of Object.values(d.ctx.tasks)) {
				if (run.status === 'running' && run.startedAt !== undefined) d.patchTask(run.id, {startedAt: run.startedAt + event.ms});
			}
		}),
		interrupt: step((d, event) => {
			if (event.type === 'run.signal') d.endRun('interrupted', event.signal);
		}),
	},
}).createMachine({
	id: 'orchestrator',
	context: ({input}) => initialContext(input),
	initial: 'validating',
	on: {
		'run.signal': {target: '.aborted', actions: 'interrupt'},
		'run.abort': {target: '.aborted', actions: 'abortRun'},
		'clock.paused': {actions: 'shiftTaskClocks'},
	},
	states: {
		validating: {
			always: [{guard: 'reportHasErrors', target: 'invalid'}, {target: 'reviewing'}],
		},
		invalid: {type: 'final'},
		reviewing: {
			on: {
				'plan.start': [
					{guard: 'noPhaseLeft', target: 'verifying', actions: 'runStarted'},
					{target: 'awaitingApproval', actions: 'runStarted'},
				],
			},
		},
		awaitingApproval: {
			entry: 'announcePhase',
			always: [
				{guard: and(['phaseAllSkipped', 'hasNextPhase']), target: 'awaitingApproval', reenter: true, actions: ['passOverSkippedPhase', 'nextPhase']},
				{guard: 'phaseAllSkipped', target: 'verifying', actions: 'passOverSkippedPhase'},
			],
			on: {
				'phase.approve': {target: 'running', actions: ['approvePhase', 'beginPhase']},
				'phase.approveAll': {target: 'running', actions: ['approvePhase', 'beginPhase']},
				'phase.skip': [
					{guard: and(['hasNextPhase', 'approveAll']), target: 'running', actions: ['skipPhase', 'nextPhase', 'beginPhase']},
					{guard: 'hasNextPhase', target: 'awaitingApproval', reenter: true, actions: ['skipPhase', 'nextPhase']},
					{target: 'verifying', actions: 'skipPhase'},
				],
			},
		},
		running: {
			entry: 'fillSlots',
			on: {
				'task.started': {actions: 'recordStart'},
				'task.exited': {actions: ['recordExit', 'fillSlots']},
				'task.report': {actions: 'recordReport'},
				'task.stop': {actions: ['stopByUser', 'fillSlots']},
				'task.retry': {guard: 'retryable', actions: ['retryTask', 'fillSlots']},
				'conflict.detected': {actions: 'detectConflict'},
				'fs.changed': {actions: 'recordChanges'},
				'phase.scanned': {actions: 'recordScan'},
			},
			always: [
				{guard: 'hasOpenConflicts', target: 'conflict'},
				{guard: 'scanNeeded', actions: 'requestScan'},
				{guard: 'phaseFailedNow', target: 'phaseFailed', actions: 'failPhase'},
				{
					guard: and(['phaseDone', 'hasNextPhase', 'approveAll']),
					target: 'running',
					reenter: true,
					actions: ['passPhase', 'nextPhase', 'beginPhase'],
				},
				{guard: and(['phaseDone', 'hasNextPhase']), target: 'awaitingApproval', actions: ['passPhase', 'nextPhase']},
				{guard: 'phaseDone', target: 'verifying', actions: 'passPhase'},
			],
		},
		conflict: {
			on: {
				'task.started': {actions: 'recordStart'},
				'task.exited': {actions: 'recordExit'},
				'task.report': {actions: 'recordReport'},
				'task.stop': {actions: 'stopByUser'},
				'conflict.detected': {actions: 'detectConflict'},
				'fs.changed': {actions: 'recordChanges'},
				'phase.scanned': {actions: 'recordScan'},
				'conflict.decide': [{guard: 'decidesAbort', target: 'aborted', actions: 'abortOnConflict'}, {actions: 'decide'}],
			},
			always: [{guard: 'noOpenConflicts', target: 'running'}],
		},
		phaseFailed: {
			on: {
				'failed.stop': {target: 'failed', actions: 'stopAfterFailure'},
				'failed.retry': {target: 'running', actions: ['reopenPhase', 'retryFailed']},
				'task.retry': {guard: 'retryable', target: 'running', actions: ['reopenPhase', 'retryTask']},
				'failed.continue': [
					{
						guard: and(['hasNextPhase', 'approveAll']),
						target: 'running',
						actions: ['continuePastFailures', 'nextPhase', 'beginPhase'],
					},
					{guard: 'hasNextPhase', target: 'awaitingApproval', actions: ['continuePastFailures', 'nextPhase']},
					{target: 'verifying', actions: 'continuePastFailures'},
				],
			},
		},
		verifying: {
			entry: 'startVerify',
			on: {
				'verify.started': {actions: 'verifyStarted'},
				'verify.exited': {actions: 'verifyExited'},
			},
			always: [
				{guard: 'verifyFailed', target: 'failed', actions: 'finishFailed'},
				{guard: and(['verifyDone', 'runHasFailures']), target: 'failed', actions: 'finishFailed'},
				{guard: 'verifyDone', target: 'done', actions: 'finishPassed'},
			],
		},
		done: {type: 'final'},
		failed: {type: 'final'},
		aborted: {type: 'final'},
	},
});
