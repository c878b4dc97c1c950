// Child actor ids and output-store keys, built in one place so the machine, the engine, the UI
// and the tests name a task's or a verify command's actor and log alike.

/** The orchestrator's child actor running task `taskId`. */
export const taskChildId = (taskId: string): string => `task:${taskId}`;

/**
 * Verify command `index`: its child actor id, and also its key in the output store and its log
 * file name (tasks are keyed by their own id; a task id cannot contain ':').
 */
export const verifyChildId = (index: number): string => `verify:${index}`;

/** The orchestrator's one watcher child. */
export const WATCHER_ID = 'watcher';
