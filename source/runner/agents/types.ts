// The agent adapters' shapes: how an agent is started and what its output stream means.

/** How an agent's stdout is read: one of the known JSON streams, generic JSON lines, or plain text. */
export type AgentFormat = 'claude' | 'codex' | 'gemini' | 'text' | 'jsonl';

/**
 * One agent process to start, without a shell: `file` and `args` go to spawn as they are.
 * `env` holds only what fanout adds (FANOUT_*); the runner merges it over its own environment.
 */
export type AgentInvocation = {
	readonly file: string;
	readonly args: readonly string[];
	/** What fanout adds to the environment: the agent's `env:`, then FANOUT_* and the CLI's own needs (fanout's win). */
	readonly env: Readonly<Record<string, string>>;
	readonly format: AgentFormat;
	/** Where to start the process: the task's own root (a worktree, or the workspace). */
	readonly cwd: string;
	/** The user's `args` left out because fanout passes the same option itself (see applyClashRule). */
	readonly droppedArgs: readonly string[];
	/** Files to write (in the run folder) before the agent starts, e.g. Gemini's hook settings. */
	readonly setupFiles: readonly {readonly path: string; readonly content: string}[];
};

/** Where and how an agent runs, beyond the task and the plan. */
export type InvocationContext = {
	/** Absolute path of the main workspace (the plan's folder). */
	readonly workspace: string;
	/**
	 * Absolute path of the task's own root, where the agent runs: a git worktree of the workspace
	 * when tasks are isolated, else the workspace itself (the default). Plan paths are relative to it.
	 */
	readonly cwd?: string;
	/** Absolute path of this run's folder (`.fanout/runs/<id>`): the guard records refusals under it. */
	readonly runDir: string;
	/** How to start `fanout guard`, e.g. `[process.execPath, '/abs/dist/cli.js', 'guard']`. */
	readonly guardCommand: readonly string[];
	/** The agent session to continue (`resume`): Claude Code (`--resume`) and Codex (`exec resume`); others start afresh. */
	readonly resumeSessionId?: string;
};

/** A file the agent reported touching (or asking for) outside its ownership. */
export type AgentConflict = {
	/** Workspace-relative, or absolute when outside the workspace. */
	readonly path: string;
	readonly reason: string;
};

/** A `FANOUT-NEEDS:` line found in the agent's own text (inside its JSON stream). */
export type AgentNeed = {readonly path: string; readonly reason?: string};

/** What one raw output line meant. */
export type AgentUpdate = {
	/** Readable pane lines (not yet sanitized: pass them through the same sanitizer as any output). */
	readonly display: readonly string[];
	/** Workspace-relative paths the agent reports having edited (owned or not). */
	readonly edits: readonly string[];
	/** Reported edits outside ownership or outside the workspace. */
	readonly conflicts: readonly AgentConflict[];
	/**
	 * `FANOUT-NEEDS:` lines from the agent's text. In a JSON stream the raw line starts with `{`,
	 * so a marker scan over raw lines misses them; these are the same requests, already parsed.
	 */
	readonly needs: readonly AgentNeed[];
	/** Set when this line revealed the agent's session id. */
	readonly sessionId?: string;
};

/** How the agent process ended (as the runner saw it). */
export type AgentExit = {readonly exitCode: number | null; readonly signal: string | null};

/** What the whole stream amounted to, once the process has ended. */
export type AgentResult = {
	/** The agent's final message: the task's completion report. */
	readonly report?: string;
	readonly costUsd?: number;
	readonly tokens?: number;
	readonly turns?: number;
	readonly sessionId?: string;
	/** The agent's own words on why it failed (e.g. `Not logged in · Please run /login`). */
	readonly failureReason?: string;
	/** Workspace-relative paths the agent reported editing, in first-seen order. */
	readonly changedFiles: readonly string[];
};

/** Turns one agent's raw output lines into updates, then a result. */
export type AgentParser = {
	push(rawLine: string): AgentUpdate;
	finish(exit: AgentExit): AgentResult;
};

/** What a parser needs to know about the task. */
export type ParserOptions = {
	/** Does the task own this workspace-relative path? */
	readonly isOwned: (relPath: string) => boolean;
	/** Absolute workspace path, to make reported absolute paths relative. */
	readonly workspace: string;
};
