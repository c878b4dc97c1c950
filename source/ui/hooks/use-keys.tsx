// Key handling that always sees the latest render. Ink's useInput registers a handler in a
// passive effect, which can run after the next key arrives: a key typed right after a dialog
// opens would be lost, or reach the screen under it. Here one useInput at the root dispatches
// to handlers registered in layout effects (synchronous with the commit) and read at key time.

import {createContext, useContext, useLayoutEffect, useRef, useState, type ReactNode} from 'react';
import {useInput, type Key} from 'ink';

type Entry = {current: {handler: (input: string, key: Key) => void; active: boolean}};

type Registry = {add(entry: Entry): () => void; readonly entries: Set<Entry>};

const KeysContext = createContext<Registry | undefined>(undefined);

/** Owns the one Ink input subscription of a tree; every useKeys below goes through it. */
export function KeysProvider({children}: {readonly children: ReactNode}) {
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
	useInput((input, key) => {
		for (const entry of [...registry.entries]) {
			// A handler may close its own layer; skip those unregistered during this loop.
			if (registry.entries.has(entry) && entry.current.active) entry.current.handler(input, key);
		}
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
