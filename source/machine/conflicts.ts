// Conflicts inside the orchestrator: opening one (stopping the culprit), turning watcher events
// into conflicts, and applying the user's decision as a validated plan revision. Pure steps on a Draft.

import {normalizePath, ownershipIndex} from '../plan/ownership.js';
import {deferTask, findTask, grantPath, skipTask} from '../plan/revise.js';
import type {Plan} from '../plan/types.js';
import {assignChanges} from './attribute.js';
import {heldBy} from './context.js';
import type {Draft} from './draft.js';
import type {SuspectState} from '../plan/conflict.js';
import type {ChangeKind, Conflict, ConflictChoice, ConflictHow, FileChange, PhaseRunStatus, TaskRun} from './types.js';

/** What opens a conflict: an actor's `conflict.detected`, or an attributed watcher change. */
export type ConflictReport = {
	readonly taskId?: string;
	readonly suspects?: readonly string[];
	readonly path: string;
	readonly how: ConflictHow;
	readonly reason?: string;
	readonly changeKind?: ChangeKind;
	readonly at: number;
	readonly paths?: readonly string[];
	readonly finished?: boolean;
};

const sameCulprits = (a: Conflict, taskId: string | undefined, suspects: readonly string[]) =>
	a.taskId === taskId && a.suspects.join(',') === suspects.join(',');

/** Ways in which the culprit really wrote the file (a declared need or a blocked write did not). */
const WROTE: readonly ConflictHow[] = ['watcher', 'agent-report', 'phase-end-scan', 'diff'];

/** Ways in which a task only asked for a file: asking for one it owns is no conflict. */
const ASKED: readonly ConflictHow[] = ['declared', 'blocked'];

/** What each suspect was doing at `at`: the evidence of an ambiguous change. */
export function suspectEvidence(tasks: Readonly<Record<string, TaskRun>>, suspects: readonly string[], at: number): SuspectState[] {
	return suspects.map(taskId => {
		const run = tasks[taskId];
		if (!run || run.endedAt === undefined || run.endedAt >= at || run.status === 'running') return {taskId, state: 'running'};
		return {taskId, state: 'ended', endedAgoMs: Math.max(0, at - run.endedAt), outcome: run.status};
	});
}

/**
 * Queues a conflict and stops whoever may be writing outside ownership: the culprit, or every
 * running suspect when the culprit is unknown (they would otherwise go on writing meanwhile).
 */
export function raiseConflict(d: Draft, report: ConflictReport): void {
	const path = normalizePath(report.path);
	// A task asking for a file it owns (a repeated FANOUT-NEEDS after a grant or a defer) needs
	// nothing: raising it would let a decision produce the same conflict again, for ever.
	if (report.taskId !== undefined && ASKED.includes(report.how) && ownershipIndex(d.ctx.plan).owns(report.taskId, path)) return;
	let suspects = report.suspects ?? (report.taskId === undefined ? [] : [report.taskId]);
	if (suspects.length === 0 && report.taskId === undefined) {
		suspects = Object.values(d.ctx.tasks)
			.filter(r => r.status === 'running')
			.map(r => r.id);
	}
	const taskId = report.taskId ?? (suspects.length === 1 ? suspects[0] : undefined);
	if (taskId !== undefined && !suspects.includes(taskId)) suspects = [taskId, ...suspects];
	if (d.ctx.conflicts.some(c => c.path === path && sameCulprits(c, taskId, suspects))) return;
	const owner = ownershipIndex(d.ctx.plan).ownerOf(path);
	const conflict: Conflict = {
		id: d.ctx.nextConflictId,
		...(taskId === undefined ? {} : {taskId}),
		suspects,
		path,
		how: report.how,
		...(report.reason === undefined ? {} : {reason: report.reason}),
		...(owner === undefined ? {} : {owner}),
		...(report.changeKind === undefined ? {} : {changeKind: report.changeKind}),
		at: report.at,
		...(report.paths && report.paths.length > 1 ? {paths: report.paths.map(normalizePath)} : {}),
		...(report.finished ? {finished: true} : {}),
		...(taskId === undefined && suspects.length > 1 ? {evidence: suspectEvidence(d.ctx.tasks, suspects, report.at)} : {}),
	};
	d.set({conflicts: [...d.ctx.conflicts, conflict], nextConflictId: d.ctx.nextConflictId + 1});
	const held = taskId === undefined ? suspects : [taskId];
	for (const id of held) {
		const run = d.task(id);
		// A task that passed keeps its result: its work is done, and a decision may accept the change as part of it.
		if (!run || run.status === 'skipped' || run.status === 'conflicted' || run.status === 'passed') continue;
		if (run.status !== 'running' && taskId === undefined) continue;
		d.stopTask(
			id,
			'conflicted',
			taskId === undefined ? `stopped: a suspect of the change to ${path}` : `needs ${path}, which it does not own`,
		);
	}
	if (taskId !== undefined && WROTE.includes(report.how)) addChangedFiles(d, taskId, conflict.paths ?? [path]);
	d.emit({type: 'conflict.detected', at: d.now, conflict});
}

