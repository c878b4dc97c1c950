// The orchestrator: an XState machine that approves phases, starts one child actor per task,
// collects exits, pauses on conflicts, applies re-planning decisions and runs verification.
// Effects come from provided actors (`task`, `verify`, `watcher`); the clock and plan validation
// are given when the machine is made (`createOrchestrator`), so the context is data only. The
// rules live in steps.ts, draft.ts and conflicts.ts as pure steps, and every step that matters
// emits one journal entry.

import {and, fromCallback, setup} from 'xstate';
import type {CallbackActorLogic, EventObject} from 'xstate';
import {WATCHER_ID} from './child-ids.js';
import {phaseAllSkipped, phaseHasFailures, phaseIdle, runHasFailures, scanNeeded, scanSettled, startableTasks} from './context.js';
import type {MachineContext} from './context.js';
import {Draft} from './draft.js';
import type {MachineEnv} from './draft.js';
import type {JournalEntry} from './journal-events.js';
import {initialContext} from './start.js';
import {steps} from './steps.js';
import type {Step} from './steps.js';
import type {
	OrchestratorEvent,
	OrchestratorInput,
	TaskActorInput,
	VerifyActorInput,
	WatcherActorInput,
	WatcherRequest,
} from './types.js';

export type {MachineEnv};

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

/** The machine's types, default actors and guards; the actions need the env, so they come later. */
const base = setup({
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
	canStart: ({context}) => startableTasks(context).length > 0,
},
});

/** What `enqueueActions` hands an action, as XState types it for this machine. */
type Enqueue = Parameters<Parameters<typeof base.enqueueActions>[0]>[0]['enqueue'];

/** Runs a pure step on a Draft and enqueues what it decided: stops, context, spawns, journal. */
function apply(draft: Draft, enqueue: Enqueue): void {
	for (const id of draft.stops) enqueue.stopChild(id);
	enqueue.assign(draft.ctx);
	const {workspace, plan, phaseIndex} = draft.ctx;
	for (const s of draft.spawns) {
		if (s.kind === 'task') enqueue.spawnChild('task', {id: s.id, input: s.input});
		else if (s.kind === 'verify') enqueue.spawnChild('verify', {id: s.id, input: s.input});
		else enqueue.spawnChild('watcher', {id: s.id, input: {workspace, plan, phaseIndex}});
	}
	for (const request of draft.requests) enqueue.sendTo(WATCHER_ID, request);
	for (const entry of draft.entries) enqueue.emit(entry);
}

/** Every step of steps.ts as an XState action that decides on a Draft made with `env`. */
function actionsOf(env: MachineEnv) {
	const action = (fn: Step) =>
		base.enqueueActions(({context, event, enqueue}) => {
			const draft = new Draft(context, env);
			fn(draft, event);
			apply(draft, enqueue);
		});
	const names = Object.keys(steps) as (keyof typeof steps)[];
	return Object.fromEntries(names.map(name => [name, action(steps[name])])) as Record<keyof typeof steps, ReturnType<typeof action>>;
}

/**
 * Makes the orchestrator with its clock and plan validator (validation reads the disk, so it is
 * given, not imported). Provide real actors with `.provide({actors})`.
 */
export function createOrchestrator(env: MachineEnv) {
	return base.extend({actions: actionsOf(env)}).createMachine({
		id: 'orchestrator',
		context: ({input}) => initialContext(input, env.now),
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
					'phase.approve': {target: 'phase.running', actions: ['approvePhase', 'beginPhase']},
					'phase.approveAll': {target: 'phase.running', actions: ['approvePhase', 'beginPhase']},
					'phase.skip': [
						{guard: and(['hasNextPhase', 'approveAll']), target: 'phase.running', actions: ['skipPhase', 'nextPhase', 'beginPhase']},
						{guard: 'hasNextPhase', target: 'awaitingApproval', reenter: true, actions: ['skipPhase', 'nextPhase']},
						{target: 'verifying', actions: 'skipPhase'},
					],
				},
			},
			// A phase under way: its tasks run (`running`) or wait while the user decides a conflict
			// (`conflict`). Tasks report, exit and change files in both; only `running` starts more.
			phase: {
				initial: 'running',
				on: {
					'task.started': {actions: 'recordStart'},
					'task.exited': {actions: 'recordExit'},
					'task.report': {actions: 'recordReport'},
					'task.stop': {actions: 'stopByUser'},
					'conflict.detected': {actions: 'detectConflict'},
					'fs.changed': {actions: 'recordChanges'},
					'phase.scanned': {actions: 'recordScan'},
				},
				states: {
					running: {
						entry: 'fillSlots',
						on: {
							'task.retry': {guard: 'retryable', actions: 'retryTask'},
						},
						always: [
							{guard: 'hasOpenConflicts', target: 'conflict'},
							// A slot freed (an exit, a stop, a retry): start what may start now.
							{guard: 'canStart', actions: 'fillSlots'},
							{guard: 'scanNeeded', actions: 'requestScan'},
							{guard: 'phaseFailedNow', target: '#orchestrator.phaseFailed', actions: 'failPhase'},
							{
								guard: and(['phaseDone', 'hasNextPhase', 'approveAll']),
								target: 'running',
								reenter: true,
								actions: ['passPhase', 'nextPhase', 'beginPhase'],
							},
							{guard: and(['phaseDone', 'hasNextPhase']), target: '#orchestrator.awaitingApproval', actions: ['passPhase', 'nextPhase']},
							{guard: 'phaseDone', target: '#orchestrator.verifying', actions: 'passPhase'},
						],
					},
					conflict: {
						on: {
							'conflict.decide': [{guard: 'decidesAbort', target: '#orchestrator.aborted', actions: 'abortOnConflict'}, {actions: 'decide'}],
						},
						always: [{guard: 'noOpenConflicts', target: 'running'}],
					},
				},
			},
			phaseFailed: {
				on: {
					'failed.stop': {target: 'failed', actions: 'stopAfterFailure'},
					'failed.retry': {target: 'phase.running', actions: ['reopenPhase', 'retryFailed']},
					'task.retry': {guard: 'retryable', target: 'phase.running', actions: ['reopenPhase', 'retryTask']},
					'failed.continue': [
						{
							guard: and(['hasNextPhase', 'approveAll']),
							target: 'phase.running',
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
}

export type OrchestratorMachine = ReturnType<typeof createOrchestrator>;
