// From the machine's context to pane models: the current phase's tasks, or the verify commands.

import {verifyChildId} from '../machine/child-ids.js';
import type {OrchestratorContext, TaskRun} from '../machine/types.js';
import type {Task} from '../plan/types.js';
import {failureReason, formatCost, planTasks} from './format.js';
import type {PaneModel} from './components/task-pane.js';


function noteOf(run: TaskRun | undefined): string | undefined {
	if (run === undefined) return undefined;
	switch (run.status) {
		case 'passed':
			return run.costUsd ? `${formatCost(run.costUsd)} · exit 0` : 'exit 0';
		case 'failed':
		case 'stopped':
		case 'conflicted':
		case 'skipped':
			return failureReason(run);
		case 'running':
		case 'pending':
			return run.costUsd ? formatCost(run.costUsd) : undefined;
	}
}

/** The pane of one task. */
export function taskPane(task: Task, run: TaskRun | undefined): PaneModel {
	return {
		key: task.id,
		label: task.id,
		title: task.title,
		owns: task.owns.join(' '),
		status: run?.status ?? 'pending',
		startedAt: run?.startedAt,
		endedAt: run?.endedAt,
		note: noteOf(run),
	};
}

/** Panes of the verify commands. */
export function verifyPanes(context: OrchestratorContext): PaneModel[] {
	return context.verify.map(v => ({
		key: verifyChildId(v.index),
		label: `verify ${v.index + 1}`,
		title: v.command,
		status: v.status,
		startedAt: v.startedAt,
		endedAt: v.endedAt,
		note: v.exitCode === undefined || v.exitCode === null ? undefined : `exit ${v.exitCode}`,
	}));
}

/** Panes for the grid: verify commands while verifying, else the current phase's tasks. */
export function currentPanes(state: string, context: OrchestratorContext): PaneModel[] {
	if (state === 'verifying') return verifyPanes(context);
	const phase = context.plan.phases[context.phaseIndex];
	return (phase?.tasks ?? []).map(task => taskPane(task, context.tasks[task.id]));
}

/** The pane model behind a store key (task or verify command), for the log view's header. */
export function paneForKey(key: string, context: OrchestratorContext): PaneModel {
	const verify = verifyPanes(context).find(pane => pane.key === key);
	if (verify) return verify;
	const found = planTasks(context.plan).find(({task}) => task.id === key);
	return found ? taskPane(found.task, context.tasks[key]) : {key, label: key, status: 'pending'};
}
