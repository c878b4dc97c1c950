// Ownership matching: which task owns a workspace path. Globs are compiled once (picomatch)
// and then answer path by path; used by validation, the watcher, the guard and the agents.

import picomatch from 'picomatch';
import type {Plan, Task} from './types.js';

/** picomatch options shared by every ownership check: dotfiles match, paths are POSIX. */
export const globOptions = {dot: true, posix: true} as const;

/** Normalizes a workspace-relative path: forward slashes, no leading `./`. */
export function normalizePath(path: string): string {
	let p = path.replaceAll('\\', '/');
	while (p.startsWith('./')) p = p.slice(2);
	return p;
}

/** Compiles a list of globs into one predicate (an empty list matches nothing). */
export function compileGlobs(globs: readonly string[]): (path: string) => boolean {
	if (globs.length === 0) return () => false;
	const isMatch = picomatch(globs as string[], globOptions);
	return (path: string) => isMatch(normalizePath(path));
}

type CompiledTask = {readonly id: string; readonly phaseIndex: number; readonly owns: (path: string) => boolean};

/** Answers ownership questions for one plan revision. Build once per revision. */
export type OwnershipIndex = {
	/** Does this task own the path? */
	owns(taskId: string, path: string): boolean;
	/** Ids of every task owning the path, in plan order (optionally only in one phase). */
	ownersOf(path: string, phaseIndex?: number): string[];
	/** The first task owning the path (optionally only in one phase). */
	ownerOf(path: string, phaseIndex?: number): string | undefined;
};

/** Builds the ownership index of a plan. */
export function ownershipIndex(plan: Plan): OwnershipIndex {
	const compiled: CompiledTask[] = [];
	const byId = new Map<string, CompiledTask>();
	plan.phases.forEach((phase, phaseIndex) => {
		for (const task of phase.tasks) {
			const entry = {id: task.id, phaseIndex, owns: compileGlobs(task.owns)};
			compiled.push(entry);
			byId.set(task.id, entry);
		}
	});
	const ownersOf = (path: string, phaseIndex?: number) =>
		compiled
			.filter(t => (phaseIndex === undefined || t.phaseIndex === phaseIndex) && t.owns(path))
			.map(t => t.id);
	return {
		owns: (taskId, path) => byId.get(taskId)?.owns(path) ?? false,
		ownersOf,
		ownerOf: (path, phaseIndex) => ownersOf(path, phaseIndex)[0],
	};
}

/** Does a single task own the path? (Compiles on each call: for one-off checks only.) */
export function taskOwns(task: Task, path: string): boolean {
	return compileGlobs(task.owns)(path);
}
