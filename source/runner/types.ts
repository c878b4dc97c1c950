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

/** Line access to one whole log, read from disk on demand (the full-screen log view). */
export type LogLines = {
	/** Indexes up to `budget` new bytes; true once the whole file is indexed (call again as it grows). */
	scan(budget?: number): boolean;
	/** Lines indexed so far, counting an unfinished last line. */
	readonly lineCount: number;
	/** The raw bytes of lines [from, from + count), without their newlines. */
	lines(from: number, count: number): Buffer[];
	/** Indexes only the last `count` lines (reading backwards), before any scan: a view opens at the end. */
	tail(count: number): void;
	/** Adds up to `count` earlier lines in front of the window; returns how many (0 at the start). */
	extendBack(count: number): number;
	/** True once the window reaches the file's start (line numbers are then the file's own). */
	readonly complete: boolean;
	/** The file's size in bytes when last scanned. */
	readonly size: number;
	/** Byte offset of a window line's start. */
	offsetOf(line: number): number;
	close(): void;
};

/** All tails of one run, keyed by task id (verify commands as `verify:<index>`). */
export type OutputStore = {
	get(key: string): OutputTail | undefined;
	/**
	 * Opens the whole log of `key` for reading: the UI reads no disk itself, it asks the store.
	 * An error (no such key, missing file, no permission) comes back as a value.
	 */
	openLog(key: string): LogLines | {readonly error: string};
	/** Sum of all tails' versions: cheap "did anything change" check for a frame. */
	readonly version: number;
	/** Why some task's output is paused now ("disk full": its log waits for space), if it is. */
	readonly stalled?: string | undefined;
};
