// The runner's contract with the UI and the headless reporter: per-task output tails that
// are read at a frame rate, never pushed line by line.

/** What the UI and reporters may read of one task's (or verify command's) output. */
export type OutputTail = {
	/** Increases whenever the tail changes; a pane re-renders only when it moved. */
	readonly version: number;
	/** The last lines, sanitized (colour SGR kept, every other control removed), oldest first. */
	lines(max?: number): readonly string[];
	/** Bytes received so far (stdout + stderr). */
	readonly bytes: number;
	/** Complete lines seen so far. */
	readonly lineCount: number;
	/** Absolute path of the byte-exact log file. */
	readonly logPath: string;
};

/** All tails of one run, keyed by task id (verify commands as `verify:<index>`). */
export type OutputStore = {
	get(key: string): OutputTail | undefined;
	/** Sum of all tails' versions: cheap "did anything change" check for a frame. */
	readonly version: number;
};
