// Cheap spawns through one long-lived helper process (see spawner-script.ts for the why and the
// protocol). `spawnFromPool` hands out a pre-forked slot synchronously: the pid (= its process
// group) is known at once, stdout/stderr are FIFO sockets, and 'exit' / 'error' arrive later,
// like a ChildProcess. When no slot is ready (first spawns, perl missing, spawner gone) it
// returns undefined and the caller spawns directly. FANOUT_SPAWNER=0 turns it off.

import {spawn} from 'node:child_process';
import type {ChildProcess} from 'node:child_process';
import {EventEmitter} from 'node:events';
import {closeSync, constants, mkdtempSync, openSync, rmSync} from 'node:fs';
import {Socket} from 'node:net';
import {constants as osConstants, tmpdir} from 'node:os';
import {join} from 'node:path';
import {isGroupAlive} from './groups.js';
import {SPAWNER_SCRIPT} from './spawner-script.js';

/** What a spawn through the pool gives back: the parts of a ChildProcess that process.ts uses. */
export interface PooledChild extends EventEmitter {
	readonly pid: number;
	readonly stdout: Socket;
	readonly stderr: Socket;
}

type Slot = {readonly pid: number; readonly n: string};

/** Idle slots kept ready by default: one phase's worth of tasks starts without waiting for a fork. */
const POOL_SIZE = 12;
/** The most idle slots kept, however wide a phase (each is a small sleeping perl process). */
const MAX_POOL_SIZE = 32;
/** When the spawner is gone, how often a task's group is polled to learn that it ended. */
const ORPHAN_POLL_MS = 50;

let state: 'off' | 'starting' | 'on' | 'dead' = 'off';
let helper: ChildProcess | undefined;
let removeAtExit = false;
let dir = '';
/** Idle slots the spawner keeps (set when it starts). */
let poolSize = POOL_SIZE;
const idle: Slot[] = [];
const running = new Map<number, EventEmitter>();
let readyWaiters: Array<{readonly slots: number; readonly resolve: (ready: boolean) => void}> = [];

/**
 * Starts the spawner if it is not running and resolves once `slots` slots are ready (true), or
 * false when it cannot run (off, perl missing). For tests, and for a caller that knows spawns are
 * near: the run's start, with its widest phase. Started here, the pool holds two phases of that
 * width, so the next phase's slots are ready while the last ones are being replaced.
 */
export function warmSpawner(slots = 1): Promise<boolean> {
	if (!spawnerEnabled()) return Promise.resolve(false);
	if (state === 'off') startSpawner(Math.min(MAX_POOL_SIZE, Math.max(POOL_SIZE, 2 * slots)));
	if (state === 'dead') return Promise.resolve(false);
	const wanted = Math.min(slots, poolSize);
	if (state === 'on' && idle.length >= wanted) return Promise.resolve(true);
	refHelper();
	return new Promise((resolve) => readyWaiters.push({slots: wanted, resolve}));
}

/** The spawner's pid while it runs (for tests that check it dies with fanout). */
export function spawnerPid(): number | undefined {
	return state === 'dead' ? undefined : helper?.pid;
}

/** Resolves the waiters a pool of this size satisfies (all of them, false, when the spawner is gone). */
function settleWaiters(ready: boolean): void {
	const waiters = readyWaiters;
	readyWaiters = [];
	for (const waiter of waiters) {
		if (!ready) waiter.resolve(false);
		else if (idle.length >= waiter.slots) waiter.resolve(true);
		else readyWaiters.push(waiter);
	}
	if (readyWaiters.length === 0 && running.size === 0) unrefHelper();
}

/** True unless FANOUT_SPAWNER=0 (read once per call, so tests can flip it). */
export function spawnerEnabled(): boolean {
	return process.env.FANOUT_SPAWNER !== '0';
}

/**
 * Whether a run starts its shell commands from the pool: `wanted` is the driver's choice (the
 * TUI: a fork of fanout holds its event loop ~10 ms per task; headless: direct spawns cost less
 * CPU and less wall time, see test/bench/phases.ts). FANOUT_SPAWNER=1 or 0 overrides it.
 */
export function poolWanted(wanted: boolean): boolean {
	const forced = process.env.FANOUT_SPAWNER;
	return forced === '1' ? true : forced === '0' ? false : wanted;
}

/**
 * Starts `file args` in a pre-forked slot (own session and process group, stdin /dev/null), or
 * returns undefined when no slot is ready: then the caller spawns directly. Starts the spawner
 * on first use.
 */
export function spawnFromPool(file: string, args: readonly string[], options: {cwd: string; env: NodeJS.ProcessEnv}): PooledChild | undefined {
	if (!spawnerEnabled()) return undefined;
	if (state === 'off') startSpawner();
	if (state !== 'on' || !helper?.stdin) return undefined;
	const slot = idle.shift();
	if (!slot) return undefined;
	let stdout: Socket;
	let stderr: Socket;
	try {
		stdout = openFifo(join(dir, `${slot.n}.o`));
		try {
			stderr = openFifo(join(dir, `${slot.n}.e`));
		} catch (error) {
			stdout.destroy();
			throw error;
		}
	} catch {
		// The slot's FIFOs are gone (tmp cleaned?): let the caller spawn directly.
		return undefined;
	}
	const child = Object.assign(new EventEmitter(), {pid: slot.pid, stdout, stderr});
	running.set(slot.pid, child);
	refHelper();
	const fields = [options.cwd, file, String(args.length), ...args];
	for (const [key, value] of Object.entries(options.env)) if (value !== undefined) fields.push(`${key}=${value}`);
	const payload = Buffer.from(fields.join('\0'));
	helper.stdin.write(Buffer.concat([Buffer.from(`S ${slot.pid} ${payload.length}\n`), payload]));
	return child;
}

