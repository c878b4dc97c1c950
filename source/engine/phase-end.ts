// The phase-end check: once no task of a phase runs, compare the workspace with its last quiet
// snapshot. A change the watcher missed and no task of the phase owns is a conflict.

import type {OrchestratorContext, OrchestratorEvent} from '../machine/types.js';
import {ownershipIndex} from '../plan/ownership.js';
import type {IgnorePredicate} from '../runner/ignore.js';
import {diffSnapshots, snapshotTree} from '../runner/file-snapshot.js';
import type {Snapshot} from '../runner/file-snapshot.js';

export type PhaseEndCheck = {
	/** Paths the watcher reported during the current phase: the check only adds the rest. */
	noteWatched(paths: Iterable<string>): void;
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
	return {
		noteWatched(paths) {
			for (const path of paths) watched.add(path);
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
				if (watched.has(change.path)) continue;
				if (index.ownersOf(change.path, context.phaseIndex).length > 0) continue;
				events.push({
					type: 'conflict.detected',
					...(culprit ? {taskId: culprit} : {suspects: ran}),
					path: change.path,
					how: 'phase-end-scan',
					changeKind: change.kind,
					at: change.at,
				});
			}
			baseline = after;
			watched = new Set();
			return events;
		},
	};
}
