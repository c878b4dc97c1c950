// The phase-end check: once no task of a phase runs, compare the workspace with its last quiet
// snapshot. A change the watcher missed and no task of the phase owns is a conflict.

import type {OrchestratorContext, OrchestratorEvent, TaskRun} from '../machine/types.js';
import {ownershipIndex} from '../plan/ownership.js';
import type {IgnorePredicate} from '../runner/ignore.js';
import {diffSnapshots, snapshotTree} from '../runner/file-snapshot.js';
import type {Snapshot} from '../runner/file-snapshot.js';

/** Slack for file times (coarse mtimes, a write finishing as its process exits). */
const MTIME_SLACK_MS = 50;

/** Whether the task was running at `at` (epoch ms). */
function wasRunning(run: TaskRun | undefined, at: number): boolean {
	if (run?.startedAt === undefined || run.startedAt > at + MTIME_SLACK_MS) return false;
	return run.endedAt === undefined || at <= run.endedAt + MTIME_SLACK_MS;
}

export type PhaseEndCheck = {
	/** Paths the watcher reported during the current phase: the check only adds the rest. */
	noteWatched(paths: Iterable<string>): void;
	/** Paths fanout itself wrote (a task's work applied from its worktree): never a conflict. */
	noteApplied(paths: Iterable<string>): void;
	/** Takes the workspace as of now (run start, awaiting approval) as the baseline. */
	quietSnapshot(): Promise<void>;
	/** The conflicts found since the baseline; the workspace now becomes the baseline. */
	check(context: OrchestratorContext): Promise<OrchestratorEvent[]>;
};

/** A check over `workspace`, inert until `ignore()` returns the run's ignore rules. */
export function createPhaseEndCheck(workspace: string, ignore: () => IgnorePredicate | undefined): PhaseEndCheck {
	// The workspace as of the last quiet moment: the check compares against it.
	let baseline: Snapshot = new Map();
	let watched = new Set<string>();
	let applied = new Set<string>();
	return {
		noteWatched(paths) {
			for (const path of paths) watched.add(path);
		},
		noteApplied(paths) {
			for (const path of paths) applied.add(path);
		},
		async quietSnapshot() {
			const rules = ignore();
			if (rules) baseline = await snapshotTree(workspace, rules);
		},
		async check(context) {
			const rules = ignore();
			if (!rules) return [];
			const phaseTasks = context.plan.phases[context.phaseIndex]?.tasks ?? [];
			const after = await snapshotTree(workspace, rules);
			const index = ownershipIndex(context.plan);
			// Suspects: every task that ran in the phase (or the one, if one ran).
			const ran = phaseTasks.map(t => t.id).filter(id => context.tasks[id]?.startedAt !== undefined);
			const culprit = ran.length === 1 ? ran[0] : undefined;
			const events: OrchestratorEvent[] = [];
			for (const change of diffSnapshots(baseline, after)) {
				if (applied.has(change.path)) continue;
				// When the file was written, as far as the disk says (a deletion has no time left).
				const at = after.get(change.path)?.mtimeMs ?? change.at;
				const owners = index.ownersOf(change.path, context.phaseIndex).filter(id => phaseTasks.some(t => t.id === id));
				if (owners.length > 0) {
					// An owned file is its owner's work only if the owner was running when it changed;
					// written while the owner was not, it is another task's (or the user's) doing.
					if (owners.some(id => wasRunning(context.tasks[id], at))) continue;
				} else if (watched.has(change.path)) continue;
				const active = ran.filter(id => !owners.includes(id) && wasRunning(context.tasks[id], at));
				const suspects = active.length > 0 ? active : ran.filter(id => !owners.includes(id));
				const only = suspects.length === 1 ? suspects[0] : culprit !== undefined && !owners.includes(culprit) ? culprit : undefined;
				events.push({
					type: 'conflict.detected',
					...(only ? {taskId: only} : {suspects}),
					path: change.path,
					how: 'phase-end-scan',
					changeKind: change.kind,
					at,
				});
			}
			baseline = after;
			watched = new Set();
			applied = new Set();
			return events;
		},
	};
}
