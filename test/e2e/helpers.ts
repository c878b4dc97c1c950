// Shared by the end-to-end tests: temporary workspaces with a plan, the built CLI, a count of
// processes still alive from a run, and the one tmux session helper of the terminal tests.

import {execFileSync, spawn, spawnSync} from 'node:child_process';
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {until} from '../until.js';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const cli = join(root, 'dist', 'bin', 'cli.js');
export const worker = join(root, 'test', 'fixtures', 'e2e', 'worker.mjs');

/** `node worker.mjs ARGS` as a plan's `run:` line. */
export function work(args: string): string {
	return `node ${worker} ${args}`;
}

/**
 * A plan whose tasks outlive a careless stop: a worker that leaves a grandchild and sleeps, and
 * a shell with a background sleep. What the stop tests count as "nothing left behind".
 */
export function lingeringPlan(name: string): string {
	return `name: ${name}
phases:
  - name: one
    tasks:
${lingeringTasks()}`;
}

/** lingeringPlan's two tasks, as items of a phase's `tasks:` list, to put in other plans. */
export function lingeringTasks(): string {
	return `      - id: a
        owns: [a/**]
        run: ${work('--grandchild --lines 1 --sleep 60000')}
      - id: b
        owns: [b/**]
        run: bash -c 'sleep 300 & sleep 300'
`;
}

/** A temporary workspace holding `plan.yaml` and the given files. */
export function workspace(planYaml: string, files: Record<string, string> = {}): string {
	const dir = mkdtempSync(join(tmpdir(), 'fanout-e2e-'));
	writeFileSync(join(dir, 'plan.yaml'), planYaml);
	for (const [path, text] of Object.entries(files)) {
		mkdirSync(dirname(join(dir, path)), {recursive: true});
		writeFileSync(join(dir, path), text);
	}
	return dir;
}

export function cleanup(dir: string): void {
	rmSync(dir, {recursive: true, force: true, maxRetries: 5, retryDelay: 100});
}

export type CliResult = {readonly code: number | null; readonly signal: string | null; readonly stdout: string; readonly stderr: string; readonly pid: number};

/** Runs the built CLI to its end. `onStart` gets the child (to signal it). */
export function runCli(
	args: readonly string[],
	options: {cwd: string; env?: NodeJS.ProcessEnv; onStart?: (pid: number, output: () => string, errors: () => string) => void},
): Promise<CliResult> {
	return new Promise(resolve => {
		const child = spawn(process.execPath, [cli, ...args], {
			cwd: options.cwd,
			env: {...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...options.env},
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', chunk => (stdout += chunk));
		child.stderr.on('data', chunk => (stderr += chunk));
		options.onStart?.(child.pid!, () => stdout, () => stderr);
		child.on('close', (code, signal) => resolve({code, signal, stdout, stderr, pid: child.pid!}));
	});
}


/** Pids of live processes in the given process groups. */
export function membersOfGroups(pgids: readonly number[]): number[] {
	const wanted = new Set(pgids);
	const pids: number[] = [];
	for (const name of readdirSync('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		try {
			const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			if (fields[0] !== 'Z' && wanted.has(Number(fields[2]))) pids.push(Number(name));
		} catch {
			// Gone while we looked.
		}
	}
	return pids;
}

/** Process groups a run's journal says it started. */
export function journalGroups(dir: string): number[] {
	const runs = join(dir, '.fanout', 'runs');
	const groups: number[] = [];
	for (const run of readdirSync(runs)) {
		const text = readFileSync(join(runs, run, 'events.jsonl'), 'utf8');
		for (const line of text.split('\n')) {
			if (!line.trim()) continue;
			try {
				const event = JSON.parse(line) as {type: string; pgid?: number};
				if (event.type === 'task.started' && event.pgid) groups.push(event.pgid);
			} catch {
				// A torn last line.
			}
		}
	}
	return groups;
}

/** Is tmux on this machine? (The terminal tests skip without it.) */
export const hasTmux = spawnSync('tmux', ['-V']).status === 0;

/** One tmux window running a shell command: its screen, keys typed into it, and its exit code. */
export type TmuxSession = {
	readonly name: string;
	screen(): string;
	/** Sends keys (tmux key names or text) in one write. */
	keys(...keys: string[]): void;
	/** Sends keys one per write with a pause, as a person types: Ink reads one key sequence per chunk. */
	press(...keys: string[]): Promise<void>;
	/** Types text literally (no key names). */
	type(text: string): void;
	waitUntil(test: (screen: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
	waitFor(pattern: RegExp, what?: string, timeoutMs?: number): Promise<string>;
	/** The code the command exited with (the session prints it as `FANOUT_EXIT=N`). */
	exitCode(): Promise<number>;
	/** tmux's `display-message` for this window, e.g. `#{cursor_flag}`. */
	display(format: string): string;
};

/** How a session is opened: its size, its name, and how long waits last unless told. */
export type SessionOptions = {readonly columns: number; readonly rows: number; readonly name: string; readonly timeoutMs?: number};

/** A private tmux server (its own socket), so tests never touch the user's sessions. */
export function tmuxServer(prefix: string): {run(...args: string[]): string; kill(): void; open(command: string, options: SessionOptions): TmuxSession} {
	const socket = `${prefix}-${process.pid}`;
	const run = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});
	return {
		run,
		kill: () => void spawnSync('tmux', ['-L', socket, 'kill-server']),
		open(command, {columns, rows, name, timeoutMs = 20_000}) {
			// The window stays after the command ends, so its exit code and last screen can be read.
			run('new-session', '-d', '-s', name, '-x', String(columns), '-y', String(rows), `${command}; echo FANOUT_EXIT=$?; sleep 600`);
			const screen = () => run('capture-pane', '-p', '-t', name);
			const session: TmuxSession = {
				name,
				screen,
				keys: (...keys) => void run('send-keys', '-t', name, ...keys),
				async press(...keys) {
					for (const key of keys) {
						run('send-keys', '-t', name, key);
						await new Promise(resolve => setTimeout(resolve, 100));
					}
				},
				type: text => void run('send-keys', '-t', name, '-l', text),
				waitUntil: (test, what, ms = timeoutMs) => waitForScreen(screen, test, what, ms),
				waitFor: (pattern, what = String(pattern), ms = timeoutMs) => waitForScreen(screen, text => pattern.test(text), what, ms),
				async exitCode() {
					const text = await session.waitFor(/FANOUT_EXIT=\d+/, 'fanout to exit');
					return Number(/FANOUT_EXIT=(\d+)/.exec(text)![1]);
				},
				display: format => run('display-message', '-p', '-t', name, format),
			};
			return session;
		},
	};
}

/** Waits until `screen()` passes `test`; on time-out the error shows the last screen. */
async function waitForScreen(screen: () => string, test: (text: string) => boolean, what: string, timeoutMs: number): Promise<string> {
	let last = '';
	try {
		// Every 50 ms: each look is a tmux process.
		await until(() => test((last = screen())), timeoutMs, what, 50);
	} catch (error) {
		throw new Error(`${(error as Error).message}\n--- screen ---\n${last}`, {cause: error});
	}
	return last;
}
