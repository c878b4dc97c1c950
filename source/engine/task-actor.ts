// The task actor: starts one task's process (a command, or an agent through its adapter), turns
// its output into the machine's events (started, FANOUT-NEEDS and agent-reported conflicts,
// the completion report, exited) and stops the process when the machine stops the actor.

import {fromCallback} from 'xstate';
import type {EventObject} from 'xstate';
import type {TaskActorInput} from '../machine/types.js';
import {compileGlobs} from '../plan/ownership.js';
import {agentInvocation, createAgentParser} from '../runner/agents/index.js';
import type {AgentParser} from '../runner/agents/index.js';
import type {LineBatchSink} from '../runner/headless-sink.js';
import {logPathFor} from '../runner/journal.js';
import {needsMarkerPrefix, parseNeedsMarker} from '../runner/marker.js';
import type {TaskOutputStore} from '../runner/output.js';
import {startProcess} from '../runner/process.js';
import type {ProcessSpec, RunningProcess} from '../runner/process.js';
import type {Placement} from './workspace.js';

/** Lines of a task's tail kept as its completion report when the task gives none. */
const REPORT_LINES = 5;

export type TaskActorDeps = {
	readonly runId: string;
	readonly runDir: string;
	readonly store: TaskOutputStore;
	readonly sink?: LineBatchSink;
	readonly guardCommand: readonly string[];
	readonly graceMs?: number;
	/** Agent sessions to continue on resume, by task id. */
	readonly sessions?: Readonly<Record<string, string>>;
	/** Where each task works (the isolation seam). */
	readonly placement: Placement;
};

export function createTaskActor(deps: TaskActorDeps) {
	const {runDir, store, sink, guardCommand, graceMs} = deps;
	return fromCallback<EventObject, TaskActorInput>(({input, sendBack}) => {
		const {task, plan} = input;
		const {cwd: workspace} = deps.placement(task);
		let stopped = false;
		const isOwned = compileGlobs(task.owns);
		let parser: AgentParser | undefined;
		let spec: ProcessSpec;
		// Agents run in their task's own root (invocation.cwd: a worktree once tasks are isolated).
		let cwd = workspace;
		let env: NodeJS.ProcessEnv = {
			...process.env,
			...task.env,
			FANOUT_RUN_DIR: runDir,
			FANOUT_TASK_ID: task.id,
			FANOUT_WORKSPACE: workspace,
			FANOUT_OWNS: task.owns.join('\n'),
		};
		if (task.run !== undefined) {
			spec = {command: task.run};
		} else {
			const resumeSessionId = deps.sessions?.[task.id];
			const invocation = agentInvocation(task, plan, {workspace, runDir, guardCommand, ...(resumeSessionId ? {resumeSessionId} : {})});
			spec = {file: invocation.file, args: invocation.args};
			env = {...env, ...invocation.env};
			cwd = invocation.cwd;
			parser = createAgentParser(invocation.format, {isOwned, workspace: invocation.cwd});
		}
		const asked = new Set<string>();
		const conflict = (path: string, how: 'declared' | 'agent-report', reason: string | undefined): void => {
			if (stopped || asked.has(path)) return;
			asked.add(path);
			sendBack({type: 'conflict.detected', taskId: task.id, path, how, ...(reason ? {reason} : {}), at: Date.now()});
		};
		const onLine = (raw: string): void => {
			const marker = parseNeedsMarker(raw, workspace);
			if (marker) conflict(marker.path, 'declared', marker.reason);
		};
		// Agents: the pane shows what the adapter makes of the stream, not raw JSON.
		const agent = parser;
		const display = agent
			? (raw: string): readonly string[] => {
					const update = agent.push(raw);
					for (const need of update.needs) conflict(need.path, 'declared', need.reason);
					for (const c of update.conflicts) conflict(c.path, 'agent-report', c.reason);
					if (update.sessionId) sendBack({type: 'task.report', taskId: task.id, sessionId: update.sessionId});
					return update.display;
				}
			: undefined;
		let proc: RunningProcess | undefined;
		try {
			// Agents: FANOUT-NEEDS lines come from the adapter (inside the JSON stream); commands:
			// only lines holding the marker are decoded for the scan, the rest stay bytes.
			const output = store.open(task.id, {
				logPath: logPathFor(runDir, task.id),
				...(display ? {display} : {onLine, onLineMatch: needsMarkerPrefix}),
				...(sink ? {sink} : {}),
			});
			proc = startProcess(spec, {
				cwd,
				env,
				...(task.timeoutMs === undefined ? {} : {timeoutMs: task.timeoutMs}),
				...(graceMs === undefined ? {} : {graceMs}),
				output,
				meta: {runId: deps.runId, taskId: task.id},
			});
			if (proc.pid !== undefined) sendBack({type: 'task.started', taskId: task.id, pid: proc.pid, at: Date.now()});
			void proc.done.then(async exit => {
				if (stopped) return;
				const result = parser?.finish({exitCode: exit.exitCode, signal: exit.signal});
				const report = result?.report ?? output.lines(REPORT_LINES).join('\n');
				sendBack({
					type: 'task.report',
					taskId: task.id,
					...(report ? {report} : {}),
					...(result?.costUsd === undefined ? {} : {costUsd: result.costUsd}),
					...(result?.tokens === undefined ? {} : {tokens: result.tokens}),
					...(result?.turns === undefined ? {} : {turns: result.turns}),
					...(result?.sessionId === undefined ? {} : {sessionId: result.sessionId}),
					...(result && result.changedFiles.length > 0 ? {changedFiles: result.changedFiles} : {}),
				});
				const failed = exit.outcome === 'failed' || result?.failureReason !== undefined;
				// A process that never started says why (the OS error); the adapter's guess ("stopped
				// before its final result") would hide it.
				const reason = proc?.pid === undefined ? exit.reason : (result?.failureReason ?? exit.reason);
				sendBack({
					type: 'task.exited',
					taskId: task.id,
					outcome: failed ? 'failed' : 'passed',
					exitCode: exit.exitCode,
					signal: exit.signal,
					...(reason ? {reason} : {}),
					at: Date.now(),
				});
			});
		} catch (error) {
			const reason = error instanceof Error ? error.message : String(error);
			queueMicrotask(() =>
				sendBack({type: 'task.exited', taskId: task.id, outcome: 'failed', exitCode: null, signal: null, reason, at: Date.now()}),
			);
		}
		return () => {
			stopped = true;
			void proc?.stop('stopped');
		};
	});
}
