// The shapes the git building blocks hand to the engine, the run report and the UI.

import type {TaskFileChange} from '../../plan/conflict.js';

/** One file a task changed in its worktree (defined in plan/, which every layer speaks). */
export type {TaskFileChange};

/** Where a workspace sits in its git repository. */
export type RepoFacts = {
	/** The workspace folder, absolute and with symlinks resolved. */
	readonly workspace: string;
	/** The repository's top level (the workspace itself, or a parent of it). */
	readonly top: string;
	/** The common git dir (`.git` of the main worktree), absolute: object store, refs, worktrees. */
	readonly commonDir: string;
	/** This worktree's own git dir (equals commonDir unless the workspace is a linked worktree). */
	readonly gitDir: string;
	/** The workspace relative to `top`, `/`-separated, '' at the top or 'sub/dir/' with a trailing slash. */
	readonly prefix: string;
	/** The commit HEAD points at. */
	readonly head: string;
};

/** The workspace as it was at one moment, stored as a commit that no branch points at. */
export type Snapshot = {
	readonly commit: string;
	readonly tree: string;
	/** The user's HEAD at the time (the snapshot's parent; the snapshot itself when nothing was changed). */
	readonly head: string;
	/** The ref keeping the commit alive against gc, when one was asked for. */
	readonly ref?: string;
};

/** A worktree lent to one task. */
export type Worktree = {
	/** Slot name, stable across phases and runs: `slot-1`, `slot-2`, ... */
	readonly slot: string;
	/** The worktree's top level. */
	readonly root: string;
	/** Where the task runs: the workspace's counterpart inside the worktree (root + prefix). */
	readonly cwd: string;
	/** Where the worktree's own index lives (copied, never written, when diffing). */
	readonly indexFile: string;
	/** Linked folders, relative to the repository top: symlinks into the main workspace, never part of a diff. */
	readonly linked: readonly string[];
	/** The snapshot commit it was checked out at. */
	readonly commit: string;
	/** The workspace's prefix in the repository (see RepoFacts.prefix). */
	readonly prefix: string;
};