/**
 * Opens a FIFO's read end without blocking and wraps it as a stream (a pipe handle, not the
 * thread pool). The spawner removes the name once the task starts.
 */
function openFifo(path: string): Socket {
	const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
	try {
		return new Socket({fd, readable: true, writable: false});
	} catch (error) {
		closeSync(fd);
		throw error;
	}
}

function startSpawner(size = POOL_SIZE): void {
	state = 'starting';
	poolSize = size;
	try {
		dir = mkdtempSync(join(tmpdir(), 'fanout-spawner-'));
		helper = spawn('perl', ['-e', SPAWNER_SCRIPT, dir, String(poolSize)], {stdio: ['pipe', 'pipe', 'ignore']});
	} catch {
		state = 'dead';
		settleWaiters(false);
		return;
	}
	const child = helper;
	// Once per process, however many runs start a spawner in it.
	if (!removeAtExit) {
		removeAtExit = true;
		process.once('exit', () => removeDir());
	}
	child.on('error', () => spawnerGone());
	child.once('exit', () => spawnerGone());
	child.stdin!.on('error', () => undefined);
	let pending = '';
	child.stdout!.setEncoding('latin1');
	child.stdout!.on('data', (text: string) => {
		pending += text;
		let nl;
		while ((nl = pending.indexOf('\n')) >= 0) {
			onMessage(pending.slice(0, nl));
			pending = pending.slice(nl + 1);
		}
	});
	// The spawner must never keep fanout alive by itself; refHelper() holds the loop while tasks run.
	unrefHelper();
}

function onMessage(line: string): void {
	const [kind, pidText, value, step] = line.split(' ');
	const pid = Number(pidText);
	if (kind === 'R') {
		idle.push({pid, n: value ?? ''});
		state = 'on';
		settleWaiters(true);
		return;
	}
	const child = running.get(pid);
	if (kind === 'E' && child) {
		const errno = Number(value);
		const code = Object.entries(osConstants.errno).find(([, number]) => number === errno)?.[0] ?? `errno ${errno}`;
		child.emit('error', Object.assign(new Error(code), {code, errno, syscall: step === 'chdir' ? 'chdir' : 'spawn'}));
	} else if (kind === 'X') {
		const index = idle.findIndex((slot) => slot.pid === pid);
		if (index >= 0) idle.splice(index, 1);
		if (!child) return;
		running.delete(pid);
		if (running.size === 0 && readyWaiters.length === 0) unrefHelper();
		const status = Number(value);
		const signalNumber = status & 0x7f;
		const signal = signalNumber === 0 ? null : (Object.entries(osConstants.signals).find(([, number]) => number === signalNumber)?.[0] ?? null);
		child.emit('exit', signalNumber === 0 ? status >> 8 : null, signal);
	}
}

/**
 * Ends the spawner at the end of a run and waits (at most `waitMs`) for it to exit, so fanout
 * leaves no helper behind and the tasks it reaped count in fanout's own child CPU (rusage). A
 * later run in the same process starts a new one. Nothing to do while a task still runs.
 */
export function stopSpawner(waitMs = 1000): Promise<void> {
	const child = helper;
	if (!child || state === 'off' || state === 'dead' || running.size > 0) return Promise.resolve();
	return new Promise<void>((resolve) => {
		// A held timer keeps the loop alive while it exits (the helper's own handle is unref'd as
		// slots report ready).
		const timer = setTimeout(resolve, waitMs);
		child.once('exit', () => {
			clearTimeout(timer);
			// Gone by request, not by accident: the next run may start it again.
			state = 'off';
			helper = undefined;
			resolve();
		});
		child.stdin?.end();
	});
}

/** The spawner died (killed, or perl missing): spawn directly from now on, and learn how running tasks end from their groups. */
function spawnerGone(): void {
	if (state === 'dead') return;
	state = 'dead';
	idle.length = 0;
	settleWaiters(false);
	removeDir();
	for (const [pid, child] of running) {
		const poll = setInterval(() => {
			if (isGroupAlive(pid)) return;
			clearInterval(poll);
			running.delete(pid);
			child.emit('exit', null, null);
		}, ORPHAN_POLL_MS);
	}
}

/** While a task or a waiter depends on it, the spawner's messages and its exit must keep the loop alive. */
function refHelper(): void {
	helper?.ref();
	live(helper?.stdout)?.ref();
}

function unrefHelper(): void {
	helper?.unref();
	live(helper?.stdout)?.unref();
	live(helper?.stdin)?.unref();
}

/**
 * The socket while it is open. A closed socket has no handle, and Socket#ref/unref on one waits
 * for a 'connect' that never comes, one listener per call (slots reported ready after a stop
 * piled up 11 and Node warned).
 */
function live(stream: NodeJS.ReadableStream | NodeJS.WritableStream | null | undefined): Socket | undefined {
	const socket = stream as Socket | null | undefined;
	return socket && !socket.destroyed ? socket : undefined;
}

function removeDir(): void {
	if (!dir) return;
	try {
		// Idle slots may still be making their FIFOs here as fanout leaves (ENOTEMPTY): retry, and
		// never let a leftover temporary folder turn a finished run into an error.
		rmSync(dir, {recursive: true, force: true, maxRetries: 3, retryDelay: 10});
	} catch {
		// A folder under the temporary directory; the slots exit with the spawner.
	}
}
