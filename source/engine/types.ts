// The engine's contract: what a run needs to start (EngineOptions), what the drivers (headless,
// TUI) hold while it runs (Engine), and the handle its actors use to read the run back.

import type {Actor} from 'xstate';
import type {OrchestratorMachine} from '../machine/orchestrator.js';
import type {JournalEntry} from '../machine/journal-events.js';
import type {OrchestratorContext, OrchestratorEvent, OrchestratorInput, Revision, TaskRun} from '../machine/types.js';
import type {Plan, ValidationReport} from '../plan/types.js';
import type {LineBatchSink} from '../runner/headless-sink.js';
import type {TaskOutputStore} from '../runner/output.js';
import type {PhaseInfo} from '../runner/phase-info.js';
import type {FaultNotice} from './fault.js';
import type {IsolationInfo} from './isolation.js';
import type {TaskChanges} from './task-changes.js';

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
	/**
	 * Start `run:` commands from the spawner's pool, so fanout's event loop never waits on a fork
	 * (the TUI). Headless leaves it off: direct spawns cost less. FANOUT_SPAWNER=1/0 overrides.
	 */
	readonly pool?: boolean;
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
	/** Look at the workspace and PATH for each phase awaiting approval (the TUI's approval screen). */
	readonly describePhases?: boolean;
};

export type OrchestratorActor = Actor<OrchestratorMachine>;

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
	/**
	 * The run's last word, once `finished` resolved: the machine's context, with a task whose work
	 * landed in the workspace after the run stopped it (a conflict elsewhere, mid-apply) passed.
	 */
	finalContext(): OrchestratorContext;
	/** Stops watching guard refusals and the workspace; call once the run is over. */
	close(): void;
	/**
	 * What the approval screen says about phase `phaseIndex` of `plan` (files owned, agents found),
	 * computed once when the phase started awaiting approval (describePhases), never in a render.
	 */
	phaseInfo(phaseIndex: number, plan: Plan): PhaseInfo | undefined;
	/** The run's fault path, as a driver sees it (set by the session: see fault.ts). */
	readonly faults?: FaultNotice;
	/** The current phase's isolation, and cold-creation progress while worktrees are being made. */
	readonly isolation: IsolationInfo;
	/**
	 * What a task changed in its worktree (worktree isolation): the files with line counts and the
	 * unified patch, from its last end; undefined when nothing was recorded (shared mode, not ended).
	 */
	taskChanges(taskId: string): TaskChanges | undefined;
};

/**
 * How the engine's actors reach the run they belong to: they are made before the orchestrator
 * actor (which needs them), so they read it back through this handle once it exists.
 */
export type RunHandle = {
	/** The run's context now, or undefined before the actor exists. */
	context(): OrchestratorContext | undefined;
	send(event: OrchestratorEvent): void;
};

/** How an interactive session ends when the user pressed `e` on the plan review: the caller opens the plan file. */
export type EditPlanRequest = 'edit-plan';
