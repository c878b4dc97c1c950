// The orchestrator's contract: its context, the events it takes and the inputs of the actors
// it spawns. Shared by the machine, the runner's real actors, the headless reporter and the UI.
// No node, react or ink imports here.

import type {Plan, Task, TaskStatus, ValidationReport} from '../plan/types.js';

import type {ChangeKind, Conflict, ConflictHow, FileChange} from '../plan/conflict.js';

// Shared with the runner and the UI, so they live in plan/ (the lowest layer).
export type {ChangeKind, Conflict, ConflictHow, FileChange};

/** Per-task state during a run. */
export type TaskRun = {
	readonly id: string;
	readonly phaseIndex: number;
	readonly status: TaskStatus;
	readonly attempts: number;
	readonly pid?: number;
	readonly startedAt?: number;
	readonly endedAt?: number;
	readonly exitCode?: number | null;
	readonly signal?: string | null;
	/** Why it failed, was stopped or skipped, in plain words ("exit code 2", "timed out after 10s", ...). */
	readonly reason?: string;
	/** Completion report: the agent's final message or the last lines printed. */
	readonly report?: string;
	readonly costUsd?: number;
	readonly tokens?: number;
	readonly turns?: number;
	readonly sessionId?: string;
	/** Files the task changed, as far as fanout saw (watcher, agent reports). */
	readonly changedFiles: readonly string[];
};

export type PhaseRunStatus = 'pending' | 'running' | 'passed' | 'failed' | 'skipped';

export type VerifyRun = {
	readonly index: number;
	readonly command: string;
	readonly status: 'pending' | 'running' | 'passed' | 'failed' | 'skipped';
	readonly exitCode?: number | null;
	readonly startedAt?: number;
	readonly endedAt?: number;
};

/** One plan revision made during a run (revision 1 is the plan as started). */
export type Revision = {
	readonly number: number;
	/** In words: "defer db-logging (needs src/shared/logger.ts)". */
	readonly decision: string;
	readonly conflictId?: number;
	readonly plan: Plan;
};

export type RunOutcome = 'passed' | 'failed' | 'aborted' | 'conflict' | 'interrupted';

export type OrchestratorContext = {
	readonly runId: string;
	readonly plan: Plan;
	readonly planFile: string;
	readonly workspace: string;
	readonly report: ValidationReport;
	readonly revisions: readonly Revision[];
	readonly phaseIndex: number;
	readonly phases: readonly PhaseRunStatus[];
	readonly tasks: Readonly<Record<string, TaskRun>>;
	/** Open conflicts, oldest first; the first is the one being decided. */
	readonly conflicts: readonly Conflict[];
	/** Why the last decision was refused, shown in the conflict prompt. */
	readonly refusal?: string;
	readonly nextConflictId: number;
	readonly approveAll: boolean;
	readonly maxParallel: number;
	readonly verify: readonly VerifyRun[];
	/** When the run's clock started: the first approval (before it, when the machine was made). */
	readonly startedAt: number;
	/** The first approval's time; until then the run's clock shows 0 (reading the plan is not run time). */
	readonly firstApprovedAt?: number;
	/** Set when this run continues an interrupted one (`fanout resume`): where it picks up, what it keeps. */
	readonly resumed?: {readonly phaseIndex: number; readonly kept: readonly string[]};
	readonly endedAt?: number;
	readonly outcome?: RunOutcome;
	/** The signal that stopped the run, if one did. */
	readonly signal?: 'SIGINT' | 'SIGTERM' | 'SIGHUP';
};

/** Input of the orchestrator machine. */
export type OrchestratorInput = {
	readonly runId: string;
	readonly plan: Plan;
	readonly planFile: string;
	readonly workspace: string;
	readonly report: ValidationReport;
	readonly maxParallel?: number;
	/** Task results restored from a journal by `resume`: passed tasks are kept. */
	readonly restored?: Readonly<Record<string, TaskRun>>;
	/** Phase to start at when resuming. */
	readonly startPhase?: number;
	/** Revisions restored from a journal by `resume`; the last one's plan is `plan`. */
	readonly revisions?: readonly Revision[];
	/** First conflict id to use when resuming, so ids stay unique in the run's journal. */
	readonly nextConflictId?: number;
	/**
	 * Conflicts left open when the run stopped (from the journal, by `resume`). Those held by a
	 * task of the start phase come back queued: their tasks wait, and once the phase is approved
	 * the prompt asks again before they run.
	 */
	readonly openConflicts?: readonly Conflict[];
	/**
	 * When true, a phase ends only after the watcher answered a `phase.scan` request (sent to it
	 * once no task of the phase runs) with `phase.scanned`: the check that catches what events missed.
	 */
	readonly phaseEndScan?: boolean;
};

