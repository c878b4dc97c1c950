// The watch actor: a phase's view of the run's one workspace watch. It forwards file changes
// to the machine (each owned path once per running owner, so a task rewriting its own file a
// thousand times a second cannot flood it) and answers the machine's phase-end scan requests.

import {fromCallback} from 'xstate';
import type {FileChange, WatcherActorInput, WatcherRequest} from '../machine/types.js';
import {ownershipIndex} from '../plan/ownership.js';
import type {OwnershipIndex} from '../plan/ownership.js';
import type {Plan} from '../plan/types.js';
import type {PhaseEndCheck} from './phase-end.js';
import type {RunHandle} from './types.js';

/** The listeners of the run's workspace watch: a phase's actor joins while it lives. */
export type ChangeListeners = Set<(changes: FileChange[]) => void>;

export function createWatchActor(run: RunHandle, listeners: ChangeListeners, phaseEnd: PhaseEndCheck) {
	return fromCallback<WatcherRequest, WatcherActorInput>(({sendBack, receive}) => {
		receive(request => {
			if (request.type !== 'phase.scan') return;
			const context = run.context();
			void (context ? phaseEnd.check(context) : Promise.resolve([]))
				.then(events => events.forEach(event => run.send(event)))
				.catch(() => undefined)
				.then(() => sendBack({type: 'phase.scanned', phaseIndex: request.phaseIndex, at: Date.now()}));
		});
		// Once a path owned by a running task has been reported, its repeats carry no news.
		const reported = new Set<string>();
		let indexFor: {plan: Plan; index: OwnershipIndex} | undefined;
		const listener = (changes: FileChange[]) => {
			const context = run.context();
			if (!context) return;
			const {plan, tasks, phaseIndex} = context;
			if (indexFor?.plan !== plan) indexFor = {plan, index: ownershipIndex(plan)};
			const index = indexFor.index;
			const news = changes.filter(change => {
				const owner = index.ownersOf(change.path, phaseIndex).find(id => tasks[id]?.status === 'running');
				if (owner === undefined) return true;
				const key = `${owner}\0${change.path}`;
				if (reported.has(key)) return false;
				reported.add(key);
				return true;
			});
			if (news.length > 0) sendBack({type: 'fs.changed', changes: news});
		};
		listeners.add(listener);
		return () => {
			listeners.delete(listener);
		};
	});
}