function addChangedFiles(d: Draft, taskId: string, paths: readonly string[]): void {
	const run = d.task(taskId);
	if (!run) return;
	const fresh = paths.filter(p => !run.changedFiles.includes(p));
	if (fresh.length > 0) d.patchTask(taskId, {changedFiles: [...run.changedFiles, ...fresh]});
}

/** Files changed on disk: owned ones are credited to their task, the rest open conflicts. */
export function recordChanges(d: Draft, changes: readonly FileChange[], how: ConflictHow = 'watcher'): void {
	const {owned, conflicts} = assignChanges(changes, {
		plan: d.ctx.plan,
		phaseIndex: d.ctx.phaseIndex,
		tasks: d.ctx.tasks,
		ignore: d.ctx.plan.ignore,
	});
	const byTask = new Map<string, string[]>();
	for (const {taskId, path} of owned) byTask.set(taskId, [...(byTask.get(taskId) ?? []), path]);
	for (const [taskId, paths] of byTask) addChangedFiles(d, taskId, paths);
	for (const c of conflicts) {
		raiseConflict(d, {
			...(c.taskId === undefined ? {} : {taskId: c.taskId}),
			suspects: c.suspects,
			path: c.path,
			how,
			changeKind: c.changeKind,
			at: c.at,
		});
	}
}

/** A `conflict.decide` event's payload. */
export type Decision = {readonly choice: ConflictChoice; readonly taskId?: string; readonly plan?: Plan};

function refuse(d: Draft, conflict: Conflict, choice: ConflictChoice, reason: string): void {
	d.set({refusal: reason});
	d.emit({type: 'conflict.refused', at: d.now, conflictId: conflict.id, choice, reason});
}

function firstErrors(d: Draft, plan: Plan): string | undefined {
	const report = d.validate(plan);
	if (report.valid && report.errors.length === 0) return undefined;
	const [first] = report.errors;
	const more = report.errors.length > 1 ? ` (and ${report.errors.length - 1} more)` : '';
	return `The revised plan is not valid: ${first?.message ?? 'validation failed'}${more}`;
}

/** Checks an edited plan keeps what is already under way where it is. */
function editProblem(d: Draft, plan: Plan): string | undefined {
	const index = d.ctx.phaseIndex;
	if (plan.phases.length <= index) return `The edited plan must keep phase ${index + 1}, which is under way.`;
	for (const run of Object.values(d.ctx.tasks)) {
		if (run.status !== 'running') continue;
		const at = findTask(plan, run.id);
		if (!at || at.phaseIndex !== index) return `${run.id} is still running: keep it in phase ${index + 1}.`;
	}
	return undefined;
}

/** Grants every path to the task (one revision); the plan itself when it owns them all already. */
function grantPaths(plan: Plan, taskId: string, paths: readonly string[]): ReturnType<typeof grantPath> {
	let current = plan;
	for (const path of paths) {
		const result = grantPath(current, taskId, path);
		if (!result.ok) return result;
		current = result.plan;
	}
	return {ok: true, plan: current};
}

