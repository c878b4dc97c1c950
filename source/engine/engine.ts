// The engine's lifecycle: the orchestrator machine with its real actors (task, verify, watch),
// the journal writer, guard refusals and the workspace watch, wired once. Headless mode and the
// TUI both drive exactly this.

import {createActor} from 'xstate';
import {withLanded} from '../machine/context.js';
import {createOrchestrator} from '../machine/orchestrator.js';
import {stateOf} from '../machine/state.js';
import type {JournalEntry} from '../machine/journal-events.js';
import type {OrchestratorInput} from '../machine/types.js';
import {watchGuardRefusals} from '../runner/guard.js';
import {createIgnore} from '../runner/ignore.js';
import type {IgnorePredicate} from '../runner/ignore.js';
import {appendEvent} from '../runner/journal.js';
import {describePhase} from '../runner/phase-info.js';
import type {PhaseInfo} from '../runner/phase-info.js';
import type {Plan} from '../plan/types.js';
import {poolWanted, warmSpawner} from '../runner/spawner.js';
import {watchWorkspace} from '../runner/watcher.js';
import type {Watcher} from '../runner/watcher.js';
import {createPhaseEndCheck} from './phase-end.js';
import {createSharedChangeRecorder, createTaskChangesReader} from './task-changes.js';
import {createTaskActor} from './task-actor.js';
import type {Engine, EngineOptions, OrchestratorActor, RunHandle} from './types.js';
import {createVerifyActor} from './verify-actor.js';
import {createWatchActor} from './watch-actor.js';
import type {ChangeListeners} from './watch-actor.js';
import {sharedWorkspace} from './workspace.js';
import {hasGitCommit, isolationProblem, phaseIsolation, WorktreeIsolation} from './isolation.js';
import type {IsolationInfo} from './isolation.js';
import type {Conflict} from '../machine/types.js';
import type {Finding, ValidationReport} from '../plan/types.js';

export type {Engine, EngineOptions, OrchestratorActor} from './types.js';

/** How long a path fanout applied is not taken for someone else's write by the workspace watch. */
const APPLIED_QUIET_MS = 3000;

/** The report with the isolation's problem added (an explicit worktree isolation without git). */
function withIsolationCheck(report: ValidationReport, plan: Plan, planFile: string, git: boolean): ValidationReport {
	const problem = isolationProblem(plan, git);
	if (problem === undefined) return report;
	const finding: Finding = {severity: 'error', code: 'isolation.not-git', message: problem, file: planFile, line: 1, column: 1, tasks: [], paths: []};
	return {...report, valid: false, errors: [...report.errors, finding]};
}

/** The machine's input for a run described by `options`. */
function machineInput(options: EngineOptions, git: boolean): OrchestratorInput {
	return {
		runId: options.runId,
		plan: options.plan,
		planFile: options.planFile,
		workspace: options.workspace,
		report: withIsolationCheck(options.report, options.plan, options.planFile, git),
		phaseEndScan: true,
		...(options.revisions ? {revisions: options.revisions} : {}),
		...(options.nextConflictId === undefined ? {} : {nextConflictId: options.nextConflictId}),
		...(options.openConflicts ? {openConflicts: options.openConflicts} : {}),
		...(options.maxParallel === undefined ? {} : {maxParallel: options.maxParallel}),
		...(options.restored ? {restored: options.restored} : {}),
		...(options.startPhase === undefined ? {} : {startPhase: options.startPhase}),
	};
}

/** How long the start waits for the spawner's slots at most (perl missing or slow: spawn directly). */
const SPAWNER_WAIT_MS = 250;

/** Starts the spawner when the plan has `run:` commands; resolves once slots for its widest phase are ready, or after SPAWNER_WAIT_MS. */
function warmSpawnerFor(plan: Plan): Promise<unknown> {
	const widest = Math.max(0, ...plan.phases.map(phase => phase.tasks.filter(task => task.run !== undefined).length));
	if (widest === 0) return Promise.resolve();
	return Promise.race([warmSpawner(widest), new Promise(resolve => setTimeout(resolve, SPAWNER_WAIT_MS).unref())]);
}