/** What the orchestrator sends the `watcher` actor (its callback's `receive`). */
export type WatcherRequest = {type: 'phase.scan'; phaseIndex: number};

/** Input of the `task` actor: one process (command or agent) for one task. */
export type TaskActorInput = {
	readonly task: Task;
	readonly plan: Plan;
	readonly phaseIndex: number;
	readonly attempt: number;
	readonly workspace: string;
	readonly runId: string;
};

/** Input of the `verify` actor: one verify command. */
export type VerifyActorInput = {
	readonly index: number;
	readonly command: string;
	readonly workspace: string;
	readonly runId: string;
};

/** Input of the `watcher` actor: watches the workspace while a phase runs. */
export type WatcherActorInput = {
	readonly workspace: string;
	readonly plan: Plan;
	readonly phaseIndex: number;
};

export type ConflictChoice = 'grant' | 'defer' | 'skip' | 'edit' | 'abort';

/** Events the actors send back to the machine. */
export type ActorEvent =
	| {type: 'task.started'; taskId: string; pid: number; at: number}
	| {
			type: 'task.exited';
			taskId: string;
			/** passed = exit 0; failed = non-zero, signal, timeout, could not start. */
			outcome: 'passed' | 'failed';
			exitCode: number | null;
			signal: string | null;
			reason?: string;
			at: number;
	  }
	| {
			type: 'task.report';
			taskId: string;
			report?: string;
			costUsd?: number;
			tokens?: number;
			turns?: number;
			sessionId?: string;
			changedFiles?: readonly string[];
	  }
	| {
			type: 'conflict.detected';
			taskId?: string;
			suspects?: readonly string[];
			path: string;
			how: ConflictHow;
			reason?: string;
			changeKind?: ChangeKind;
			at: number;
			/** Every path, when the conflict is about several (see Conflict.paths). */
			paths?: readonly string[];
			/** The task had ended; its work waits in its worktree (see Conflict.finished). */
			finished?: boolean;
	  }
	| {
			type: 'fs.changed';
			changes: readonly FileChange[];
			/** How the changes were found: live events (default) or the phase-end scan. */
			how?: 'watcher' | 'phase-end-scan';
	  }
	| {type: 'phase.scanned'; phaseIndex: number; at: number}
	| {type: 'verify.started'; index: number; at: number}
	| {type: 'verify.exited'; index: number; exitCode: number | null; at: number};

/** Events from the user (UI keys) or the headless driver. */
export type UserEvent =
	| {type: 'plan.start'}
	| {type: 'phase.approve'}
	| {type: 'phase.approveAll'}
	| {type: 'phase.skip'}
	| {type: 'task.stop'; taskId: string}
	| {type: 'task.retry'; taskId: string}
	| {type: 'failed.retry'}
	| {type: 'failed.continue'}
	/** Stop after a failed phase (headless without --keep-going): the run fails, the rest is skipped. */
	| {type: 'failed.stop'}
	| {
			type: 'conflict.decide';
			choice: ConflictChoice;
			/** With several suspects: the one the user named as culprit. */
			taskId?: string;
			/** With `edit`: the plan as the user edited it. */
			plan?: Plan;
	  }
	| {type: 'run.abort'}
	| {type: 'run.signal'; signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP'}
	/** The terminal was lent to the user's editor for `ms`: that time does not count against running tasks. */
	| {type: 'clock.paused'; ms: number};

export type OrchestratorEvent = ActorEvent | UserEvent;

// The states the UI and drivers switch on are derived from the statechart itself.
export type {OrchestratorState} from './state.js';
