// Worktree isolation for one run: where each task works, and what becomes of its work.
//
// A task of a worktree phase runs in its own detached git worktree of a snapshot of the
// workspace (committed, uncommitted and untracked files). When its process ends, its worktree
// is compared with that snapshot: the changes are recorded (journal `task.changes`, patch in
// `<runDir>/diffs/<task>.patch`), a change outside its ownership is that task's conflict
// (exact culprit, even after it exited), its gates run inside the worktree, and its owned
// changes are applied to the main workspace, never over a file the user changed meanwhile.
// Everything that touches the main workspace goes through one queue, so a snapshot never sees
// half of an apply. Nothing of a failed, skipped or deferred task leaves its worktree.

import {execFileSync} from 'node:child_process';
import {copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, rmSync} from 'node:fs';
import {dirname, join} from 'node:path';
import type {JournalEntry} from '../machine/journal-events.js';
import type {TaskFileChange} from '../plan/conflict.js';
import {compileGlobs} from '../plan/ownership.js';
import type {Isolation, Plan, Task} from '../plan/types.js';
import {applyChanges, diffWorktree, patchPath, splitByOwnership, takeSnapshot, WorktreePool, writePatch} from '../runner/git/index.js';
import type {Snapshot, Worktree} from '../runner/git/index.js';
import {runGates} from './gates.js';

/** The isolation a driver shows: the current phase's mode, and cold-creation progress while worktrees are made. */
export type IsolationInfo = {
	readonly mode: Isolation;
	readonly progress?: {readonly done: number; readonly total: number};
};

/** Whether `workspace` is a git repository with at least one commit (synchronous: decided once, before the machine starts). */
export function hasGitCommit(workspace: string): boolean {
	try {
		execFileSync('git', ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], {cwd: workspace, stdio: 'ignore'});
		return true;
	} catch {
		return false;
	}
}

/** The isolation of phase `phaseIndex`: the phase's own, the plan's, else worktree in a git repository with a commit. */
export function phaseIsolation(plan: Plan, phaseIndex: number, git: boolean): Isolation {
	return plan.phases[phaseIndex]?.isolation ?? plan.isolation ?? (git ? 'worktree' : 'shared');
}

/** Why the plan cannot run as written: an explicit `worktree` isolation in a workspace without git history. */
export function isolationProblem(plan: Plan, git: boolean): string | undefined {
	if (git) return undefined;
	const asked = plan.isolation === 'worktree' ? 'the plan' : plan.phases.find(p => p.isolation === 'worktree')?.name;
	if (asked === undefined) return undefined;
	const where = asked === 'the plan' ? 'The plan asks' : `Phase "${asked}" asks`;
	return `${where} for isolation: worktree, but the workspace is not a git repository with a commit. Run git init and commit, or write isolation: shared.`;
}

/** What became of a task's work once its process ended. */
export type Settled =
	/** Its owned changes are in the main workspace (or it changed nothing). */
	| {readonly kind: 'applied'; readonly paths: readonly string[]}
	/** A gate failed: nothing applied. */
	| {readonly kind: 'gate-failed'; readonly reason: string}
	/** Changes outside its ownership: its conflict; nothing applied yet. */
	| {readonly kind: 'stray'; readonly paths: readonly string[]}
	/** The user changed, in the main workspace, files it changed: nothing applied. */
	| {readonly kind: 'workspace-changed'; readonly paths: readonly string[]}
	/** git failed: nothing applied. */
	| {readonly kind: 'error'; readonly reason: string};

/** A task's work kept between its end and the decision about it. */
type Held = {
	readonly tree: Worktree;
	readonly snapshot: string;
	files?: readonly TaskFileChange[];
	owned?: readonly TaskFileChange[];
	stray?: readonly TaskFileChange[];
};

export type WorktreeIsolationOptions = {
	readonly workspace: string;
	readonly runDir: string;
	/** Linked folders (the plan's `worktree.link`). */
	readonly link?: readonly string[];
	/** Writes an engine journal entry (events.jsonl and the driver). */
	readonly journal: (entry: JournalEntry) => void;
	/** Told, just before fanout writes them, the workspace-relative paths it is about to apply (not the user's edits). */
	readonly onApplied: (paths: readonly string[]) => void;
	/** Told when the isolation info changes (cold creation progress). */
	readonly onInfo?: () => void;
	/** Told about problems that do not stop the run. */
	readonly onWarning?: (message: string) => void;
};

/** Worktree isolation (see the module comment). One per run; `close` at its end. */
export class WorktreeIsolation {
	private pool: Promise<WorktreePool> | undefined;
	/** Serializes every operation that reads or writes the main workspace. */
	private queue: Promise<unknown> = Promise.resolve();
	/** The snapshot in use, until the main workspace changes (an apply). */
	private snapshot: Promise<Snapshot> | undefined;
	private readonly held = new Map<string, Held>();
	/** Records and settles under way: the run is finished only once they have written their entries. */
	private readonly inFlight = new Set<Promise<unknown>>();
	private readonly changes = new Map<string, {files: readonly TaskFileChange[]; patch: string}>();
	private progressState: {done: number; total: number} | undefined;
	private wanted = 0;
	private ready = 0;

