// Attribution of file changes seen by the watcher: which changes are a running task's own work,
// and which are conflicts, with the culprit or the suspects. Pure: times and plans in, verdicts out.

import {ignoredFolderGlobs} from '../plan/ignored-folders.js';
import {compileGlobs, normalizePath, ownershipIndex} from '../plan/ownership.js';
import type {OwnershipIndex} from '../plan/ownership.js';
import type {Plan} from '../plan/types.js';
import type {ChangeKind, FileChange, TaskRun} from './types.js';

/**
 * How long after a task's exit a change may still be its own: watchers report late (chokidar
 * batches and stats files), so a task that writes and exits at once must still be matched.
 */
export const LATE_EVENT_SLACK_MS = 500;

/** A change nobody running was allowed to make. */
export type ConflictCandidate = {
	/** The culprit, when exactly one task could have made the change. */
	readonly taskId?: string;
	/** Every task that could have made it (the culprit alone when known). */
	readonly suspects: readonly string[];
	readonly path: string;
	readonly changeKind: ChangeKind;
	readonly at: number;
	/** The task owning the path in any phase, if one does. */
	readonly owner?: string;
};

export type AttributionContext = {
	readonly plan: Plan;
	readonly phaseIndex: number;
	readonly tasks: Readonly<Record<string, TaskRun>>;
	/** Extra globs to ignore (the plan's `ignore:`). */
	readonly ignore?: readonly string[];
	readonly slackMs?: number;
	/** The plan's ownership index, when the caller already has one. */
	readonly index?: OwnershipIndex;
};

/** A change that belongs to a task running when it happened. */
export type OwnedChange = {readonly taskId: string; readonly path: string};

function wasActive(run: TaskRun, at: number, slackMs: number): boolean {
	if (run.startedAt === undefined || run.startedAt > at) return false;
	return run.endedAt === undefined || at <= run.endedAt + slackMs;
}

/** The tasks that had ended most recently before `at` (several when they ended together). */
function lastEnded(runs: readonly TaskRun[], at: number, slackMs: number): TaskRun[] {
	const ended = runs.filter(r => r.endedAt !== undefined && r.endedAt <= at);
	if (ended.length === 0) return [];
	const latest = Math.max(...ended.map(r => r.endedAt as number));
	return ended.filter(r => (r.endedAt as number) >= latest - slackMs);
}

/**
 * Sorts changes into owned work and conflicts. A change to a path owned by a task of the phase
 * that was running at the change's time is that task's work: the watcher cannot tell who wrote a
 * file, so the owner is assumed. Any other change is a conflict against the task running then
 * (the culprit), or all tasks running then (suspects); with none running, against the tasks that
 * ended last. A change before any task of the phase started is not fanout's business.
 * Several events for the same path and culprits make one conflict.
 */
export function assignChanges(
	changes: readonly FileChange[],
	context: AttributionContext,
): {readonly owned: readonly OwnedChange[]; readonly conflicts: readonly ConflictCandidate[]} {
	const slackMs = context.slackMs ?? LATE_EVENT_SLACK_MS;
	const index = context.index ?? ownershipIndex(context.plan);
	const ignored = compileGlobs([...ignoredFolderGlobs, ...(context.ignore ?? [])]);
	const phase = context.plan.phases[context.phaseIndex];
	const inPhase = new Set((phase?.tasks ?? []).map(t => t.id));
	// The phase's tasks, and those a decision just moved out of it (a deferred task ran here: a
	// change it made before it was stopped is still its own, not its former neighbours').
	const runs = Object.values(context.tasks).filter(r => inPhase.has(r.id) || (r.startedAt !== undefined && r.endedAt !== undefined && r.status !== 'passed' && r.phaseIndex > context.phaseIndex && r.attempts > 0));
	const owned: OwnedChange[] = [];
	const conflicts: ConflictCandidate[] = [];
	const seen = new Set<string>();
	for (const change of changes) {
		const path = normalizePath(change.path);
		if (path === '' || ignored(path)) continue;
		const active = runs.filter(r => wasActive(r, change.at, slackMs));
		const owner = active.find(r => index.owns(r.id, path));
		if (owner) {
			owned.push({taskId: owner.id, path});
			continue;
		}
		const culprits = active.length > 0 ? active : lastEnded(runs, change.at, slackMs);
		if (culprits.length === 0) continue;
		const suspects = culprits.map(r => r.id);
		const key = `${path}\u0000${suspects.join(',')}`;
		if (seen.has(key)) continue;
		seen.add(key);
		const pathOwner = index.ownerOf(path);
		conflicts.push({
			...(suspects.length === 1 ? {taskId: suspects[0]} : {}),
			suspects,
			path,
			changeKind: change.kind,
			at: change.at,
			...(pathOwner === undefined ? {} : {owner: pathOwner}),
		});
	}
	return {owned, conflicts};
}

/** The conflicts among the changes (see `assignChanges`). */
export function attributeChanges(changes: readonly FileChange[], context: AttributionContext): ConflictCandidate[] {
	return [...assignChanges(changes, context).conflicts];
}
