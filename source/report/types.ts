// The run report's shape: what `fanout report --json` prints and what the text and HTML
// renderings draw from. One document per run, built from the run folder. Times are epoch ms
// (the journal's own clock); every string that came from a task is already sanitized.

import type {RunOutcome} from '../machine/types.js';
import type {TaskStatus} from '../plan/types.js';

/** Bumped when a field changes meaning or goes away (adding fields does not bump it). */
export const REPORT_VERSION = 1;

/** A file one task changed, as isolation records it at the task's end (`task.changes` in the journal). */
export type {TaskFileChange} from '../plan/conflict.js';
import type {TaskFileChange} from '../plan/conflict.js';

/** A changed file in the report: from `task.changes` when the run had them, else only a path. */
export type ReportFile = {
	readonly path: string;
	/** null when only the path is known (watcher or agent report, no per-task tree). */
	readonly status: TaskFileChange['status'] | null;
	readonly from: string | null;
	readonly added: number | null;
	readonly removed: number | null;
	readonly binary: boolean;
};

/** One run of one task (a retried or deferred task has several). */
export type ReportAttempt = {
	readonly attempt: number;
	/** Index into `phases` of the phase run this attempt belongs to. */
	readonly phase: number;
	readonly startedAt: number;
	/** null while it ran when the journal ends (an interrupted run). */
	readonly endedAt: number | null;
	readonly status: TaskStatus;
	readonly exitCode: number | null;
	readonly reason: string | null;
	/** On the chain of waits that decided the run's length. */
	readonly critical: boolean;
};

export type ReportTask = {
	readonly id: string;
	readonly title: string | null;
	/** Name of the phase holding it in the last plan revision ('' when an edit dropped it). */
	readonly phase: string;
	/** 'command' for `run:`, else the agent's name. */
	readonly kind: string;
	readonly status: TaskStatus;
	readonly exitCode: number | null;
	readonly reason: string | null;
	/** Run time of the last attempt. */
	readonly durationMs: number | null;
	readonly attempts: readonly ReportAttempt[];
	readonly report: string | null;
	readonly costUsd: number | null;
	readonly tokens: number | null;
	readonly turns: number | null;
	readonly files: readonly ReportFile[];
	/** Workspace-relative path of the unified patch (diffs/<task>.patch), when there is one. */
	readonly diff: string | null;
	/** Workspace-relative path of the byte-exact log, when the task ran. */
	readonly log: string | null;
	/** The log's last lines, sanitized, colour removed. */
	readonly logTail: readonly string[];
};

/** A phase as it ran (or was skipped, or never reached), in run order. */
export type ReportPhase = {
	readonly index: number;
	readonly name: string;
	readonly status: 'passed' | 'failed' | 'skipped' | 'running' | 'pending';
	readonly startedAt: number | null;
	readonly endedAt: number | null;
	/** Task ids, in the order they were spawned. */
	readonly tasks: readonly string[];
};

export type ConflictSeen = 'declared' | 'watcher' | 'guard' | 'agent report' | 'phase-end scan' | 'worktree diff' | 'workspace edit';

export type ReportConflict = {
	readonly id: number;
	/** The culprit, or null when several tasks were suspects. */
	readonly task: string | null;
	readonly suspects: readonly string[];
	readonly path: string;
	readonly seen: ConflictSeen;
	readonly owner: string | null;
	readonly reason: string | null;
	readonly detectedAt: number;
	readonly decidedAt: number | null;
	readonly choice: string | null;
	/** The decision in words, or why it was dropped; null while open. */
	readonly decision: string | null;
	readonly revision: number | null;
	/** Decisions refused before the one taken. */
	readonly refused: readonly {readonly choice: string; readonly reason: string}[];
};

export type ReportRevision = {
	readonly number: number;
	readonly at: number;
	readonly decision: string;
	readonly conflict: number | null;
	/** plan.rN.yaml, workspace-relative. */
	readonly file: string;
	/** What changed from the revision before, one line each. */
	readonly changes: readonly string[];
};

/** Time the run stood still for a person (or a policy): approvals and conflict decisions. */
export type ReportWait = {
	readonly kind: 'approval' | 'conflict' | 'interrupted';
	readonly from: number;
	readonly to: number;
	readonly label: string;
};

export type ReportVerify = {
	readonly index: number;
	readonly command: string;
	readonly status: 'passed' | 'failed' | 'running' | 'pending';
	readonly exitCode: number | null;
	readonly startedAt: number | null;
	readonly endedAt: number | null;
	readonly logTail: readonly string[];
};

/** The whole report: `fanout report --json`. */
export type RunReport = {
	readonly reportVersion: typeof REPORT_VERSION;
	readonly runId: string;
	readonly runDir: string;
	readonly workspace: string;
	readonly planFile: string;
	readonly plan: {readonly name: string; readonly goal: string | null};
	/** The recorded outcome, or 'unfinished' when the journal has no run.finished. */
	readonly outcome: RunOutcome | 'unfinished';
	/** What `fanout run` exited with (null for an unfinished run). */
	readonly exitCode: number | null;
	readonly startedAt: number;
	readonly endedAt: number | null;
	readonly durationMs: number | null;
	/** Summed task time over the time phases took (see parallelSpeedup); null under 1.1x. */
	readonly speedup: number | null;
	readonly totals: {
		readonly tasks: number;
		readonly passed: number;
		readonly failed: number;
		readonly skipped: number;
		readonly other: number;
		/** null when no agent reported a cost. */
		readonly costUsd: number | null;
		readonly tokens: number | null;
	};
	readonly phases: readonly ReportPhase[];
	readonly tasks: readonly ReportTask[];
	readonly conflicts: readonly ReportConflict[];
	readonly revisions: readonly ReportRevision[];
	readonly waits: readonly ReportWait[];
	readonly verify: readonly ReportVerify[];
};
