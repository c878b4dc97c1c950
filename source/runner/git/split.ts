// Splits a task's changes into those inside its ownership and the stray ones.

import type {TaskFileChange} from './types.js';

/** A task's changes, split by ownership. */
export type OwnershipSplit = {readonly owned: readonly TaskFileChange[]; readonly stray: readonly TaskFileChange[]};

/**
 * Owned when `owns` accepts the path; a rename only when it accepts both the old and the new
 * path (moving a file out of, or into, the ownership changes a file the task does not own).
 */
export function splitByOwnership(changes: readonly TaskFileChange[], owns: (path: string) => boolean): OwnershipSplit {
	const owned: TaskFileChange[] = [];
	const stray: TaskFileChange[] = [];
	for (const change of changes) {
		const inside = owns(change.path) && (change.from === undefined || owns(change.from));
		(inside ? owned : stray).push(change);
	}
	return {owned, stray};
}

/** Every path a change touches: its path, and the old path of a rename. */
export function touchedPaths(changes: readonly TaskFileChange[]): string[] {
	return [...new Set(changes.flatMap(change => (change.from === undefined ? [change.path] : [change.from, change.path])))].sort();
}