/** Builds the engine. Nothing runs until `start()`. */
export function createEngine(options: EngineOptions): Engine {
	const {runDir, workspace, store, sink, graceMs} = options;
	// The actor is made after its actors (which need to read it back): filled in below.
	const ref: {actor?: OrchestratorActor} = {};
	const run: RunHandle = {
		context: () => ref.actor?.getSnapshot().context,
		send: event => ref.actor?.send(event),
	};
	let ignore: IgnorePredicate | undefined;
	let watcher: Watcher | undefined;
	const listeners: ChangeListeners = new Set();
	// The phase-end check skips its walk while the live watch is whole and saw nothing.
	let watchWhole = true;
	const phaseEnd = createPhaseEndCheck(
		workspace,
		() => ignore,
		() => (watcher && watchWhole ? watcher.eventCount : undefined),
	);

	// Isolation: decided per phase (the phase's, the plan's, else worktree in a git repository).
	const git = hasGitCommit(workspace);
	const planNow = (): Plan => run.context()?.plan ?? options.plan;
	const inWorktree = (phaseIndex: number): boolean => git && phaseIsolation(planNow(), phaseIndex, git) === 'worktree';
	/** Paths fanout is applying, until when: the workspace watch does not report them as anyone's write. */
	const applying = new Map<string, number>();
	/** Tasks whose latest attempt's work was applied to the workspace (see finalContext). */
	const landedTasks = new Set<string>();
	const worktrees = git
		? new WorktreeIsolation({
				workspace,
				runDir,
				...(options.plan.worktree?.link ? {link: options.plan.worktree.link} : {}),
				journal: entry => {
					appendEvent(runDir, entry);
					if (entry.type === 'task.applied') landedTasks.add(entry.taskId);
					if ((entry as {type: string}).type === 'task.changes') changes.forget();
					options.onJournal?.(entry);
				},
				onApplied: paths => {
					const until = Date.now() + APPLIED_QUIET_MS;
					for (const path of paths) applying.set(path, until);
					phaseEnd.noteApplied(paths);
				},
				...(options.onWarning ? {onWarning: options.onWarning} : {}),
			})
		: undefined;
	const isFanoutWrite = (path: string): boolean => {
		const until = applying.get(path);
		if (until === undefined) return false;
		if (until >= Date.now()) return true;
		applying.delete(path);
		return false;
	};
	// Decisions about finished work held in a worktree: grant applies it, defer and skip drop it.
	const conflictsById = new Map<number, Conflict>();
	const onDecision = (entry: JournalEntry): void => {
		if (entry.type === 'conflict.detected') conflictsById.set(entry.conflict.id, entry.conflict);
		if (entry.type !== 'conflict.decided' || !worktrees || entry.taskId === undefined) return;
		const conflict = conflictsById.get(entry.conflictId);
		if (!conflict || worktrees.treeOf(entry.taskId) === undefined) return;
		if (entry.choice === 'grant' && conflict.finished) {
			const taskId = entry.taskId;
			void worktrees.grant(taskId, conflict.how === 'workspace').then(result => {
				if (result.kind !== 'applied') options.onWarning?.(`the work of ${taskId} was granted but not applied: ${'reason' in result ? result.reason : result.paths.join(', ')}`);
			});
		} else if (entry.choice === 'defer' || entry.choice === 'skip') worktrees.discard(entry.taskId);
	};

	const pooled = poolWanted(options.pool === true);
	const common = {runId: options.runId, runDir, store, ...(sink ? {sink} : {}), ...(graceMs === undefined ? {} : {graceMs}), ...(pooled ? {pooled} : {})};
	// The clock and the validator are given to the machine; revised plans get the same checks as
	// the plan did before the run, isolation included.
	const validate = (plan: Plan) => withIsolationCheck(options.validate(plan), plan, options.planFile, git);
	const machine = createOrchestrator({now: Date.now, validate}).provide({
		actors: {
			task: createTaskActor({
				...common,
				guardCommand: options.guardCommand,
				...(options.sessions ? {sessions: options.sessions} : {}),
				placement: sharedWorkspace(workspace),
				sharedTreeReady: () => prepare().then(() => phaseEnd.settled()),
				...(worktrees ? {isolation: {worktrees, inWorktree, ignore: () => ignore}} : {}),
			}),
			verify: createVerifyActor({...common, workspace}),
			watcher: createWatchActor(run, listeners, phaseEnd),
		},
	});
	const actor = createActor(machine, {input: machineInput(options, git)});
	ref.actor = actor;
	// What each task changed (`d`, the files columns): read from the run folder; in the shared
	// working tree of a git repository, recorded here at each task's end.
	const changes = createTaskChangesReader(runDir);
	const recorder = createSharedChangeRecorder({
		workspace,
		runDir,
		context: run.context,
		onRecorded: entry => {
			changes.forget(entry.task);
			options.onJournal?.(entry as unknown as JournalEntry);
		},
	});
	// Outside a git repository the recorder has nothing to diff against (its snapshot would spawn
	// git once per phase only to fail): it is not fed at all.
	const recordShared = git ? (entry: JournalEntry) => recorder.note(entry) : undefined;
	actor.on('*', (entry: JournalEntry) => {
		// The task's pid is its process group (spawned detached): resume kills by it.
		const record = entry.type === 'task.started' ? {...entry, pgid: entry.pid} : entry;
		appendEvent(runDir, record);
		if (entry.type === 'task.spawned') landedTasks.delete(entry.taskId);
		onDecision(entry);
		// Worktree phases record their own changes (engine/isolation.ts); the shared tree of a git repository is recorded here.
		if (recordShared && !inWorktree(actor.getSnapshot().context.phaseIndex)) recordShared(entry);
		if (entry.type === 'phase.awaiting') void phaseEnd.quietSnapshot().catch(() => undefined);
		options.onJournal?.(entry);
	});

	// The phase awaiting approval, described once (the scan reads the disk: not per frame). The
	// engine subscribes before any driver, so the description is there when the screen renders.
	let described: {readonly plan: Plan; readonly phaseIndex: number; readonly info: PhaseInfo} | undefined;
	if (options.describePhases) {
		actor.subscribe(snapshot => {
			if (snapshot.value !== 'awaitingApproval') return;
			const {plan, phaseIndex} = snapshot.context;
			if (described?.plan === plan && described.phaseIndex === phaseIndex) return;
			described = {plan, phaseIndex, info: describePhase(plan, phaseIndex, workspace)};
		});
	}

	let stopGuard: (() => void) | undefined;
	let resolveFinished: () => void = () => undefined;
	// Finished once the machine is, and the last task's changes are recorded (shared or worktree).
	const finished = new Promise<void>(resolve => {
		resolveFinished = resolve;
	})
		.then(() => recorder.settled())
		// A stopped task's worktree may still be being recorded: its journal entries come first.
		.then(() => worktrees?.settled());
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
			try {
				// One watch serves the whole run (set up before anything starts, so no write slips
				// through while it gets ready); a phase's watch actor only listens to it. It starts
				// before the baseline is taken, so its count covers everything after the baseline.
				watcher = await watchWorkspace({
					workspace,
					ignore,
					onChanges: all => {
						// What fanout applied from a worktree is nobody's stray write.
						const changes = all.filter(change => !isFanoutWrite(change.path));
						if (listeners.size === 0 || changes.length === 0) return;
						phaseEnd.noteWatched(changes.map(change => change.path));
						for (const listener of listeners) listener(changes);
					},
					onError: message => {
						// Part of the tree is not watched: every phase end walks the tree from now on.
						watchWhole = false;
						options.onWarning?.(message);
					},
				});
			} catch (error) {
				// Without live events the phase-end check still catches every change, only later.
				options.onWarning?.(`${error instanceof Error ? error.message : String(error)}; changes will be checked at the end of each phase only`);
			}
			await phaseEnd.quietSnapshot();
			stopGuard = watchGuardRefusals(runDir, refusal =>
				run.send({
					type: 'conflict.detected',
					taskId: refusal.taskId,
					path: refusal.path,
					how: 'blocked',
					reason: `${refusal.tool} was blocked by fanout's guard`,
					at: refusal.at,
				}),
			);
		})());
	// The spawner's slots get ready before the first phase, so its commands start from the pool
	// too (it starts lazily otherwise, after the first phase's spawns). Started once.
	let warming: Promise<unknown> | undefined;
	const warm = (): Promise<unknown> => (warming ??= pooled ? warmSpawnerFor(options.plan) : Promise.resolve());

	return {
		actor,
		store,
		finished,
		start() {
			return Promise.all([prepare(), warm()]).then(startOnce);
		},
		startEarly() {
			startOnce();
			// Not while the first frame is drawn (perl's start and its forks take a core from it,
			// 50-100 ms of the first frame on 2 cores): once the plan review is left, which is at
			// least a key press before the first phase can start.
			const now = stateOf(actor.getSnapshot());
			if (now !== 'reviewing' && now !== 'invalid') void warm();
			else if (now === 'reviewing') {
				const left = actor.subscribe(snapshot => {
					if (stateOf(snapshot) === 'reviewing') return;
					left.unsubscribe();
					void warm();
				});
			}
			// Preparing spawns git and walks the tree: the first frame should not wait on it.
			return new Promise<void>(resolve => setImmediate(resolve)).then(prepare);
		},
		close() {
			stopGuard?.();
			void watcher?.close();
			void worktrees?.close();
		},
		get isolation(): IsolationInfo {
			const {phaseIndex} = actor.getSnapshot().context;
			const progress = worktrees?.progress;
			return {mode: inWorktree(phaseIndex) ? 'worktree' : 'shared', ...(progress ? {progress} : {})};
		},
		finalContext() {
			const {context} = actor.getSnapshot();
			const tasks = withLanded(context.tasks, landedTasks);
			return tasks === context.tasks ? context : {...context, tasks};
		},
		taskChanges(taskId) {
			const known = worktrees?.taskChanges(taskId);
			if (known && known.files.length > 0) return known;
			// From the run folder: this session's records, or an earlier session's (a resumed run).
			const recorded = changes.read(taskId);
			if (!recorded) return known;
			return recorded.patch === '' && known ? {files: recorded.files, patch: known.patch} : recorded;
		},
		phaseInfo(phaseIndex, plan) {
			return described?.phaseIndex === phaseIndex && described.plan === plan ? described.info : undefined;
		},
	};
}
