// The journal's vocabulary: every entry the orchestrator emits for events.jsonl and --json, and
// the pure fold that turns a journal back into what `resume` needs. No I/O here.

import type {TaskFileChange} from '../plan/conflict.js';
import type {Plan} from '../plan/types.js';
import {landed} from './context.js';
import type {ActorEvent, Conflict, ConflictChoice, PhaseRunStatus, Revision, RunOutcome, TaskRun} from './types.js';

/** A task's report as the journal keeps it: the actor's `task.report` event, with its time. */
export type TaskReportEntry = Extract<ActorEvent, {type: 'task.report'}> & {at: number};

/** One journal line. `at` is epoch ms. */
export type JournalEntry =
	| {
			type: 'run.started';
			at: number;
			runId: string;
			planFile: string;
			workspace: string;
			plan: Plan;
			phaseIndex: number;
			/** Tasks kept from an earlier run (resume). */
			kept: readonly string[];
	  }
	| {type: 'phase.awaiting'; at: number; phaseIndex: number; name: string}
	| {type: 'phase.approved'; at: number; phaseIndex: number; all: boolean}
	| {type: 'phase.skipped'; at: number; phaseIndex: number}
	| {type: 'phase.started'; at: number; phaseIndex: number; name: string; tasks: readonly string[]}
	| {type: 'phase.retried'; at: number; phaseIndex: number; tasks: readonly string[]}
	| {type: 'phase.continued'; at: number; phaseIndex: number}
	| {type: 'phase.finished'; at: number; phaseIndex: number; status: PhaseRunStatus}
	| {type: 'task.spawned'; at: number; taskId: string; phaseIndex: number; attempt: number}
	| {type: 'task.started'; at: number; taskId: string; pid: number; attempt: number}
	| {
			type: 'task.exited';
			at: number;
			taskId: string;
			outcome: 'passed' | 'failed';
			exitCode: number | null;
			signal: string | null;
			reason?: string;
			durationMs: number;
			attempt: number;
	  }
	| TaskReportEntry
	| {type: 'task.skipped'; at: number; taskId: string; reason: string}
	| {type: 'task.stopped'; at: number; taskId: string; status: 'stopped' | 'conflicted'; reason: string}
	| {type: 'conflict.detected'; at: number; conflict: Conflict}
	| {type: 'conflict.refused'; at: number; conflictId: number; choice: ConflictChoice; reason: string}
	| {
			type: 'conflict.decided';
			at: number;
			conflictId: number;
			choice: ConflictChoice;
			taskId?: string;
			/** The revision the decision made, if it changed the plan. */
			revision?: number;
			/** In words, as shown to the user. */
			decision: string;
	  }
	| {type: 'conflict.dropped'; at: number; conflictId: number; reason: string}
	| {type: 'revision.created'; at: number; number: number; decision: string; conflictId?: number; plan: Plan}
	| {type: 'verify.started'; at: number; index: number; command: string}
	| {type: 'verify.exited'; at: number; index: number; command: string; exitCode: number | null; status: 'passed' | 'failed'}
	| {type: 'run.finished'; at: number; outcome: RunOutcome; signal?: string}
	/** Worktree isolation, written by the engine: the task's worktree (for inspection and resume). */
	| {type: 'task.worktree'; at: number; taskId: string; slot: string; path: string; snapshot: string}
	/** Worktree isolation, written by the engine when a task ends: what it changed (patch in diffs/<task>.patch). */
	| {type: 'task.changes'; at: number; task: string; files: readonly TaskFileChange[]}
	/** Worktree isolation: the task's owned changes reached the main workspace. */
	| {type: 'task.applied'; at: number; taskId: string; paths: readonly string[]};

/** What `resume` needs from a journal. */
export type JournalState = {
	/** The plan of the latest revision (the plan as started when there was none). */
	readonly plan?: Plan;
	readonly revisions: readonly Revision[];
	/** The last known result of each task that ran or was skipped. */
	readonly tasks: Readonly<Record<string, TaskRun>>;
	/** The phase that was running or awaiting approval last: where to start again. */
	readonly phaseIndex: number;
	/** Conflicts detected and not decided. */
	readonly openConflicts: readonly Conflict[];
	/** One more than the highest conflict id seen (for the resumed machine's input). */
	readonly nextConflictId: number;
	readonly finished?: {readonly outcome: RunOutcome; readonly signal?: string};
};

