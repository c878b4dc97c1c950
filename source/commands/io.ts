// What a command needs from the outside world, so commands can be tested without a process.

/** Streams and settings handed to every command by cli.tsx. */
export type CommandIO = {
	readonly stdout: (text: string) => void;
	readonly stderr: (text: string) => void;
	readonly cwd: string;
	/** Colour on (FORCE_COLOR, or a terminal without NO_COLOR). */
	readonly color: boolean;
	/** stdout is a terminal. */
	readonly isTTY: boolean;
};

/** A command: parses its own arguments, returns the process exit code. */
export type Command = (argv: readonly string[], io: CommandIO) => Promise<number>;
