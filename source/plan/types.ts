// The plan model: the typed shape every other part of fanout reads. Pure data, no I/O.

import type {AgentName} from './agents.js';

export type {AgentName};

/** Which of the domain's planning patterns a plan follows. */
export type Pattern = 'module' | 'layer' | 'feature' | 'read-heavy' | 'custom';

/**
 * A named agent as people configure it (`agent: {name: claude, model: sonnet, ...}`): the model,
 * the commands it may run without asking, extra CLI arguments (after fanout's own), extra
 * environment variables.
 */
export type ConfiguredAgent = {
	readonly name: AgentName;
	readonly model?: string;
	readonly allow?: readonly string[];
	readonly args?: readonly string[];
	readonly env?: Readonly<Record<string, string>>;
};

/** A custom command whose `{prompt}` argument receives the prompt. */
export type CustomAgent = {readonly command: readonly string[]; readonly output?: 'text' | 'jsonl'};

/** A named agent (short or configured form), or a custom command. */
export type AgentSpec = AgentName | ConfiguredAgent | CustomAgent;

export type PhaseMode = 'parallel' | 'sequential';

/** One unit of work: a shell command (`run`) or an agent prompt (`prompt`), owning a set of files. */
export type Task = {
	readonly id: string;
	readonly title?: string;
	/** Globs relative to the workspace: the files this task may create or change. */
	readonly owns: readonly string[];
	/** Globs relative to the workspace: files it depends on, which must not change under it. */
	readonly reads: readonly string[];
	/** Ids of tasks in earlier phases that must have passed before this one runs. */
	readonly dependsOn: readonly string[];
	readonly prompt?: string;
	readonly run?: string;
	/** Milliseconds; undefined means no timeout. */
	readonly timeoutMs?: number;
	readonly env: Readonly<Record<string, string>>;
	readonly agent?: AgentSpec;
	/** Claude Code permission mode (acceptEdits by default) or Codex sandbox, per agent. */
	readonly permissionMode?: string;
	/**
	 * Commands run in the task's worktree after it ends and before its changes are applied (its
	 * own tests, lint); a failing one fails the task. Undefined: the plan's `gate`.
	 */
	readonly gate?: readonly string[];
};

/** Where a phase's tasks work: each in its own git worktree, or all in the workspace itself. */
export type Isolation = 'worktree' | 'shared';

/** Worktree settings: folders git ignores that each worktree links to the workspace's copy. */
export type WorktreeSettings = {readonly link?: readonly string[]};

export type Phase = {
	readonly name: string;
	readonly mode: PhaseMode;
	/** Overrides the plan's isolation for this phase. */
	readonly isolation?: Isolation;
	readonly tasks: readonly Task[];
};

/** A whole plan: phases run one after another; tasks of a parallel phase run at once. */
export type Plan = {
	readonly name: string;
	readonly goal?: string;
	readonly pattern: Pattern;
	/** As written in the file (relative to the plan file); the loader resolves it. */
	readonly workspace?: string;
	readonly agent?: AgentSpec;
	readonly permissionMode?: string;
	readonly ignore: readonly string[];
	readonly phases: readonly Phase[];
	readonly verify: readonly string[];
	/** Undefined: `worktree` when the workspace is a git repository with a commit, else `shared` (decided at run start). */
	readonly isolation?: Isolation;
	readonly worktree?: WorktreeSettings;
	/** Default `gate` of every task. */
	readonly gate?: readonly string[];
};

/** Line and column (both 1-based) of a node in the plan file. */
export type SourcePosition = {readonly line: number; readonly column: number};

/**
 * Where each part of a plan came from. `positions` is keyed by a dotted path into the
 * plan as written, e.g. `phases.0.tasks.1.owns.0`; for a flat `tasks:` plan, `tasks.3.id`.
 */
export type PlanSource = {
	readonly file: string;
	readonly positions: ReadonlyMap<string, SourcePosition>;
};

export type Severity = 'error' | 'warning';

/** One validation result: what is wrong, where, and how to fix it. */
export type Finding = {
	readonly severity: Severity;
	/** Stable machine-readable code, e.g. `ownership.overlap`, `shape.unknown-field`. */
	readonly code: string;
	/** One or two sentences; says what is wrong and how to fix it. */
	readonly message: string;
	readonly file: string;
	readonly line: number;
	readonly column: number;
	readonly tasks: readonly string[];
	readonly paths: readonly string[];
};

/** The result of validation. */
export type ValidationReport = {
	readonly valid: boolean;
	readonly errors: readonly Finding[];
	readonly warnings: readonly Finding[];
};

/** Status of a task during or after a run. */
export type TaskStatus = 'pending' | 'running' | 'passed' | 'failed' | 'stopped' | 'skipped' | 'conflicted';
