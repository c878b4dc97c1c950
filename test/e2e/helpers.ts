// Shared by the end-to-end tests: temporary workspaces with a plan, the built CLI, and a count
// of processes still alive from a run.

import {execFileSync, spawn, spawnSync} from 'node:child_process';
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

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
      - id: a
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
	options: {cwd: string; env?: NodeJS.ProcessEnv; onStart?: (pid: number, output: () => string) => void},
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
		options.onStart?.(child.pid!, () => stdout);
		child.on('close', (code, signal) => resolve({code, signal, stdout, stderr, pid: child.pid!}));
	});
}

/** Polls until `predicate` holds (or throws after `timeoutMs`). */
export async function until(predicate: () => boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
	const start = Date.now();
	while (!predicate()) {
		if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
		await new Promise(r => setTimeout(r, 50));
	}
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

/** A private tmux server (its own socket), so tests never touch the user's sessions. */
export function tmuxServer(prefix: string): {run(...args: string[]): string; kill(): void} {
	const socket = `${prefix}-${process.pid}`;
	return {
		run: (...args) => execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'}),
		kill: () => void spawnSync('tmux', ['-L', socket, 'kill-server']),
	};
}

/** Waits until `screen()` passes `test`; on time-out the error shows the last screen. */
export async function waitForScreen(screen: () => string, test: (text: string) => boolean, what: string, timeoutMs: number): Promise<string> {
	let last = '';
	try {
		await until(() => test((last = screen())), timeoutMs, what);
	} catch (error) {
		throw new Error(`${(error as Error).message}\n--- screen ---\n${last}`, {cause: error});
	}
	return last;
}

/** The exit code a session command printed as `FANOUT_EXIT=N`. */
export async function exitCodeOn(waitFor: (pattern: RegExp, what: string) => Promise<string>): Promise<number> {
	const text = await waitFor(/FANOUT_EXIT=\d+/, 'fanout to exit');
	return Number(/FANOUT_EXIT=(\d+)/.exec(text)![1]);
}
