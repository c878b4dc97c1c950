#!/usr/bin/env node
// argv -> one command. The only file that reads process.argv or sets the exit code.
// Commands are imported lazily so `fanout --version` and `fanout guard` start fast.

import {enableCompileCache} from './compile-cache.js';
import {packageVersion} from './package-root.js';
import {withoutFetch} from './without-fetch.js';
import type {Command, CommandIO} from './commands/io.js';

// Before any command chunk loads: those are what the cache saves compiling (Node >= 22.1).
enableCompileCache();

type Loader = () => Promise<Command>;

const commands: Record<string, {readonly load: Loader; readonly summary: string}> = {
	run: {load: async () => (await import('./commands/run.js')).runCommand, summary: 'run a plan (interactive in a terminal, headless otherwise)'},
	resume: {load: async () => (await import('./commands/run.js')).resumeCommand, summary: 'continue an interrupted run (default: the latest unfinished)'},
	runs: {load: async () => (await import('./commands/runs.js')).runsCommand, summary: 'list the runs of this workspace'},
	report: {load: async () => (await import('./commands/report.js')).reportCommand, summary: 'report on a run: text, --json, or a self-contained --html page'},
	clean: {load: async () => (await import('./commands/clean.js')).cleanCommand, summary: "remove fanout's git worktrees and refs for this workspace"},
	demo: {load: async () => (await import('./commands/demo.js')).demoCommand, summary: 'run the bundled demo in a temporary copy of the sample repository'},
	validate: {load: async () => (await import('./commands/validate.js')).validateCommand, summary: 'check a plan before running it'},
	schedule: {load: async () => (await import('./commands/schedule.js')).scheduleCommand, summary: 'turn a flat task list into phases'},
	schema: {load: async () => (await import('./commands/schema.js')).schemaCommand, summary: "print the plan's JSON Schema"},
	plan: {load: async () => (await import('./commands/plan.js')).planCommand, summary: 'propose a plan from a goal and a pattern'},
	guard: {load: async () => (await import('./commands/guard.js')).guardCommand, summary: "(internal) Claude Code hook that enforces a task's ownership"},
};

function usage(): string {
	// One column for the words, as wide as the longest command, wrapped under itself at 80.
	const rows: Array<readonly [string, string]> = [
		['fanout', 'open the start screen (in a terminal)'],
		...Object.entries(commands)
			.filter(([name]) => name !== 'guard')
			.map(([name, c]) => [`fanout ${name}`, c.summary] as const),
	];
	const width = Math.max(...rows.map(([left]) => left.length)) + 4;
	const wrap = (text: string): string[] => {
		const lines: string[] = [];
		let line = '';
		for (const word of text.split(' ')) {
			if (line !== '' && width + line.length + 1 + word.length > 80) {
				lines.push(line);
				line = word;
			} else line = line === '' ? word : `${line} ${word}`;
		}
		return [...lines, line];
	};
	const lines = rows.flatMap(([left, words]) => wrap(words).map((text, i) => `${(i === 0 ? `  ${left}` : '').padEnd(width)}${text}`));
	return [
		'fanout: run coding-agent work in parallel, safely.',
		'',
		'Usage:',
		...lines,
		'',
		'Options: --help, --version. Each command takes --help.',
		'',
	].join('\n');
}

function colorEnabled(isTTY: boolean): boolean {
	const force = process.env['FORCE_COLOR'];
	if (force !== undefined) return force !== '0' && force !== 'false';
	if (process.env['NO_COLOR']) return false;
	return isTTY;
}

async function main(argv: readonly string[]): Promise<number> {
	const isTTY = Boolean(process.stdout.isTTY);
	const io: CommandIO = {
		stdout: text => process.stdout.write(text),
		stderr: text => process.stderr.write(text),
		cwd: process.cwd(),
		color: colorEnabled(isTTY),
		isTTY,
	};
	const [name, ...rest] = argv;
	if (name === '--version' || name === '-v') {
		io.stdout(`${packageVersion()}\n`);
		return 0;
	}
	if (name === '--help' || name === '-h' || name === 'help') {
		io.stdout(usage());
		return 0;
	}
	if (name === undefined) {
		if (isTTY && process.stdin.isTTY) {
			const {startCommand} = await withoutFetch(() => import('./commands/start.js'));
			return startCommand(rest, io);
		}
		io.stderr(usage());
		return 2;
	}
	const command = commands[name];
	if (!command) {
		io.stderr(`fanout: unknown command "${name}". Run \`fanout --help\` to see the commands.\n`);
		return 2;
	}
	return (await withoutFetch(command.load))(rest, io);
}

/**
 * The last word on an error no command handled: the user's own setup (a full disk, a folder
 * that is a file, no permission) in plain words with exit 74; anything else is a bug, exit 70,
 * with a request to report it (FANOUT_DEBUG=1 shows the stack). No stack trace otherwise.
 */
async function reportFailure(error: unknown): Promise<number> {
	const {describeIoError} = await import('./runner/errors.js');
	const words = describeIoError(error);
	if (words !== undefined) {
		process.stderr.write(`fanout: ${words}.\n`);
		return 74;
	}
	const message = error instanceof Error ? error.message : String(error);
	process.stderr.write(`fanout: internal error: ${message}\nThis is a bug in fanout: please report it with what led to it${process.env['FANOUT_DEBUG'] ? '' : ' (FANOUT_DEBUG=1 shows the stack trace)'}.\n`);
	if (process.env['FANOUT_DEBUG'] && error instanceof Error) process.stderr.write(`${error.stack}\n`);
	return 70;
}

// Outside a run, an uncaught error gets the same words. A running session listens too and owns
// its faults (it stops every task first): then this one stays out of the way.
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
	process.on(event, (error: unknown) => {
		if (process.listenerCount(event) > 1) return;
		void reportFailure(error).then(code => process.exit(code));
	});
}

main(process.argv.slice(2)).then(
	code => {
		// Everything the command started has been awaited: leave now, even if a dead terminal
		// (its window closed, SIGHUP) still has a listener hanging on stdin.
		process.exit(code);
	},
	(error: unknown) => void reportFailure(error).then(code => process.exit(code)),
);
