// Test helpers for the orchestrator: plan builders, a validator, a controllable clock and fake
// actors the test drives by hand (exit a task, report a conflict, send watcher changes).

import picomatch from 'picomatch';
import {createActor, fromCallback} from 'xstate';
import type {Actor, EventObject} from 'xstate';
import type {JournalEntry} from '../../source/machine/journal-events.js';
import {createOrchestrator} from '../../source/machine/orchestrator.js';
import type {OrchestratorMachine} from '../../source/machine/orchestrator.js';
import {stateOf} from '../../source/machine/state.js';
import type {
	ActorEvent,
	OrchestratorEvent,
	OrchestratorInput,
	TaskActorInput,
	VerifyActorInput,
	WatcherActorInput,
	WatcherRequest,
} from '../../source/machine/types.js';
import type {Finding, Phase, PhaseMode, Plan, Task, ValidationReport} from '../../source/plan/types.js';

/** A task with defaults. */
export function task(id: string, owns: readonly string[], extra: Partial<Task> = {}): Task {
	return {id, owns, reads: [], dependsOn: [], env: {}, run: `echo ${id}`, ...extra};
}

export function phase(name: string, tasks: readonly Task[], mode: PhaseMode = 'parallel'): Phase {
	return {name, mode, tasks};
}

export function plan(phases: readonly Phase[], verify: readonly string[] = []): Plan {
	return {name: 'test', pattern: 'custom', ignore: [], phases, verify};
}

const valid: ValidationReport = {valid: true, errors: [], warnings: []};

function finding(message: string, tasks: string[]): Finding {
	return {severity: 'error', code: 'ownership.overlap', message, file: 'plan.yaml', line: 1, column: 1, tasks, paths: []};
}

/**
 * A small stand-in for plan validation: two tasks of one parallel phase may not own the same
 * file (checked on each task's literal globs against the other's patterns).
 */
export function validate(p: Plan): ValidationReport {
	const errors: Finding[] = [];
	for (const ph of p.phases) {
		if (ph.mode !== 'parallel') continue;
		for (const a of ph.tasks) {
			for (const b of ph.tasks) {
				if (a.id >= b.id) continue;
				const clash = a.owns.some(ga => b.owns.some(gb => ga === gb || picomatch(gb, {dot: true})(ga) || picomatch(ga, {dot: true})(gb)));
				if (clash) errors.push(finding(`${a.id} and ${b.id} own the same files in phase ${ph.name}.`, [a.id, b.id]));
			}
		}
	}
	return {valid: errors.length === 0, errors, warnings: []};
}

/** A clock the test moves by hand. */
export function clock(start = 1_000_000) {
	let t = start;
	return {now: () => t, tick: (ms: number) => (t += ms), set: (ms: number) => (t = ms)};
}

type Send = (event: ActorEvent) => void;

