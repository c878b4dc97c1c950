// The UI's narrow view of the orchestrator: what screens read and send. Structurally
// compatible with an XState actor, so the lead can hand the real actor in unchanged.

import type {StateValue} from 'xstate';
import type {OrchestratorContext, UserEvent} from '../machine/types.js';

/** One snapshot of the orchestrator, as the UI reads it. */
export type OrchestratorSnapshot = {
	/** The statechart's value; `stateOf` (machine/state.ts) names the leaf the screens switch on. */
	readonly value: StateValue;
	readonly context: OrchestratorContext;
	readonly status?: string;
};

/** The orchestrator as the UI sees it: read a snapshot, be told of changes, send user events. */
export type OrchestratorView = {
	getSnapshot(): OrchestratorSnapshot;
	subscribe(listener: (snapshot: OrchestratorSnapshot) => void): {unsubscribe(): void};
	send(event: UserEvent): void;
	/**
	 * While an event sent is still on its way to the machine (an approval waits for the engine
	 * to be ready), the promise of its arrival: keys typed meanwhile wait for it, so they reach
	 * the screen the event leads to, not the one it leaves.
	 */
	pending?(): Promise<unknown> | undefined;
};

export type {PhaseInfo} from '../runner/phase-info.js';
