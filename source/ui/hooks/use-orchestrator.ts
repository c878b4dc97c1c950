// Reads the orchestrator's snapshot as React state: one subscription for the whole app.

import {useCallback, useSyncExternalStore} from 'react';
import type {OrchestratorSnapshot, OrchestratorView} from '../view.js';

/** The current snapshot; re-renders when the actor reports a new one. */
export function useOrchestrator(actor: OrchestratorView): OrchestratorSnapshot {
	const subscribe = useCallback(
		(onChange: () => void) => {
			const subscription = actor.subscribe(() => onChange());
			return () => subscription.unsubscribe();
		},
		[actor],
	);
	const read = useCallback(() => actor.getSnapshot(), [actor]);
	return useSyncExternalStore(subscribe, read, read);
}
