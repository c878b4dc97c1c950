// The words a run uses about files changing and ownership being crossed: a file change as the
// watcher and the scanner report it, and a conflict as the machine records it and the plan
// editor explains it. Kept in the lowest layer because the runner, the machine and the UI all
// speak them. Types only.

/** How a conflict was found. */
export type ConflictHow = 'declared' | 'watcher' | 'blocked' | 'agent-report' | 'phase-end-scan';

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
};