/** Fake actors: tasks stay running until the test ends them; verify commands exit with scripted codes. */
export function fakes(options: {now: () => number; verifyCodes?: readonly (number | null)[]}) {
	const live = new Map<string, Send>();
	const spawned: {id: string; attempt: number; phaseIndex: number}[] = [];
	const stopped: string[] = [];
	let watcherSend: Send | undefined;
	let watcherStarts = 0;
	let concurrent = 0;
	let maxConcurrent = 0;
	let pid = 4000;
	const verified: string[] = [];
	const taskActor = fromCallback<EventObject, TaskActorInput>(({input, sendBack}) => {
		const id = input.task.id;
		live.set(id, sendBack);
		spawned.push({id, attempt: input.attempt, phaseIndex: input.phaseIndex});
		concurrent++;
		maxConcurrent = Math.max(maxConcurrent, concurrent);
		sendBack({type: 'task.started', taskId: id, pid: ++pid, at: options.now()});
		return () => {
			concurrent--;
			live.delete(id);
			stopped.push(id);
		};
	});
	const verifyActor = fromCallback<EventObject, VerifyActorInput>(({input, sendBack}) => {
		verified.push(input.command);
		const timer = setTimeout(() => {
			sendBack({type: 'verify.started', index: input.index, at: options.now()});
			sendBack({type: 'verify.exited', index: input.index, exitCode: options.verifyCodes?.[input.index] ?? 0, at: options.now()});
		}, 1);
		return () => clearTimeout(timer);
	});
	const scanRequests: number[] = [];
	const watcherActor = fromCallback<WatcherRequest, WatcherActorInput>(({sendBack, receive}) => {
		watcherSend = sendBack;
		watcherStarts++;
		receive(request => scanRequests.push(request.phaseIndex));
		return () => {
			watcherSend = undefined;
		};
	});
	const sendTo = (id: string, event: ActorEvent) => {
		const send = live.get(id);
		if (!send) throw new Error(`task ${id} is not running`);
		send(event);
	};
	return {
		actors: {task: taskActor, verify: verifyActor, watcher: watcherActor},
		spawned,
		stopped,
		verified,
		isLive: (id: string) => live.has(id),
		liveIds: () => [...live.keys()].sort(),
		get maxConcurrent() {
			return maxConcurrent;
		},
		get watcherRunning() {
			return watcherSend !== undefined;
		},
		/** Phase indexes the watcher was asked to scan. */
		scanRequests,
		/** Answers a scan as the watcher would: changes found first, then `phase.scanned`. */
		scanned(phaseIndex: number, changes: {path: string; at: number}[] = []) {
			if (!watcherSend) throw new Error('watcher is not running');
			if (changes.length > 0) {
				watcherSend({type: 'fs.changed', how: 'phase-end-scan', changes: changes.map(c => ({...c, kind: 'change' as const}))});
			}
			watcherSend({type: 'phase.scanned', phaseIndex, at: options.now()});
		},
		get watcherStarts() {
			return watcherStarts;
		},
		exit(id: string, exitCode = 0, extra: {signal?: string; reason?: string} = {}) {
			sendTo(id, {
				type: 'task.exited',
				taskId: id,
				outcome: exitCode === 0 && !extra.signal ? 'passed' : 'failed',
				exitCode: extra.signal ? null : exitCode,
				signal: extra.signal ?? null,
				...(extra.reason ? {reason: extra.reason} : {}),
				at: options.now(),
			});
		},
		send: sendTo,
		/** Sends watcher changes (the watcher must be running). */
		changed(changes: {path: string; at: number; kind?: 'add' | 'change' | 'unlink' | 'rename'}[]) {
			if (!watcherSend) throw new Error('watcher is not running');
			watcherSend({type: 'fs.changed', changes: changes.map(c => ({path: c.path, at: c.at, kind: c.kind ?? 'change'}))});
		},
	};
}

export type Fakes = ReturnType<typeof fakes>;

/** Starts an orchestrator with fakes and records its journal. */
export function start(
	p: Plan,
	options: Partial<OrchestratorInput> & {verifyCodes?: readonly (number | null)[]; report?: ValidationReport; validate?: (p: Plan) => ValidationReport} = {},
) {
	const c = clock();
	const f = fakes({now: c.now, verifyCodes: options.verifyCodes ?? []});
	const journal: JournalEntry[] = [];
	const {verifyCodes: _codes, validate: validator = validate, ...input} = options;
	const machine = createOrchestrator({now: c.now, validate: validator});
	const actor: Actor<OrchestratorMachine> = createActor(machine.provide({actors: f.actors}), {
		input: {
			runId: 'run-1',
			plan: p,
			planFile: 'plan.yaml',
			workspace: '/tmp/ws',
			report: valid,
			...input,
		},
	});
	actor.on('*', entry => journal.push(entry));
	actor.start();
	return {
		actor,
		fakes: f,
		clock: c,
		journal,
		send: (event: OrchestratorEvent) => actor.send(event),
		state: (): string => stateOf(actor.getSnapshot()),
		ctx: () => actor.getSnapshot().context,
		status: (id: string) => actor.getSnapshot().context.tasks[id]?.status,
		types: () => journal.map(e => e.type),
	};
}
