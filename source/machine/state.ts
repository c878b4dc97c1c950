// The orchestrator's state as the UI and the drivers name it: the leaf of the statechart's value
// (`{phase: 'running'}` is `running`). Types only from the machine, so importing this loads no XState.

import type {SnapshotFrom, StateValue} from 'xstate';
import type {OrchestratorMachine} from './orchestrator.js';

/** The leaf state names of a state value type. */
type Leaves<V> = V extends string ? V : {[K in keyof V]: Leaves<V[K]>}[keyof V];

/** The orchestrator's states, derived from the statechart (a new state appears here by itself). */
export type OrchestratorState = Leaves<SnapshotFrom<OrchestratorMachine>['value']>;

/** The leaf state of a snapshot: what the screens and the headless driver switch on. */
export function stateOf(snapshot: {readonly value: StateValue}): OrchestratorState {
	let value: StateValue = snapshot.value;
	while (typeof value !== 'string') {
		const [child] = Object.values(value);
		if (child === undefined) break;
		value = child;
	}
	return value as OrchestratorState;
}
