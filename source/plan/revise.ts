// Plan revisions after a runtime conflict: grant a path, defer a task to a new phase, or find
// what skipping a task drags along. Pure functions over the plan; the caller validates the result.

import {normalizePath, ownershipIndex, taskOwns} from './ownership.js';
import type {Phase, Plan, Task} from './types.js';

/** A revised plan, or the reason the revision cannot be made. */
export type ReviseResult = {readonly ok: true; readonly plan: Plan} | {readonly ok: false; readonly reason: string};

/** Where a task sits in a plan. */
export type TaskLocation = {readonly task: Task; readonly phaseIndex: number; readonly taskIndex: number};

/** Finds a task by id. */
export function findTask(plan: Plan, taskId: string): TaskLocation | undefined {
	for (const [phaseIndex, phase] of plan.phases.entries()) {
		const taskIndex = phase.tasks.findIndex(t => t.id === taskId);
		const task = phase.tasks[taskIndex];
		if (task) return {task, phaseIndex, taskIndex};
	}
	return undefined;
}

/**
 * Escapes glob syntax so a concrete path owns exactly itself (route files such as
 * `app/[id]/page.tsx` would otherwise read as character classes).
 */
export function escapeGlob(path: string): string {
	return normalizePath(path).replace(/[*?[\]{}()!+@\\]/g, '\\$&');
}

function withPath(task: Task, path: string): Task {
	if (taskOwns(task, path)) return task;
	return {...task, owns: [...task.owns, escapeGlob(path)]};
}

/**
 * Adds `path` to the task's `owns`. Refused when another task of the same phase owns the path
 * (both would run at once on the same file: defer is the way out then).
 */
export function grantPath(plan: Plan, taskId: string, path: string): ReviseResult {
	const location = findTask(plan, taskId);
	if (!location) return {ok: false, reason: `There is no task ${taskId} in the plan.`};
	const p = normalizePath(path);
	const others = ownershipIndex(plan)
		.ownersOf(p, location.phaseIndex)
		.filter(id => id !== taskId);
	if (others.length > 0) {
		return {
			ok: false,
			reason: `${p} is owned by ${others.join(', ')}, in the same phase as ${taskId}: defer ${taskId} instead.`,
		};
	}
	return {ok: true, plan: replaceTask(plan, location, withPath(location.task, p))};
}

function replaceTask(plan: Plan, at: TaskLocation, task: Task): Plan {
	return {
		...plan,
		phases: plan.phases.map((phase, i) =>
			i === at.phaseIndex ? {...phase, tasks: phase.tasks.map((t, j) => (j === at.taskIndex ? task : t))} : phase,
		),
	};
}

function uniquePhaseName(plan: Plan, base: string): string {
	const names = new Set(plan.phases.map(p => p.name));
	if (!names.has(base)) return base;
	let n = 2;
	while (names.has(`${base}-${n}`)) n++;
	return `${base}-${n}`;
}

/**
 * Moves the task out of phase `phaseIndex` into a new sequential phase right after it (after
 * the phases earlier deferrals from it made), owning `path` as well, so it runs again once the
 * phase (and the path's owner) is done. Tasks of the same phase that depend on it, directly or not, move along after it so they still follow it;
 * tasks of later phases keep their place, which is after the new phase. A task alone in its
 * phase stays where it is, with the path added: nothing else runs beside it.
 */
export function deferTask(plan: Plan, taskId: string, path: string, phaseIndex: number): ReviseResult {
	const location = findTask(plan, taskId);
	if (!location) return {ok: false, reason: `There is no task ${taskId} in the plan.`};
	if (location.phaseIndex !== phaseIndex) {
		return {ok: false, reason: `${taskId} is not in phase ${phaseIndex + 1}, so it cannot be deferred from it.`};
	}
	const p = normalizePath(path);
	const phase = plan.phases[phaseIndex] as Phase;
	if (phase.tasks.length === 1) return {ok: true, plan: replaceTask(plan, location, withPath(location.task, p))};
	const moving = new Set([taskId]);
	// Plan order is run order in a sequential phase: a dependent listed later follows its dependency.
	for (const task of phase.tasks) {
		if (task.dependsOn.some(d => moving.has(d))) moving.add(task.id);
	}
	if (moving.size === phase.tasks.length) {
		return {ok: true, plan: replaceTask(plan, location, withPath(location.task, p))};
	}
	const moved = phase.tasks.filter(t => moving.has(t.id)).map(t => (t.id === taskId ? withPath(t, p) : t));
	const deferred: Phase = {name: uniquePhaseName(plan, `${phase.name}-deferred`), mode: 'sequential', tasks: moved};
	const phases = [...plan.phases];
	phases[phaseIndex] = {...phase, tasks: phase.tasks.filter(t => !moving.has(t.id))};
	// Earlier deferrals from this phase keep their turn: decisions run in the order they were made.
	let at = phaseIndex + 1;
	while (phases[at]?.name.startsWith(`${phase.name}-deferred`)) at++;
	phases.splice(at, 0, deferred);
	return {ok: true, plan: {...plan, phases}};
}

/** A task dragged along by another: `via` is the task it depends on. */
export type Dependent = {readonly id: string; readonly via: string};

/** Every task depending on one of `roots`, directly or transitively, in plan order. */
export function dependentsOf(plan: Plan, roots: readonly string[]): Dependent[] {
	const reached = new Map<string, string>();
	const seen = new Set(roots);
	let grew = true;
	// Dependencies may point forward in a hand-edited plan: repeat until nothing new is reached.
	while (grew) {
		grew = false;
		for (const phase of plan.phases) {
			for (const task of phase.tasks) {
				if (seen.has(task.id)) continue;
				const via = task.dependsOn.find(d => seen.has(d));
				if (via === undefined) continue;
				seen.add(task.id);
				reached.set(task.id, via);
				grew = true;
			}
		}
	}
	const order = plan.phases.flatMap(phase => phase.tasks.map(t => t.id));
	return order.filter(id => reached.has(id)).map(id => ({id, via: reached.get(id) as string}));
}

/**
 * Skipping a task leaves the plan as it is (the task stays for a later run or a write-back)
 * and returns the tasks that must be skipped with it.
 */
export function skipTask(plan: Plan, taskId: string): {readonly plan: Plan; readonly skipped: readonly Dependent[]} {
	return {plan, skipped: dependentsOf(plan, [taskId])};
}
