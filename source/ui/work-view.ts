// What the screens know about the tasks' work and the run's isolation: the shapes the engine
// hands over (declared here as the UI's view of them; data arrives as props from tui.tsx) and
// the pure words and numbers made from them (changed files with +/-, what each suspect of a
// conflict was doing, which tasks a decision starts again).

import type {TaskFileChange} from '../runner/git/types.js';
import type {Conflict, TaskRun} from '../machine/types.js';
import type {Plan, TaskStatus} from '../plan/types.js';
import {formatClock} from './format.js';

export type {TaskFileChange};

/** A task's changes: one record per file, and the unified patch (task output: untrusted). */
export type TaskChanges = {readonly files: readonly TaskFileChange[]; readonly patch: string};

/** Looks up a task's recorded changes; undefined until the engine recorded them. */
export type TaskChangesLookup = (taskId: string) => TaskChanges | undefined;

/** Where tasks work: a git worktree each, or the one shared working tree. */
export type IsolationView = {
	readonly mode: 'worktree' | 'shared';
	/** Set while worktrees are being created (cold start of a phase). */
	readonly progress?: {readonly done: number; readonly total: number};
};

/** Reads the isolation now (it changes while worktrees are prepared). */
export type IsolationLookup = () => IsolationView | undefined;

/** "+12 -3", "binary", "" for a record with nothing counted. */
export function lineCounts(change: TaskFileChange): string {
	if (change.binary) return 'binary';
	return `+${change.added ?? 0} -${change.removed ?? 0}`;
}

/** Totals over a task's files: "3 files +40 -2". */
export function changeTotals(files: readonly TaskFileChange[]): string {
	const added = files.reduce((sum, f) => sum + (f.added ?? 0), 0);
	const removed = files.reduce((sum, f) => sum + (f.removed ?? 0), 0);
	return `${files.length} ${files.length === 1 ? 'file' : 'files'} +${added} -${removed}`;
}

/** One changed file in words: "src/a.ts +3 -1", "src/b.ts (deleted) -20", "x (renamed from y)". */
export function fileWords(change: TaskFileChange): string {
	const what = change.status === 'modified' ? '' : change.status === 'renamed' && change.from ? ` (renamed from ${change.from})` : ` (${change.status})`;
	return `${change.path}${what} ${lineCounts(change)}`;
}

/** The isolation line of the review and approval screens. */
export function isolationWords(isolation: IsolationView | undefined): string | undefined {
	if (!isolation) return undefined;
	if (isolation.mode === 'worktree') {
		const progress = isolation.progress ? ` · preparing worktrees ${isolation.progress.done}/${isolation.progress.total}` : '';
		return `isolation: worktree (each task in its own git worktree; a stray write has one author)${progress}`;
	}
	return 'isolation: shared (one working tree; in a git repo with a commit, isolation: worktree names culprits exactly)';
}

/** What one suspect was doing when the conflict's change happened. */
export type SuspectEvidence = {
	readonly taskId: string;
	readonly running: boolean;
	/** When it had ended: how long before the change (ms). */
	readonly endedBeforeMs?: number;
};

/**
 * The evidence the engine attached to the conflict (`evidence`, shared mode), read leniently;
 * otherwise worked out from the tasks' start and end times around the change.
 */
export function suspectEvidence(conflict: Conflict, tasks: Readonly<Record<string, TaskRun>>): readonly SuspectEvidence[] {
	const given = (conflict as Conflict & {readonly evidence?: unknown}).evidence;
	if (Array.isArray(given)) {
		const read = given.flatMap((item: unknown): SuspectEvidence[] => {
			if (typeof item !== 'object' || item === null) return [];
			const record = item as Record<string, unknown>;
			const taskId = record['taskId'] ?? record['task'];
			if (typeof taskId !== 'string') return [];
			const running = record['running'] === true || record['status'] === 'running' || record['state'] === 'running';
			const ago = record['endedBeforeMs'] ?? record['endedAgoMs'] ?? record['agoMs'];
			const endedAt = record['endedAt'];
			const endedBeforeMs = typeof ago === 'number' ? ago : typeof endedAt === 'number' ? conflict.at - endedAt : undefined;
			return [{taskId, running, ...(running || endedBeforeMs === undefined ? {} : {endedBeforeMs})}];
		});
		if (read.length > 0) return read;
	}
	return conflict.suspects.map(taskId => {
		const run = tasks[taskId];
		const endedAt = run?.endedAt;
		const running = endedAt === undefined || endedAt >= conflict.at;
		return {taskId, running, ...(running || endedAt === undefined ? {} : {endedBeforeMs: conflict.at - endedAt})};
	});
}

/** "running at the time", "ended 00:04 before". */
export function evidenceWords(evidence: SuspectEvidence): string {
	if (evidence.running) return 'running at the time';
	return evidence.endedBeforeMs === undefined ? 'not running at the time' : `ended ${formatClock(evidence.endedBeforeMs)} before`;
}

/** What happens to the partial changes of the tasks that start again, by isolation. */
export function partialChangesWords(mode: IsolationView['mode'] | undefined): string {
	return mode === 'worktree'
		? 'partial changes: none kept (a task that starts again gets a fresh worktree)'
		: 'partial changes stay in the working tree: the task starts on top of them';
}

/** The tasks of the phases before `phaseIndex` that changed files, in plan order. */
export function earlierTasks(plan: Plan, phaseIndex: number): readonly string[] {
	return plan.phases.slice(0, phaseIndex).flatMap(phase => phase.tasks.map(task => task.id));
}

/** Why a task's diff has nothing to show, in words. */
export function missingChangesWords(taskId: string, status: TaskStatus | undefined, mode: IsolationView['mode'] | undefined): string {
	if (status === undefined || status === 'pending') return `${taskId} has not run yet: nothing changed.`;
	if (status === 'running') return `${taskId} is still running: its changes are recorded when it ends.`;
	if (mode === 'worktree') return `No changes recorded for ${taskId}.`;
	return `Changes unknown: in shared mode without git, fanout records no diff for ${taskId}.`;
}
