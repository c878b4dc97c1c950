// The UI's narrow view of the orchestrator: what screens read and send. Structurally
// compatible with an XState actor, so the lead can hand the real actor in unchanged.

import type {OrchestratorContext, OrchestratorState, UserEvent} from '../machine/types.js';

/** One snapshot of the orchestrator, as the UI reads it. */
export type OrchestratorSnapshot = {
	readonly value: OrchestratorState | string;
	readonly context: OrchestratorContext;
	readonly status?: string;
};

/** The orchestrator as the UI sees it: read a snapshot, be told of changes, send user events. */
export type OrchestratorView = {
	getSnapshot(): OrchestratorSnapshot;
	subscribe(listener: (snapshot: OrchestratorSnapshot) => void): {unsubscribe(): void};
	send(event: UserEvent): void;
};

/** What the approval screen says about a phase beyond the plan: files owned today, agents. */
export type PhaseInfo = {
	/** Files each task owns today (glob expansion reads the disk: the caller counts). */
	readonly ownedFileCounts: Readonly<Record<string, number>>;
	/** Agents the phase needs that are on PATH. */
	readonly agentsFound: readonly string[];
	/** Agents the phase needs that are missing, with how to install them. */
	readonly agentsMissing: readonly {readonly agent: string; readonly install: string; readonly tasks: readonly string[]}[];
};
