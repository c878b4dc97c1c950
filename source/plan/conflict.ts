// The words a run uses about files changing and ownership being crossed: a file change as the
// watcher and the scanner report it, and a conflict as the machine records it and the plan
// editor explains it. Kept in the lowest layer because the runner, the machine and the UI all
// speak them. Types only.

/**
 * How a conflict was found. Worktree isolation adds: `diff` (the task's worktree, compared with
 * the phase's snapshot when the task ended, holds a change outside its ownership: the culprit
 * is exact) and `workspace` (the user changed, in the main workspace, a file the task changed
 * in its worktree, so applying the task's work would overwrite it).
 */
export type ConflictHow = 'declared' | 'watcher' | 'blocked' | 'agent-report' | 'phase-end-scan' | 'diff' | 'workspace';

/**
 * One file a task changed in its worktree, compared with the phase's snapshot.
 * Paths are relative to the workspace and `/`-separated; a change outside a workspace that
 * is a subfolder of its repository starts with `../`.
 */
export type TaskFileChange = {
	readonly path: string;
	readonly status: 'added' | 'modified' | 'deleted' | 'renamed' | 'mode';
	/** The old path of a rename. */
	readonly from?: string;
	/** Lines added; null for a binary file. */
	readonly added: number | null;
	/** Lines removed; null for a binary file. */
	readonly removed: number | null;
	readonly binary: boolean;
};

/** What a suspect was doing when an ambiguous change happened (the evidence shown to the user). */
export type SuspectState = {
	readonly taskId: string;
	/** `running` at the time of the change, or `ended` before it. */
	readonly state: 'running' | 'ended';
	/** With `ended`: how long before the change it ended, in ms. */
	readonly endedAgoMs?: number;
	/** With `ended`: how it ended (passed, failed, ...). */
	readonly outcome?: string;
};

export type ChangeKind = 'add' | 'change' | 'unlink' | 'rename';

/** A file that appeared, changed or went, as the watcher or a tree scan saw it. */
export type FileChange = {readonly path: string; readonly kind: ChangeKind; readonly at: number};

/** A file a task needed or touched outside its ownership. */
export type Conflict = {
	readonly id: number;
	/** The culprit when known; undefined when several running tasks are suspects. */
	readonly taskId?: string;
	/** Tasks that may have made the change (all running tasks, when the watcher cannot tell). */
	readonly suspects: readonly string[];
	/** Workspace-relative, forward slashes. */
	readonly path: string;
	readonly how: ConflictHow;
	/** The worker's own words (after ` -- ` in a FANOUT-NEEDS line), or the guard's. */
	readonly reason?: string;
	/** The task that owns the path, if any (in any phase). */
	readonly owner?: string;
	readonly changeKind?: ChangeKind;
	/** Epoch ms. */
	readonly at: number;
	/**
	 * Every path of the conflict when it is about several at once (`diff`: all the task's stray
	 * changes; `workspace`: every file the user changed meanwhile); `path` is the first of them.
	 */
	readonly paths?: readonly string[];
	/**
	 * True when the task had ended and its work is held in its worktree (worktree isolation):
	 * grant applies that work without running the task again.
	 */
	readonly finished?: boolean;
	/** With several suspects: what each was doing at the time of the change. */
	readonly evidence?: readonly SuspectState[];
};