	constructor(private readonly options: WorktreeIsolationOptions) {}

	/** Cold creation progress while worktrees are being made or moved, else undefined. */
	get progress(): {readonly done: number; readonly total: number} | undefined {
		return this.progressState;
	}

	private serial<T>(work: () => Promise<T>): Promise<T> {
		const next = this.queue.then(work, work);
		this.queue = next.catch(() => undefined);
		return next;
	}

	private openPool(): Promise<WorktreePool> {
		this.pool ??= WorktreePool.open(this.options.workspace, this.options.link ? {link: this.options.link} : {}).then(result => {
			if (!result.ok) throw new Error(result.message);
			return result.value;
		});
		return this.pool;
	}

	private currentSnapshot(pool: WorktreePool): Promise<Snapshot> {
		this.snapshot ??= this.serial(async () => {
			const taken = await takeSnapshot(this.options.workspace, {exclude: pool.linkEntries, facts: pool.facts});
			if (!taken.ok) throw new Error(`could not snapshot the workspace: ${taken.message}`);
			return taken.value;
		});
		const made = this.snapshot;
		// A failed snapshot is not kept: the next task tries again.
		made.catch(() => {
			if (this.snapshot === made) this.snapshot = undefined;
		});
		return made;
	}

	/**
	 * A worktree for `task`, checked out at the current snapshot; its earlier worktree (kept for
	 * inspection after a failure or a conflict) goes back to the pool first.
	 */
	async place(task: Task): Promise<Worktree> {
		this.discard(task.id);
		const pool = await this.openPool();
		const snapshot = await this.currentSnapshot(pool);
		this.wanted++;
		this.progressState = {done: this.ready, total: this.wanted};
		this.options.onInfo?.();
		const acquired = await pool.acquire(1, snapshot.commit);
		this.ready++;
		this.progressState = this.ready >= this.wanted ? undefined : {done: this.ready, total: this.wanted};
		if (this.progressState === undefined) {
			this.ready = 0;
			this.wanted = 0;
		}
		this.options.onInfo?.();
		if (!acquired.ok) throw new Error(`could not prepare a worktree for ${task.id}: ${acquired.message}`);
		const tree = acquired.value[0] as Worktree;
		this.held.set(task.id, {tree, snapshot: snapshot.commit});
		this.options.journal({type: 'task.worktree', at: Date.now(), taskId: task.id, slot: tree.slot, path: tree.cwd, snapshot: snapshot.commit});
		return tree;
	}

	/** The worktree `taskId` works or worked in, while it is kept. */
	treeOf(taskId: string): Worktree | undefined {
		return this.held.get(taskId)?.tree;
	}

	/** What the task changed, as recorded when it ended. */
	taskChanges(taskId: string): {readonly files: readonly TaskFileChange[]; readonly patch: string} | undefined {
		const known = this.changes.get(taskId);
		if (known) return known;
		// After a resume: the patch file of the earlier session (files then come from the journal).
		const path = patchPath(this.options.runDir, taskId);
		return existsSync(path) ? {files: [], patch: readFileSync(path, 'utf8')} : undefined;
	}

	/**
	 * Records what the task changed (patch, journal). Returns the changes split by ownership,
	 * or why they could not be read.
	 */
	/** Records a task's changes (journal `task.changes`, its patch) and splits them by ownership. */
	record(task: Task): Promise<{readonly owned: readonly TaskFileChange[]; readonly stray: readonly TaskFileChange[]} | {readonly error: string}> {
		return this.track(this.recordNow(task));
	}

	/** Resolves once every record and settle started so far is over (their journal entries written). */
	async settled(): Promise<void> {
		while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
	}

	/** Keeps `work` among the in-flight operations until it settles. */
	private track<T>(work: Promise<T>): Promise<T> {
		this.inFlight.add(work);
		void work.then(
			() => this.inFlight.delete(work),
			() => this.inFlight.delete(work),
		);
		return work;
	}

	private async recordNow(task: Task): Promise<{readonly owned: readonly TaskFileChange[]; readonly stray: readonly TaskFileChange[]} | {readonly error: string}> {
		const held = this.held.get(task.id);
		if (!held) return {error: `${task.id} has no worktree`};
		const diff = await diffWorktree(held.tree, held.snapshot);
		if (!diff.ok) return {error: `could not read what ${task.id} changed: ${diff.message}`};
		const {files, patch} = diff.value;
		try {
			writePatch(patchPath(this.options.runDir, task.id), patch);
		} catch (error) {
			this.options.onWarning?.(`could not write the patch of ${task.id}: ${error instanceof Error ? error.message : String(error)}`);
		}
		this.changes.set(task.id, {files, patch});
		this.options.journal({type: 'task.changes', at: Date.now(), task: task.id, files});
		const {owned, stray} = splitByOwnership(files, compileGlobs(task.owns));
		held.files = files;
		held.owned = owned;
		held.stray = stray;
		return {owned, stray};
	}

