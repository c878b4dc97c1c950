// The engine's view of the tasks' work and the isolation, as hooks: read through the lookups
// tui.tsx hands in, again at a slow pace while something is still to come (worktrees being
// prepared, a finished task whose changes are being recorded), never on every frame.

import {useEffect, useMemo, useState} from 'react';
import type {IsolationLookup, IsolationView, TaskChanges, TaskChangesLookup} from '../work-view.js';

/** How often a lookup is asked again while waiting for it. */
const POLL_MS = 250;
/** How many times changes still missing are looked up again (recording takes a moment). */
const CHANGE_TRIES = 12;

const sameIsolation = (a: IsolationView | undefined, b: IsolationView | undefined) =>
	a?.mode === b?.mode && a?.progress?.done === b?.progress?.done && a?.progress?.total === b?.progress?.total;

/** The isolation now; asked again every POLL_MS (it moves while worktrees are prepared). */
export function useIsolation(lookup: IsolationLookup | undefined): IsolationView | undefined {
	const [value, setValue] = useState<IsolationView | undefined>(() => lookup?.());
	useEffect(() => {
		if (!lookup) return;
		const timer = setInterval(() => {
			const next = lookup();
			setValue(previous => (sameIsolation(previous, next) ? previous : next));
		}, POLL_MS);
		return () => clearInterval(timer);
	}, [lookup]);
	return value;
}

/**
 * The changes of `taskIds` (those that ended), looked up when `version` moves and again a few
 * times while some ended task has none yet.
 */
export function useTaskChanges(lookup: TaskChangesLookup | undefined, taskIds: readonly string[], version: unknown): ReadonlyMap<string, TaskChanges> {
	const key = taskIds.join('\n');
	// Tries count afresh whenever the tasks or the version move.
	const [poll, setPoll] = useState<{readonly version: unknown; readonly key: string; readonly tries: number}>({version, key, tries: 0});
	const tries = poll.version === version && poll.key === key ? poll.tries : 0;
	const found = useMemo(() => {
		const map = new Map<string, TaskChanges>();
		if (!lookup) return map;
		for (const id of key === '' ? [] : key.split('\n')) {
			const changes = lookup(id);
			if (changes) map.set(id, changes);
		}
		return map;
		// `tries` and `version` are the cues to look again.
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [lookup, key, version, tries]);
	const missing = lookup !== undefined && found.size < (key === '' ? 0 : key.split('\n').length);
	useEffect(() => {
		if (!missing || tries >= CHANGE_TRIES) return;
		const timer = setTimeout(() => setPoll({version, key, tries: tries + 1}), POLL_MS);
		return () => clearTimeout(timer);
	}, [missing, tries, version, key]);
	return found;
}
