// The engine: the orchestrator machine with its real actors (processes, agents, the watcher,
// verify commands), the journal writer, guard refusals and the phase-end check, wired once.
// Headless mode and the TUI both drive exactly this.

import {createActor, fromCallback} from 'xstate';
import type {EventObject} from 'xstate';
import type {Actor} from 'xstate';
import {orchestratorMachine} from '../machine/orchestrator.js';
import type {JournalEntry} from '../machine/journal-events.js';
import type {
	OrchestratorEvent,
	OrchestratorInput,
	TaskActorInput,
	Revision,
	TaskRun,
	FileChange,
	VerifyActorInput,
	WatcherActorInput,
	WatcherRequest,
} from '../machine/types.js';
import {compileGlobs, ownershipIndex} from '../plan/ownership.js';
import type {OwnershipIndex} from '../plan/ownership.js';
import type {Plan, ValidationReport} from '../plan/types.js';
import {agentInvocation, createAgentParser} from './agents/index.js';
import type {AgentParser} from './agents/index.js';
import {watchGuardRefusals} from './guard.js';
import type {LineBatchSink} from './headless-sink.js';
import {createIgnore} from './ignore.js';
import type {IgnorePredicate} from './ignore.js';
import {appendEvent, logPathFor} from './journal.js';
import {needsMarkerPrefix, parseNeedsMarker} from './marker.js';
import type {TaskOutputStore} from './output.js';
import {startProcess} from './process.js';
import type {ProcessSpec, RunningProcess} from './process.js';
import {diffSnapshots, snapshotTree} from './scan.js';
import type {Snapshot} from './scan.js';
import {watchWorkspace} from './watcher.js';
import type {Watcher} from './watcher.js';

/** Everything the engine needs for one run. */
export type EngineOptions = {
	readonly runId: string;
	readonly runDir: string;
	readonly plan: Plan;
	readonly planFile: string;
	readonly workspace: string;
	readonly report: ValidationReport;
	readonly validate: (plan: Plan) => ValidationReport;
	readonly store: TaskOutputStore;
	/** Headless: sanitized lines go here as well as to the tails. */
	readonly sink?: LineBatchSink;
	/** How to start `fanout guard` (for Claude Code's PreToolUse hook). */
	readonly guardCommand: readonly string[];
	readonly graceMs?: number;
	readonly maxParallel?: number;
	readonly restored?: Readonly<Record<string, TaskRun>>;
	readonly startPhase?: number;
	readonly revisions?: readonly Revision[];
	readonly nextConflictId?: number;
	/** Conflicts left open by the interrupted run (resume): asked again before their tasks run. */
	readonly openConflicts?: OrchestratorInput['openConflicts'];
	/** Agent sessions to continue on resume, by task id. */
	readonly sessions?: Readonly<Record<string, string>>;
	/** Problems that do not stop the run (e.g. the workspace cannot be watched live). */
	readonly onWarning?: (message: string) => void;
	/** Each journal entry, after it is appended to events.jsonl (headless --json prints them). */
	readonly onJournal?: (entry: JournalEntry) => void;
};

export type OrchestratorActor = Actor<typeof orchestratorMachine>;

export type Engine = {
	readonly actor: OrchestratorActor;
	readonly store: TaskOutputStore;
	/** Prepares (ignore rules, baseline snapshot, watch), then starts the machine. */
	start(): Promise<void>;
	/**
	 * Starts the machine at once (so the plan review shows without waiting) and prepares in the
	 * background from the next turn of the event loop (a frame drawn in this turn goes out
	 * first); the caller must not let a phase start before the promise resolves.
	 */
	startEarly(): Promise<void>;
	/** Resolves when the machine reaches a final state. */
	readonly finished: Promise<void>;
	/** Stops watching guard refusals and the workspace; call once the run is over. */
	close(): void;
};

/** Lines of a task's tail kept as its completion report when the task gives none. */
const REPORT_LINES = 5;

