// What a headless run answers in place of a person: pure, from the machine's state and the flags.

import {openConflict} from '../machine/selectors.js';
import type {OrchestratorContext, UserEvent} from '../machine/types.js';

/** The flags that stand in for keypresses. */
export type HeadlessPolicy = {
	/** `--keep-going`: continue past a failed phase instead of stopping. */
	readonly keepGoing: boolean;
	/** `--on-conflict`: what to do when a task needs a file it does not own. */
	readonly onConflict: 'abort' | 'defer' | 'skip';
};

/** Conflicts already answered once; a second prompt for the same one means the answer was refused. */
export type PolicyMemory = {readonly answered: Set<number>};

/**
 * The event a headless run sends in this state, if any. Approval is given for all phases at
 * once (the caller has checked `--yes`). A refused defer or skip falls back to abort, so a
 * headless run can never loop on a prompt; so does a conflict whose culprit is not known.
 */
export function headlessAnswer(
	state: string,
	context: OrchestratorContext,
	policy: HeadlessPolicy,
	memory: PolicyMemory,
): UserEvent | undefined {
	switch (state) {
		case 'reviewing':
			return {type: 'plan.start'};
		case 'awaitingApproval':
			return {type: 'phase.approveAll'};
		case 'phaseFailed':
			return policy.keepGoing ? {type: 'failed.continue'} : {type: 'failed.stop'};
		case 'conflict': {
			const conflict = openConflict(context);
			if (!conflict) return undefined;
			// Several suspects: a guess would punish the wrong task (and give it the file). Never guess:
			// stop, and let the summary name the suspects.
			const taskId = conflict.taskId ?? (conflict.suspects.length === 1 ? conflict.suspects[0] : undefined);
			if (policy.onConflict === 'abort' || memory.answered.has(conflict.id) || taskId === undefined) {
				return {type: 'conflict.decide', choice: 'abort'};
			}
			memory.answered.add(conflict.id);
			return {type: 'conflict.decide', choice: policy.onConflict, taskId};
		}
		default:
			return undefined;
	}
}
