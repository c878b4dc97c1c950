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
import type {IgnorePredicate} from '../runner/ignore.js';
import {watchWorkspace} from '../runner/watcher.js';
import type {Watcher} from '../runner/watcher.js';
import type {WorktreeIsolation} from './isolation.js';
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
	/** Shell commands start from the spawner's pool (see poolWanted in spawner.ts). */
	readonly pooled?: boolean;
	/** Agent sessions to continue on resume, by task id. */
	readonly sessions?: Readonly<Record<string, string>>;
	/** Where each task works (the isolation seam). */
	readonly placement: Placement;
	/**
	 * Resolves when a process may start in the shared tree: once the run is prepared and the
	 * phase's baseline is taken (a write made during that walk would be in the baseline, unseen).
	 */
	readonly sharedTreeReady: () => Promise<void>;
	/** Worktree isolation, when a phase of the run uses it (see isolation.ts). */
	readonly isolation?: {
		readonly worktrees: WorktreeIsolation;
		/** True when phase `phaseIndex` runs its tasks in worktrees. */
		readonly inWorktree: (phaseIndex: number) => boolean;
		/** The run's ignore rules, for the watch of each worktree. */
		readonly ignore: () => IgnorePredicate | undefined;
	};
};

export function createTaskActor(deps: TaskActorDeps) {
	const {runDir, store, sink, guardCommand, graceMs, pooled} = deps;
	// process.env is read through the C++ environment on every key: copied once per run, not per task.
	const baseEnv: NodeJS.ProcessEnv = {...process.env};
	return fromCallback<EventObject, TaskActorInput>(({input, sendBack}) => {
		const {task, plan} = input;
		const isolation = deps.isolation && deps.isolation.inWorktree(input.phaseIndex) ? deps.isolation : undefined;
		let stopped = false;
		const aborter = new AbortController();
		let proc: RunningProcess | undefined;
		let treeWatch: Watcher | undefined;
		// Once the process has exited, the worktree's diff speaks for it: late watch events are dropped.
		let ended = false;
		const fail = (reason: string): void =>
			sendBack({type: 'task.exited', taskId: task.id, outcome: 'failed', exitCode: null, signal: null, reason, at: Date.now()});
		if (!isolation) {
			const go = (): void => {
				if (!stopped) launch(deps.placement(task).cwd);
			};
			// A failed preparation is the run's error, told by its driver: the task still starts, as before.
			void deps.sharedTreeReady().then(go, go);
		} else {
			// The worktree first (a snapshot and a checkout): the process starts once it is ready.
			isolation.worktrees.place(task).then(
				tree => {
					if (!stopped) launch(tree.cwd, deps.placement(task).cwd);
				},
				(error: unknown) => {
					if (!stopped) fail(error instanceof Error ? error.message : String(error));
				},
			);
		}
		return () => {
			stopped = true;
			aborter.abort();
			void treeWatch?.close();
			void proc?.stop('stopped');
		};

	/** Starts the task's process in `workspace` (its worktree, or the workspace itself); `main` is the run's workspace when they differ. */
	function launch(workspace: string, main: string = workspace): void {
		// Compiled only where it is asked (agents, worktree watches): a command in the shared tree never does.
		let owned: ((path: string) => boolean) | undefined;
		const isOwned = (path: string): boolean => (owned ??= compileGlobs(task.owns))(path);
		let parser: AgentParser | undefined;
		let spec: ProcessSpec;
		// Agents run in their task's own root (invocation.cwd: a worktree once tasks are isolated).
		let cwd = workspace;
		let env: NodeJS.ProcessEnv = {
			...baseEnv,
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
			const invocation = agentInvocation(task, plan, {workspace: main, ...(main === workspace ? {} : {cwd: workspace}), runDir, guardCommand, ...(resumeSessionId ? {resumeSessionId} : {})});
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
				...(pooled ? {pooled} : {}),
			});
			if (proc.pid !== undefined) sendBack({type: 'task.started', taskId: task.id, pid: proc.pid, at: Date.now()});
			void proc.done.then(async exit => {
				ended = true;
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
				let reason = proc?.pid === undefined ? exit.reason : (result?.failureReason ?? exit.reason);
				const exited = (outcome: 'passed' | 'failed') =>
					sendBack({
						type: 'task.exited',
						taskId: task.id,
						outcome,
						exitCode: exit.exitCode,
						signal: exit.signal,
						...(reason ? {reason} : {}),
						at: Date.now(),
					});
				if (!isolation) return exited(failed ? 'failed' : 'passed');
				await treeWatch?.close();
				if (stopped) return;
				if (failed) {
					// Kept in its worktree for inspection; the changes recorded for the report and `d`.
					await isolation.worktrees.record(task);
					if (!stopped) exited('failed');
					return;
				}
				// The task ended and its work waits in its worktree: a conflict about `paths`, by name.
				const heldConflict = (paths: readonly string[], how: 'diff' | 'workspace', why: string): void =>
					sendBack({type: 'conflict.detected', taskId: task.id, path: paths[0] as string, paths, how, finished: true, reason: why, at: Date.now()});
				const settled = await isolation.worktrees.settle(task, plan, logPathFor(runDir, task.id), aborter.signal);
				if (stopped) return;
				switch (settled.kind) {
					case 'applied':
						return exited('passed');
					case 'gate-failed':
					case 'error':
						reason = settled.reason;
						return exited('failed');
					case 'stray':
						return heldConflict(settled.paths, 'diff', `changed ${settled.paths.join(', ')} in its worktree, outside its ownership`);
					case 'workspace-changed':
						return heldConflict(settled.paths, 'workspace', `${settled.paths.join(', ')} changed in the workspace since the phase started; the task's version waits in its worktree`);
				}
			});
			if (isolation) watchTree(workspace, isolation.ignore(), isOwned);
		} catch (error) {
			const reason = error instanceof Error ? error.message : String(error);
			queueMicrotask(() => fail(reason));
		}
	}

	/**
	 * Watches the task's worktree while it runs: a write outside its ownership there can only be
	 * its own, so the culprit is exact.
	 */
	function watchTree(root: string, ignore: IgnorePredicate | undefined, isOwned: (path: string) => boolean): void {
		if (!ignore) return;
		watchWorkspace({
			workspace: root,
			ignore,
			onChanges: changes => {
				for (const change of changes) {
					if (stopped || ended || isOwned(change.path)) continue;
					sendBack({type: 'conflict.detected', taskId: task.id, path: change.path, how: 'watcher', changeKind: change.kind, at: change.at});
				}
			},
		}).then(
			watch => {
				if (stopped) void watch.close();
				else treeWatch = watch;
			},
			() => undefined,
		);
	}
	});
}
