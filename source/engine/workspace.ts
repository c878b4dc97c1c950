// Where a task runs. Today every task works in the run's workspace itself; an isolation mode
// (a git worktree per task, merged back at the phase's end) plugs in here: it decides each
// task's working directory, and the task actor, the guard and the agent adapters follow it.

import type {Task} from '../plan/types.js';

/** The folder a task's process starts in and its agent is told to work in. */
export type TaskPlace = {
	/** The task's working directory (FANOUT_WORKSPACE, the process's cwd). */
	readonly cwd: string;
};

/** Decides where each task of a run works: the seam for an isolation mode. */
export type Placement = (task: Task) => TaskPlace;

/** No isolation: every task works in the shared workspace, kept apart by file ownership. */
export function sharedWorkspace(workspace: string): Placement {
	return () => ({cwd: workspace});
}
