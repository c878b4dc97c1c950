// The verify actor: runs one of the plan's verify commands in the workspace once every phase
// passed, and reports when it started and how it exited.

import {fromCallback} from 'xstate';
import type {EventObject} from 'xstate';
import {verifyChildId} from '../machine/child-ids.js';
import type {VerifyActorInput} from '../machine/types.js';
import type {LineBatchSink} from '../runner/headless-sink.js';
import {logPathFor} from '../runner/journal.js';
import type {TaskOutputStore} from '../runner/output.js';
import {startProcess} from '../runner/process.js';
import type {RunningProcess} from '../runner/process.js';

export type VerifyActorDeps = {
	readonly runId: string;
	readonly runDir: string;
	/** Verify commands check the merged result: they run in the workspace itself. */
	readonly workspace: string;
	readonly store: TaskOutputStore;
	readonly sink?: LineBatchSink;
	readonly graceMs?: number;
	/** Commands start from the spawner's pool (see poolWanted in spawner.ts). */
	readonly pooled?: boolean;
};

export function createVerifyActor(deps: VerifyActorDeps) {
	const {runDir, workspace, store, sink, graceMs} = deps;
	return fromCallback<EventObject, VerifyActorInput>(({input, sendBack}) => {
		let stopped = false;
		const key = verifyChildId(input.index);
		let proc: RunningProcess | undefined;
		try {
			const output = store.open(key, {logPath: logPathFor(runDir, key), ...(sink ? {sink} : {})});
			sendBack({type: 'verify.started', index: input.index, at: Date.now()});
			proc = startProcess(
				{command: input.command},
				{
					cwd: workspace,
					env: {...process.env, FANOUT_RUN_DIR: runDir},
					output,
					...(graceMs === undefined ? {} : {graceMs}),
					meta: {runId: deps.runId, taskId: key},
					...(deps.pooled ? {pooled: true} : {}),
				},
			);
			void proc.done.then(exit => {
				if (!stopped) sendBack({type: 'verify.exited', index: input.index, exitCode: exit.exitCode, at: Date.now()});
			});
		} catch {
			queueMicrotask(() => sendBack({type: 'verify.exited', index: input.index, exitCode: null, at: Date.now()}));
		}
		return () => {
			stopped = true;
			void proc?.stop('stopped');
		};
	});
}