	/**
	 * After the task's process passed: its changes recorded, stray ones reported, gates run in
	 * its worktree, its owned changes applied to the main workspace.
	 */
	settle(task: Task, plan: Plan, logPath: string, signal: AbortSignal): Promise<Settled> {
		return this.track(this.settleNow(task, plan, logPath, signal));
	}

	private async settleNow(task: Task, plan: Plan, logPath: string, signal: AbortSignal): Promise<Settled> {
		const split = await this.recordNow(task);
		if ('error' in split) return {kind: 'error', reason: split.error};
		if (split.stray.length > 0) return {kind: 'stray', paths: strayPaths(split.stray)};
		const gates = task.gate ?? plan.gate ?? [];
		const tree = this.held.get(task.id)?.tree;
		if (gates.length > 0 && tree) {
			const failed = await runGates(gates, tree.cwd, logPath, signal);
			if (failed) return {kind: 'gate-failed', reason: failed};
		}
		if (signal.aborted) return {kind: 'error', reason: 'stopped'};
		return this.apply(task.id, split.owned, signal);
	}

	/** Applies `changes` of `taskId`'s worktree to the main workspace (all or nothing). */
	private apply(taskId: string, changes: readonly TaskFileChange[], signal?: AbortSignal): Promise<Settled> {
		const held = this.held.get(taskId);
		if (!held) return Promise.resolve({kind: 'error', reason: `${taskId} has no worktree`});
		if (changes.length === 0) {
			this.release(taskId);
			return Promise.resolve({kind: 'applied', paths: []});
		}
		this.snapshot = undefined;
		this.options.onApplied(strayPaths(changes));
		return this.serial(async () => {
			// Stopped while waiting its turn (a conflict, the run's end): its work stays in its worktree.
			if (signal?.aborted) return {kind: 'error' as const, reason: 'stopped'};
			const pool = await this.openPool();
			// Stopped while the pool opened: the same (the last moment the workspace is untouched).
			if (signal?.aborted) return {kind: 'error' as const, reason: 'stopped'};
			const result = await applyChanges(pool.facts, held.snapshot, held.tree, changes);
			if (!result.ok) {
				if (result.conflicts.length > 0) return {kind: 'workspace-changed' as const, paths: result.conflicts};
				return {kind: 'error' as const, reason: `could not apply the work of ${taskId}: ${result.message}`};
			}
			this.applied(taskId, result.applied);
			return {kind: 'applied' as const, paths: result.applied};
		});
	}

	private applied(taskId: string, paths: readonly string[]): void {
		// The next task starts from the workspace as it is now.
		this.snapshot = undefined;
		this.options.journal({type: 'task.applied', at: Date.now(), taskId, paths});
		this.release(taskId);
	}

	/**
	 * A decision accepted the task's work as it is (grant): its owned and stray changes are
	 * applied; `force` (the user chose the task's version over an edit made meanwhile in the
	 * workspace) copies the files over.
	 */
	grant(taskId: string, force: boolean): Promise<Settled> {
		// Tracked: the run is not finished (nor its journal closed) while a grant is being applied.
		return this.track(this.grantNow(taskId, force));
	}

	private grantNow(taskId: string, force: boolean): Promise<Settled> {
		const held = this.held.get(taskId);
		if (!held) return Promise.resolve({kind: 'error', reason: `${taskId} has no worktree`});
		const all = [...(held.owned ?? []), ...(held.stray ?? [])];
		if (!force) return this.apply(taskId, all);
		this.snapshot = undefined;
		this.options.onApplied(strayPaths(all));
		return this.serial(async () => {
			const pool = await this.openPool();
			const paths = copyOver(held.tree.cwd, pool.facts.workspace, all);
			this.applied(taskId, paths);
			return {kind: 'applied' as const, paths};
		});
	}

	/** The task's worktree goes back to the pool: its work is dropped (skip, defer) or applied. */
	discard(taskId: string): void {
		this.release(taskId);
	}

	private release(taskId: string): void {
		const held = this.held.get(taskId);
		if (!held) return;
		this.held.delete(taskId);
		void this.pool?.then(pool => pool.release([held.tree])).catch(() => undefined);
	}

	/** Waits for what is being applied, then releases the pool's lock (worktrees stay for the next run). */
	async close(): Promise<void> {
		await this.queue.catch(() => undefined);
		const pool = await this.pool?.catch(() => undefined);
		pool?.close();
	}
}

/** Every path a list of changes touches (a rename's both ends). */
function strayPaths(changes: readonly TaskFileChange[]): string[] {
	return [...new Set(changes.flatMap(c => (c.from === undefined ? [c.path] : [c.path, c.from])))];
}

/** Copies each changed file from `from` to `to` (or removes it there when the task deleted it). */
function copyOver(from: string, to: string, changes: readonly TaskFileChange[]): string[] {
	const paths = strayPaths(changes);
	for (const path of paths) {
		const source = join(from, path);
		const target = join(to, path);
		let present = true;
		try {
			lstatSync(source);
		} catch {
			present = false;
		}
		if (present) {
			mkdirSync(dirname(target), {recursive: true});
			copyFileSync(source, target);
		} else rmSync(target, {force: true});
	}
	return paths;
}