/** The task's finished work is accepted by a grant: it counts as passed, as when it ended. */
function acceptWork(d: Draft, taskId: string, conflict: Conflict): void {
	const run = d.task(taskId);
	if (!run || run.status === 'passed') return;
	const endedAt = run.endedAt ?? conflict.at;
	d.patchTask(taskId, {status: 'passed', reason: undefined, exitCode: 0, signal: null, endedAt});
	d.emit({
		type: 'task.exited',
		at: d.now,
		taskId,
		outcome: 'passed',
		exitCode: 0,
		signal: null,
		reason: 'its work was accepted by your grant',
		durationMs: Math.max(0, endedAt - (run.startedAt ?? endedAt)),
		attempt: run.attempts,
	});
}

/** Applies a new plan revision: phase list and task runs follow the new plan. */
function adopt(d: Draft, plan: Plan, decision: string, conflictId: number): number {
	const number = d.ctx.revisions.length + 1;
	const old = d.ctx;
	const tasks: Record<string, TaskRun> = {};
	plan.phases.forEach((phase, phaseIndex) => {
		for (const task of phase.tasks) {
			const run = old.tasks[task.id];
			tasks[task.id] = run ? {...run, phaseIndex} : {id: task.id, phaseIndex, status: 'pending', attempts: 0, changedFiles: []};
		}
	});
	// Runs of tasks dropped by an edit stay for the summary when they did anything.
	for (const run of Object.values(old.tasks)) {
		if (!tasks[run.id] && run.status !== 'pending') tasks[run.id] = run;
	}
	const phases = plan.phases.map((_, i): PhaseRunStatus => (i <= old.phaseIndex ? (old.phases[i] ?? 'pending') : 'pending'));
	d.set({
		plan,
		tasks,
		phases,
		revisions: [...old.revisions, {number, decision, conflictId, plan}],
	});
	d.emit({type: 'revision.created', at: d.now, number, decision, conflictId, plan});
	return number;
}

/**
 * Applies the user's decision on the oldest open conflict. Refusals leave the conflict open with
 * `refusal` set; `abort` is the machine's own transition and never reaches here.
 */
