// The phase-end check: once no task of a phase runs, compare the workspace with its last quiet
// snapshot. A change the watcher missed and no task of the phase owns is a conflict. When the
// live watch is whole and the kernel reported no event at all since the snapshot, nothing can
// have changed, and the scan (a walk of the whole tree) is skipped.

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
	/**
	 * Resolves once the latest baseline is taken. A phase's processes in the shared tree start only
	 * then: a write during the walk could land in the baseline and never be seen as a change.
	 */
	settled(): Promise<void>;
	/** The conflicts found since the baseline; the workspace now becomes the baseline. */
	check(context: OrchestratorContext): Promise<OrchestratorEvent[]>;
};

/**
 * Resolves once the event loop has polled for I/O after the call: events the kernel queued
 * before it are then handled. Two turns: called from an I/O callback (a task's exit), the first
 * setImmediate runs before the loop polls again; the second runs after it has.
 */
const afterPoll = (): Promise<void> => new Promise(resolve => setImmediate(() => setImmediate(resolve)));

/**
 * A check over `workspace`, inert until `ignore()` returns the run's ignore rules. `eventCount()`
 * is the live watch's count of events (undefined while there is no whole watch: then every check
 * scans).
 */
export function createPhaseEndCheck(workspace: string, ignore: () => IgnorePredicate | undefined, eventCount: () => number | undefined = () => undefined): PhaseEndCheck {
	// The workspace as of the last quiet moment: the check compares against it.
	let baseline: Snapshot = new Map();
	// The watch's event count when the baseline's walk began (undefined: unknown).
	let baselineCount: number | undefined;
	let watched = new Set<string>();
	let applied = new Set<string>();
	// The baseline being taken (resolved when none is).
	let quiet: Promise<void> = Promise.resolve();
	/** Walks the tree; the count is read before the walk, so an event during it means "scan again". */
	const snapshot = async (rules: IgnorePredicate): Promise<{snapshot: Snapshot; count: number | undefined}> => {
		const count = eventCount();
		return {snapshot: await snapshotTree(workspace, rules), count};
	};
	return {
		noteWatched(paths) {
			for (const path of paths) watched.add(path);
		},
		noteApplied(paths) {
			for (const path of paths) applied.add(path);
		},
		quietSnapshot() {
			const taking = (async () => {
				const rules = ignore();
				if (!rules) return;
				// The baseline still holds when the watch has seen nothing since it was taken (the run's
				// start, then the first phase's approval: one walk, not two).
				await afterPoll();
				if (baselineCount !== undefined && eventCount() === baselineCount) return;
				({snapshot: baseline, count: baselineCount} = await snapshot(rules));
			})();
			quiet = taking.catch(() => undefined);
			return taking;
		},
		settled() {
			return quiet;
		},
		async check(context) {
			const rules = ignore();
			if (!rules) return [];
			// A task's last writes are queued by the kernel before its exit is: once the loop has
			// polled, their events are counted.
			await afterPoll();
			if (baselineCount !== undefined && eventCount() === baselineCount) {
				watched = new Set();
				applied = new Set();
				return [];
			}
			const phaseTasks = context.plan.phases[context.phaseIndex]?.tasks ?? [];
			const {snapshot: after, count} = await snapshot(rules);
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
			baselineCount = count;
			watched = new Set();
			applied = new Set();
			return events;
		},
	};
}
