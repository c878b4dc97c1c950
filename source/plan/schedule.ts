// The scheduler: turns a flat task list into phases that respect dependsOn, file ownership
// and reads, with as few phases as a greedy fit finds. Pure; also used to re-plan.

import {commonPathExample, pairsThatMayMeet} from './globs.js';
import {createGlobIndex} from './match.js';
import type {Phase, Task} from './types.js';

/** Options of schedulePhases. */
export type ScheduleOptions = {
	/** No phase runs more tasks at once than this (default: unlimited). */
	readonly maxParallel?: number;
	/** Existing workspace files, so overlaps the globs alone do not reveal are seen too. */
	readonly files?: readonly string[];
};

/** Pairs of task indices (i < j) that may not share a parallel phase. */
export function conflictPairs(tasks: readonly Task[], files: readonly string[] = []): Set<string> {
	const pairs = new Set<string>();
	const add = (i: number, j: number) => pairs.add(i < j ? `${i}:${j}` : `${j}:${i}`);
	type Ref = {readonly task: number; readonly glob: string};
	const owns: Ref[] = tasks.flatMap((t, task) => t.owns.map(glob => ({task, glob})));
	const reads: Ref[] = tasks.flatMap((t, task) => t.reads.map(glob => ({task, glob})));
	for (const [a, b] of [...pairsThatMayMeet(owns, owns, r => r.glob, true), ...pairsThatMayMeet(reads, owns, r => r.glob)]) {
		if (a.task === b.task) continue;
		const key = a.task < b.task ? `${a.task}:${b.task}` : `${b.task}:${a.task}`;
		if (!pairs.has(key) && commonPathExample(a.glob, b.glob) !== undefined) add(a.task, b.task);
	}
	if (files.length > 0) {
		// Globs the intersection check cannot model still meet on real files.
		const globs: {task: number; owns: boolean}[] = [];
		const list: string[] = [];
		tasks.forEach((task, t) => {
			for (const g of task.owns) {
				list.push(g);
				globs.push({task: t, owns: true});
			}
			for (const g of task.reads) {
				list.push(g);
				globs.push({task: t, owns: false});
			}
		});
		const index = createGlobIndex(list);
		for (const file of files) {
			const hits = index.matching(file);
			if (hits.length < 2) continue;
			for (const x of hits) {
				for (const y of hits) {
					const gx = globs[x]!;
					const gy = globs[y]!;
					if (gx.task !== gy.task && (gx.owns || gy.owns)) add(gx.task, gy.task);
				}
			}
		}
	}
	return pairs;
}

/** Tasks in dependency order; among ready tasks, the longest remaining chain first. */
function dependencyOrder(tasks: readonly Task[]): number[] {
	const indexOf = new Map(tasks.map((t, i) => [t.id, i]));
	const deps = tasks.map(t => [...new Set(t.dependsOn.map(d => indexOf.get(d)).filter((d): d is number => d !== undefined))]);
	const dependents = tasks.map(() => [] as number[]);
	deps.forEach((list, i) => list.forEach(d => dependents[d]!.push(i)));
	const height = new Array<number>(tasks.length).fill(-1);
	const heightOf = (i: number, seen: Set<number>): number => {
		if (height[i]! >= 0) return height[i]!;
		if (seen.has(i)) return 0; // a cycle: validation reports it
		seen.add(i);
		height[i] = 1 + Math.max(0, ...dependents[i]!.map(d => heightOf(d, seen)));
		seen.delete(i);
		return height[i]!;
	};
	tasks.forEach((_, i) => heightOf(i, new Set()));
	const waiting = deps.map(list => list.length);
	const order: number[] = [];
	const done = new Set<number>();
	let ready = tasks.map((_, i) => i).filter(i => waiting[i] === 0);
	while (order.length < tasks.length) {
		if (ready.length === 0) {
			// Only cycles are left: take them in input order so every task is placed once.
			ready = [tasks.findIndex((_, i) => !done.has(i))];
		}
		ready.sort((x, y) => height[y]! - height[x]! || x - y);
		const next = ready.shift()!;
		if (done.has(next)) continue;
		done.add(next);
		order.push(next);
		for (const d of dependents[next]!) if (--waiting[d]! === 0 && !done.has(d)) ready.push(d);
	}
	return order;
}

/**
 * Computes phases for a flat task list: every task after the tasks it depends on, no two
 * tasks of a parallel phase owning a common file or reading what the other owns, and no
 * phase wider than maxParallel. Runs of single-task phases become one sequential phase.
 */
export function schedulePhases(tasks: readonly Task[], options: ScheduleOptions = {}): Phase[] {
	const maxParallel = Math.max(1, Math.floor(options.maxParallel ?? Infinity));
	const conflicts = conflictPairs(tasks, options.files);
	const clash = (i: number, j: number) => conflicts.has(i < j ? `${i}:${j}` : `${j}:${i}`);
	const indexOf = new Map(tasks.map((t, i) => [t.id, i]));
	const phaseOf = new Map<number, number>();
	const groups: number[][] = [];
	for (const i of dependencyOrder(tasks)) {
		let earliest = 0;
		for (const dep of tasks[i]!.dependsOn) {
			const p = phaseOf.get(indexOf.get(dep) ?? -1);
			if (p !== undefined) earliest = Math.max(earliest, p + 1);
		}
		let phase = groups.findIndex((group, p) => p >= earliest && group.length < maxParallel && group.every(j => !clash(i, j)));
		if (phase === -1) {
			phase = groups.length;
			groups.push([]);
		}
		groups[phase]!.push(i);
		phaseOf.set(i, phase);
	}
	// Keep plan order inside a phase: easier to read, and stable for tests.
	const ordered = groups.map(group => group.sort((x, y) => x - y).map(i => tasks[i]!));
	const phases: Phase[] = [];
	for (const group of ordered) {
		const last = phases.at(-1);
		if (group.length === 1 && last && last.mode === 'sequential') phases[phases.length - 1] = {...last, tasks: [...last.tasks, group[0]!]};
		else phases.push({name: '', mode: group.length === 1 ? 'sequential' : 'parallel', tasks: group});
	}
	return phases.map((phase, p) => ({...phase, name: `phase-${p + 1}`}));
}