const blankRun = (id: string, phaseIndex: number): TaskRun => ({id, phaseIndex, status: 'pending', attempts: 0, changedFiles: []});

/**
 * Folds journal entries into the state `resume` rebuilds from. A task still running at the end
 * of the journal was interrupted: it comes back as `stopped`, to be run again.
 */
export function foldJournal(entries: readonly JournalEntry[]): JournalState {
	let plan: Plan | undefined;
	const revisions: Revision[] = [];
	const tasks = new Map<string, TaskRun>();
	let phaseIndex = 0;
	let open: Conflict[] = [];
	let nextConflictId = 1;
	let finished: JournalState['finished'];
	const phaseOf = (taskId: string) => {
		const index = plan?.phases.findIndex(p => p.tasks.some(t => t.id === taskId)) ?? -1;
		return index >= 0 ? index : (tasks.get(taskId)?.phaseIndex ?? 0);
	};
	const update = (taskId: string, patch: Partial<TaskRun>) => {
		const run = tasks.get(taskId) ?? blankRun(taskId, phaseOf(taskId));
		tasks.set(taskId, {...run, ...patch});
	};
	for (const entry of entries) {
		switch (entry.type) {
			case 'run.started': {
				// A resumed run starts again with the latest revision, which is already recorded.
				if (revisions.length === 0) {
					plan = entry.plan;
					revisions.push({number: 1, decision: 'the plan as started', plan: entry.plan});
				}
				phaseIndex = entry.phaseIndex;
				finished = undefined;
				open = [];
				break;
			}
			case 'revision.created': {
				plan = entry.plan;
				revisions.push({
					number: entry.number,
					decision: entry.decision,
					plan: entry.plan,
					...(entry.conflictId === undefined ? {} : {conflictId: entry.conflictId}),
				});
				for (const run of tasks.values()) tasks.set(run.id, {...run, phaseIndex: phaseOf(run.id)});
				break;
			}
			case 'phase.awaiting':
			case 'phase.started':
			case 'phase.retried': {
				phaseIndex = entry.phaseIndex;
				break;
			}
			case 'task.spawned': {
				update(entry.taskId, {status: 'running', attempts: entry.attempt, startedAt: entry.at, endedAt: undefined});
				break;
			}
			case 'task.started': {
				update(entry.taskId, {status: 'running', pid: entry.pid, attempts: entry.attempt});
				break;
			}
			case 'task.exited': {
				update(entry.taskId, {
					status: entry.outcome,
					exitCode: entry.exitCode,
					signal: entry.signal,
					reason: entry.reason,
					endedAt: entry.at,
				});
				break;
			}
			case 'task.report': {
				const {type: _type, at: _at, taskId, ...report} = entry;
				const before = tasks.get(taskId)?.changedFiles ?? [];
				update(taskId, {...report, changedFiles: [...new Set([...before, ...(report.changedFiles ?? [])])]});
				break;
			}
			case 'task.skipped': {
				update(entry.taskId, {status: 'skipped', reason: entry.reason});
				break;
			}
			case 'task.stopped': {
				update(entry.taskId, {status: entry.status, reason: entry.reason, endedAt: entry.at});
				break;
			}
			case 'task.applied': {
				// Its work is in the workspace: it passed, even when the run stopped it meanwhile.
				const run = tasks.get(entry.taskId);
				if (run) tasks.set(entry.taskId, landed(run));
				break;
			}
			case 'conflict.detected': {
				open.push(entry.conflict);
				nextConflictId = Math.max(nextConflictId, entry.conflict.id + 1);
				break;
			}
			case 'conflict.dropped':
			case 'conflict.decided': {
				open = open.filter(c => c.id !== entry.conflictId);
				break;
			}
			case 'run.finished': {
				finished = {outcome: entry.outcome, ...(entry.signal === undefined ? {} : {signal: entry.signal})};
				break;
			}
			default:
				break;
		}
	}
	for (const run of tasks.values()) {
		if (run.status === 'running') tasks.set(run.id, {...run, status: 'stopped', reason: 'interrupted'});
	}
	return {
		...(plan === undefined ? {} : {plan}),
		revisions,
		tasks: Object.fromEntries(tasks),
		phaseIndex,
		openConflicts: open,
		nextConflictId,
		...(finished === undefined ? {} : {finished}),
	};
}