export function decideConflict(d: Draft, decision: Decision): void {
	const conflict = d.ctx.conflicts[0];
	if (!conflict) return;
	const {choice} = decision;
	let culprit = conflict.taskId;
	if (culprit === undefined) {
		if (decision.taskId !== undefined && !conflict.suspects.includes(decision.taskId)) {
			return refuse(d, conflict, choice, `${decision.taskId} is not a suspect: pick one of ${conflict.suspects.join(', ')}.`);
		}
		culprit = decision.taskId ?? (conflict.suspects.length === 1 ? conflict.suspects[0] : undefined);
	}
	if (culprit === undefined && (choice === 'grant' || choice === 'defer' || choice === 'skip')) {
		return refuse(d, conflict, choice, `Say which task made the change first: one of ${conflict.suspects.join(', ')}.`);
	}
	let revision: number | undefined;
	let words: string;
	const paths = conflict.paths ?? [conflict.path];
	// Work that is done: the task's whole work held in its worktree, or a task that passed.
	const done = culprit !== undefined && (conflict.finished === true || d.task(culprit)?.status === 'passed');
	switch (choice) {
		case 'grant': {
			const id = culprit as string;
			const result = grantPaths(d.ctx.plan, id, paths);
			if (!result.ok) return refuse(d, conflict, choice, result.reason);
			const invalid = firstErrors(d, result.plan);
			if (invalid) return refuse(d, conflict, choice, invalid);
			words = conflict.how === 'workspace' ? `apply ${id}'s version of ${paths.join(', ')} over the workspace's` : `grant ${paths.join(', ')} to ${id}`;
			if (result.plan !== d.ctx.plan) revision = adopt(d, result.plan, words, conflict.id);
			// Finished work is accepted as it is (applied from its worktree): never run again.
			if (done) acceptWork(d, id, conflict);
			else d.patchTask(id, {status: 'pending', reason: undefined});
			break;
		}
		case 'defer': {
			const id = culprit as string;
			if (d.task(id)?.status === 'passed') {
				return refuse(d, conflict, choice, `${id} already passed: deferring would run it again and redo its work. Grant the change to accept it as ${id}'s work, or skip, or abort.`);
			}
			const deferred = deferTask(d.ctx.plan, id, conflict.path, d.ctx.phaseIndex);
			const result = deferred.ok ? grantPaths(deferred.plan, id, paths) : deferred;
			if (!result.ok) return refuse(d, conflict, choice, result.reason);
			const invalid = firstErrors(d, result.plan);
			if (invalid) return refuse(d, conflict, choice, invalid);
			words = `defer ${id} (needs ${paths.join(', ')})`;
			revision = adopt(d, result.plan, words, conflict.id);
			d.patchTask(id, {status: 'pending', reason: undefined});
			break;
		}
		case 'skip': {
			const id = culprit as string;
			const {skipped} = skipTask(d.ctx.plan, id);
			words = skipped.length > 0 ? `skip ${id} and ${skipped.map(s => s.id).join(', ')}` : `skip ${id}`;
			d.skipTask(id, `skipped by you after a conflict on ${conflict.path}`);
			d.skipDependents([id]);
			break;
		}
		case 'edit': {
			if (!decision.plan) return refuse(d, conflict, choice, 'No edited plan came with the decision.');
			const problem = editProblem(d, decision.plan) ?? firstErrors(d, decision.plan);
			if (problem) return refuse(d, conflict, choice, problem);
			words = 'edit the plan by hand';
			revision = adopt(d, decision.plan, words, conflict.id);
			for (const run of Object.values(d.ctx.tasks)) {
				if (run.status === 'conflicted' && !findTask(decision.plan, run.id)) d.skipTask(run.id, 'dropped from the plan by your edit');
			}
			if (culprit !== undefined && d.task(culprit)?.status === 'conflicted') d.patchTask(culprit, {status: 'pending', reason: undefined});
			break;
		}
		case 'abort':
			return;
	}
	const rest = d.ctx.conflicts.slice(1);
	d.set({refusal: undefined, conflicts: rest});
	d.emit({
		type: 'conflict.decided',
		at: d.now,
		conflictId: conflict.id,
		choice,
		...(culprit === undefined ? {} : {taskId: culprit}),
		...(revision === undefined ? {} : {revision}),
		decision: words,
	});
	settleConflicts(d);
}

/**
 * After a decision: drops open conflicts it made moot (their task skipped, or the path now
 * owned by it) and lets suspects that are no longer held run again.
 */
function settleConflicts(d: Draft): void {
	const index = ownershipIndex(d.ctx.plan);
	const mootness = (c: Conflict): string | undefined => {
		if (c.taskId === undefined) return c.suspects.every(s => d.task(s)?.status === 'skipped') ? 'every suspect was skipped' : undefined;
		if (d.task(c.taskId)?.status === 'skipped') return `${c.taskId} was skipped`;
		return index.owns(c.taskId, c.path) ? `${c.taskId} now owns ${c.path}` : undefined;
	};
	const open: Conflict[] = [];
	for (const c of d.ctx.conflicts) {
		const reason = mootness(c);
		if (reason === undefined) open.push(c);
		else d.emit({type: 'conflict.dropped', at: d.now, conflictId: c.id, reason});
	}
	const held = new Set(open.flatMap(c => (c.taskId === undefined ? c.suspects : [c.taskId])));
	for (const run of Object.values(d.ctx.tasks)) {
		if (run.status === 'conflicted' && !held.has(run.id)) d.patchTask(run.id, {status: 'pending', reason: undefined});
	}
	d.set({conflicts: open});
}

/** Drops open conflicts whose every held task was skipped: nothing is left to decide for them. */
export function dropSkippedConflicts(d: Draft): void {
	const open: Conflict[] = [];
	for (const c of d.ctx.conflicts) {
		if (heldBy(c).every(id => d.task(id)?.status === 'skipped')) d.emit({type: 'conflict.dropped', at: d.now, conflictId: c.id, reason: 'its task was skipped'});
		else open.push(c);
	}
	if (open.length !== d.ctx.conflicts.length) d.set({conflicts: open});
}