/** Builds the engine. Nothing runs until `start()`. */
export function createEngine(options: EngineOptions): Engine {
	const {runDir, workspace, store, sink, guardCommand, graceMs} = options;
	// The actor is made after its actors (which need to read it back): filled in below.
	const ref: {actor?: OrchestratorActor} = {};
	let ignore: IgnorePredicate | undefined;
	// The workspace as of the last quiet moment (run start, a phase's end, awaiting approval):
	// the phase-end check compares against it.
	let baseline: Snapshot = new Map();
	// Paths the watcher reported during the current phase: the phase-end check only adds the rest.
	let watched = new Set<string>();
	let watcher: Watcher | undefined;
	const listeners = new Set<(changes: FileChange[]) => void>();
	const quietSnapshot = async (): Promise<void> => {
		if (ignore) baseline = await snapshotTree(workspace, ignore);
	};

	const send = (event: OrchestratorEvent): void => ref.actor?.send(event);

	/**
	 * The phase-end check, asked for by the machine once no task of the phase runs: compare the
	 * workspace with the baseline. A change the watcher missed and no task of this phase owns is
	 * a conflict, with every task that ran in the phase as suspects (or the one, if one ran).
	 */
	const phaseEndCheck = async (): Promise<void> => {
		const snapshot = ref.actor?.getSnapshot();
		if (!snapshot || !ignore) return;
		const {context} = snapshot;
		const phaseTasks = context.plan.phases[context.phaseIndex]?.tasks ?? [];
		const after = await snapshotTree(workspace, ignore);
		const index = ownershipIndex(context.plan);
		const ran = phaseTasks.map(t => t.id).filter(id => context.tasks[id]?.startedAt !== undefined);
		for (const change of diffSnapshots(baseline, after)) {
			if (watched.has(change.path)) continue;
			if (index.ownersOf(change.path, context.phaseIndex).length > 0) continue;
			const culprit = ran.length === 1 ? ran[0] : undefined;
			send({
				type: 'conflict.detected',
				...(culprit ? {taskId: culprit} : {suspects: ran}),
				path: change.path,
				how: 'phase-end-scan',
				changeKind: change.kind,
				at: change.at,
			});
		}
		baseline = after;
		watched = new Set();
	};

	const taskActor = fromCallback<EventObject, TaskActorInput>(({input, sendBack}) => {
		const {task, plan} = input;
		let stopped = false;
		const isOwned = compileGlobs(task.owns);
		let parser: AgentParser | undefined;
		let spec: ProcessSpec;
		let env: NodeJS.ProcessEnv = {
			...process.env,
			...task.env,
			FANOUT_RUN_DIR: runDir,
			FANOUT_TASK_ID: task.id,
			FANOUT_WORKSPACE: workspace,
			FANOUT_OWNS: task.owns.join('\n'),
		};
		if (task.run !== undefined) {
			spec = {command: task.run};
		} else {
			const invocation = agentInvocation(task, plan, {
				workspace,
				runDir,
				guardCommand,
				...(options.sessions?.[task.id] ? {resumeSessionId: options.sessions[task.id]} : {}),
			});
			spec = {file: invocation.file, args: invocation.args};
			env = {...env, ...invocation.env};
			parser = createAgentParser(invocation.format, {isOwned, workspace});
		}
		const asked = new Set<string>();
		const conflict = (path: string, how: 'declared' | 'agent-report', reason: string | undefined): void => {
			if (stopped || asked.has(path)) return;
			asked.add(path);
			sendBack({type: 'conflict.detected', taskId: task.id, path, how, ...(reason ? {reason} : {}), at: Date.now()});
		};
		const onLine = (raw: string): void => {
			const marker = parseNeedsMarker(raw, workspace);
			if (marker) conflict(marker.path, 'declared', marker.reason);
		};
		// Agents: the pane shows what the adapter makes of the stream, not raw JSON.
		const display = parser
			? (raw: string): readonly string[] => {
					const update = parser!.push(raw);
					for (const need of update.needs) conflict(need.path, 'declared', need.reason);
					for (const c of update.conflicts) conflict(c.path, 'agent-report', c.reason);
					if (update.sessionId) sendBack({type: 'task.report', taskId: task.id, sessionId: update.sessionId});
					return update.display;
				}
			: undefined;
		let proc: RunningProcess | undefined;
		try {
			// Agents: FANOUT-NEEDS lines come from the adapter (inside the JSON stream); commands:
			// only lines holding the marker are decoded for the scan, the rest stay bytes.
			const output = store.open(task.id, {
				logPath: logPathFor(runDir, task.id),
				...(display ? {display} : {onLine, onLineMatch: needsMarkerPrefix}),
				...(sink ? {sink} : {}),
			});
			proc = startProcess(spec, {
				cwd: workspace,
				env,
				...(task.timeoutMs === undefined ? {} : {timeoutMs: task.timeoutMs}),
				...(graceMs === undefined ? {} : {graceMs}),
				output,
				meta: {runId: options.runId, taskId: task.id},
			});
			if (proc.pid !== undefined) sendBack({type: 'task.started', taskId: task.id, pid: proc.pid, at: Date.now()});
			void proc.done.then(async exit => {
				if (stopped) return;
				const result = parser?.finish({exitCode: exit.exitCode, signal: exit.signal});
				const report = result?.report ?? output.lines(REPORT_LINES).join('\n');
				sendBack({
					type: 'task.report',
					taskId: task.id,
					...(report ? {report} : {}),
					...(result?.costUsd === undefined ? {} : {costUsd: result.costUsd}),
					...(result?.tokens === undefined ? {} : {tokens: result.tokens}),
					...(result?.turns === undefined ? {} : {turns: result.turns}),
					...(result?.sessionId === undefined ? {} : {sessionId: result.sessionId}),
					...(result && result.changedFiles.length > 0 ? {changedFiles: result.changedFiles} : {}),
				});
				const failed = exit.outcome === 'failed' || result?.failureReason !== undefined;
				sendBack({
					type: 'task.exited',
					taskId: task.id,
					outcome: failed ? 'failed' : 'passed',
					exitCode: exit.exitCode,
					signal: exit.signal,
					...((result?.failureReason ?? exit.reason) ? {reason: result?.failureReason ?? exit.reason} : {}),
					at: Date.now(),
				});
			});
		} catch (error) {
			const reason = error instanceof Error ? error.message : String(error);
			queueMicrotask(() =>
				sendBack({type: 'task.exited', taskId: task.id, outcome: 'failed', exitCode: null, signal: null, reason, at: Date.now()}),
			);
		}
		return () => {
			stopped = true;
			void proc?.stop('stopped');
		};
	});

	const verifyActor = fromCallback<EventObject, VerifyActorInput>(({input, sendBack}) => {
		let stopped = false;
		const key = `verify:${input.index}`;
		let proc: RunningProcess | undefined;
		try {
			const output = store.open(key, {logPath: logPathFor(runDir, key), ...(sink ? {sink} : {})});
			sendBack({type: 'verify.started', index: input.index, at: Date.now()});
			proc = startProcess({command: input.command}, {cwd: workspace, env: {...process.env, FANOUT_RUN_DIR: runDir}, output, ...(graceMs === undefined ? {} : {graceMs}), meta: {runId: options.runId, taskId: key}});
			void proc.done.then(exit => {
				if (!stopped) sendBack({type: 'verify.exited', index: input.index, exitCode: exit.exitCode, at: Date.now()});
			});
		} catch {
			queueMicrotask(() => sendBack({type: 'verify.exited', index: input.index, exitCode: null, at: Date.now()}));
		}
		return () => {
			stopped = true;
			void proc?.stop('stopped');
		};
	});

	const watcherActor = fromCallback<WatcherRequest, WatcherActorInput>(({sendBack, receive}) => {
		receive(request => {
			if (request.type !== 'phase.scan') return;
			void phaseEndCheck()
				.catch(() => undefined)
				.then(() => sendBack({type: 'phase.scanned', phaseIndex: request.phaseIndex, at: Date.now()}));
		});
		// One watch serves the whole run (set up before anything starts, so no write slips through
		// while it gets ready); a phase's watcher actor only listens to it.
		// A task rewriting its own file a thousand times a second must not flood the machine:
		// once a path owned by a running task has been reported, its repeats carry no news.
		const reported = new Set<string>();
		let indexFor: {plan: Plan; index: OwnershipIndex} | undefined;
		const listener = (changes: FileChange[]) => {
			const snapshot = ref.actor?.getSnapshot();
			if (!snapshot) return;
			const {plan, tasks, phaseIndex} = snapshot.context;
			if (indexFor?.plan !== plan) indexFor = {plan, index: ownershipIndex(plan)};
			const index = indexFor.index;
			const news = changes.filter(change => {
				const owner = index.ownersOf(change.path, phaseIndex).find(id => tasks[id]?.status === 'running');
				if (owner === undefined) return true;
				const key = `${owner}\0${change.path}`;
				if (reported.has(key)) return false;
				reported.add(key);
				return true;
			});
			if (news.length > 0) sendBack({type: 'fs.changed', changes: news});
		};
		listeners.add(listener);
		return () => {
			listeners.delete(listener);
		};
	});

	const machine = orchestratorMachine.provide({
		actors: {task: taskActor, verify: verifyActor, watcher: watcherActor},
	});
	const input: OrchestratorInput = {
		runId: options.runId,
		plan: options.plan,
		planFile: options.planFile,
		workspace,
		report: options.report,
		validate: options.validate,
		phaseEndScan: true,
		...(options.revisions ? {revisions: options.revisions} : {}),
		...(options.nextConflictId === undefined ? {} : {nextConflictId: options.nextConflictId}),
		...(options.openConflicts ? {openConflicts: options.openConflicts} : {}),
		...(options.maxParallel === undefined ? {} : {maxParallel: options.maxParallel}),
		...(options.restored ? {restored: options.restored} : {}),
		...(options.startPhase === undefined ? {} : {startPhase: options.startPhase}),
	};
	const actor = createActor(machine, {input});
	ref.actor = actor;
	actor.on('*', (entry: JournalEntry) => {
		// The task's pid is its process group (spawned detached): resume kills by it.
		const record = entry.type === 'task.started' ? {...entry, pgid: entry.pid} : entry;
		appendEvent(runDir, record);
		if (entry.type === 'phase.awaiting') void quietSnapshot().catch(() => undefined);
		options.onJournal?.(entry);
	});

	let stopGuard: (() => void) | undefined;
	let resolveFinished: () => void = () => undefined;
	const finished = new Promise<void>(resolve => {
		resolveFinished = resolve;
	});
	actor.subscribe({
		next: snapshot => {
			if (snapshot.status === 'done') resolveFinished();
		},
		error: () => resolveFinished(),
		complete: () => resolveFinished(),
	});

	// What must be in place before the first task starts: ignore rules, the baseline snapshot,
	// the workspace watch and the guard's refusals. Done once.
	let preparing: Promise<void> | undefined;
	let started = false;
	const startOnce = (): void => {
		if (started) return;
		started = true;
		actor.start();
	};
	const prepare = (): Promise<void> =>
		(preparing ??= (async () => {
			ignore = await createIgnore(workspace, options.plan.ignore);
			await quietSnapshot();
			try {
				watcher = await watchWorkspace({
					workspace,
					ignore,
					onChanges: changes => {
						if (listeners.size === 0) return;
						for (const change of changes) watched.add(change.path);
						for (const listener of listeners) listener(changes);
					},
					...(options.onWarning ? {onError: options.onWarning} : {}),
				});
			} catch (error) {
				// Without live events the phase-end check still catches every change, only later.
				options.onWarning?.(`${error instanceof Error ? error.message : String(error)}; changes will be checked at the end of each phase only`);
			}
			stopGuard = watchGuardRefusals(runDir, refusal =>
				send({
					type: 'conflict.detected',
					taskId: refusal.taskId,
					path: refusal.path,
					how: 'blocked',
					reason: `${refusal.tool} was blocked by fanout's guard`,
					at: refusal.at,
				}),
			);
		})());

	return {
		actor,
		store,
		finished,
		start() {
			return prepare().then(startOnce);
		},
		startEarly() {
			startOnce();
			// Preparing spawns git and walks the tree: the first frame should not wait on it.
			return new Promise<void>(resolve => setImmediate(resolve)).then(prepare);
		},
		close() {
			stopGuard?.();
			void watcher?.close();
		},
	};
}
