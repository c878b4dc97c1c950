// Key handling that always sees the latest render. Ink's useInput registers a handler in a
// passive effect, which can run after the next key arrives: a key typed right after a dialog
// opens would be lost, or reach the screen under it. Here one useInput at the root dispatches
// to handlers registered in layout effects (synchronous with the commit) and read at key time.
// Keys typed while the app started arrive as one chunk on the first read: they are split and
// acted on one at a time, each after the screen the previous one led to is live (no key is lost,
// and none reaches a screen it was not typed for). Keys typed while an event is still on its way
// to the machine (an approval waiting for the engine) wait the same way.

import {createContext, useContext, useLayoutEffect, useRef, useState, type ReactNode} from 'react';
import {useInput, type Key} from 'ink';
import {splitKeys, keyOfChar} from './split-keys.js';

type Entry = {current: {handler: (input: string, key: Key) => void; active: boolean}};

type Registry = {add(entry: Entry): () => void; readonly entries: Set<Entry>};

const KeysContext = createContext<Registry | undefined>(undefined);

/**
 * Owns the one Ink input subscription of a tree; every useKeys below goes through it. With
 * `splitFirst` (the app in a real terminal) the first chunk read is taken as keys typed during
 * start-up and split; otherwise a chunk is one input, as Ink gives it (a paste into a field).
 */
export function KeysProvider({children, splitFirst = false, pending}: {readonly children: ReactNode; readonly splitFirst?: boolean; readonly pending?: () => Promise<unknown> | undefined}) {
	const [registry] = useState<Registry>(() => {
		const entries = new Set<Entry>();
		return {
			entries,
			add(entry) {
				entries.add(entry);
				return () => {
					entries.delete(entry);
				};
			},
		};
	});
	const start = useRef({first: splitFirst, queue: [] as {input: string; key: Key}[]}).current;
	const dispatch = (input: string, key: Key) => {
		for (const entry of [...registry.entries]) {
			// A handler may close its own layer; skip those unregistered during this loop.
			if (registry.entries.has(entry) && entry.current.active) entry.current.handler(input, key);
		}
	};
	// The rest of a start-up chunk, one key per turn: the previous key's render has committed
	// (legacy root: synchronously) and its screen's handlers are registered by then. A key that
	// sent an event still on its way (see OrchestratorView.pending) holds the rest until it
	// arrives. While the queue is not empty, exactly one drain is scheduled.
	const drain = () => {
		const blocked = pending?.();
		if (blocked) {
			const resume = () => setImmediate(drain);
			blocked.then(resume, resume);
			return;
		}
		const next = start.queue.shift();
		if (!next) return;
		dispatch(next.input, next.key);
		if (start.queue.length > 0) setImmediate(drain);
	};
	useInput((input, key) => {
		// Enter typed before raw mode reads as a line feed.
		if (input === '\n') ({input, key} = keyOfChar(input));
		// Ctrl-C is never held: it is the way out of a start that hangs.
		const held = start.queue.length > 0 || (pending?.() !== undefined && !(key.ctrl && input === 'c'));
		if (start.first || held) {
			const keys = splitKeys(input, key);
			start.first = false;
			const waiting = start.queue.length > 0;
			start.queue.push(...keys);
			if (!waiting) drain();
			return;
		}
		dispatch(input, key);
	});
	return <KeysContext.Provider value={registry}>{children}</KeysContext.Provider>;
}

/**
 * Like Ink's useInput, but the handler and `active` are read when the key arrives. Inside a
 * KeysProvider the handler is live from the commit that mounts it; outside, it falls back to
 * Ink's useInput.
 */
export function useKeys(handler: (input: string, key: Key) => void, active = true): void {
	const latest = useRef({handler, active});
	// Written during render on purpose: a key may arrive between a render and its commit, and it
	// must reach the handler of the render that drew the screen the user is looking at (a
	// commit-time update let Enter open the previously focused pane).
	// eslint-disable-next-line react-hooks/refs
	latest.current = {handler, active};
	const registry = useContext(KeysContext);
	useLayoutEffect(() => registry?.add(latest), [registry]);
	useInput(
		(input, key) => {
			if (latest.current.active) latest.current.handler(input, key);
		},
		{isActive: registry === undefined},
	);
}
