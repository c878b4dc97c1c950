// One task's byte-exact log file: every chunk appended as it arrives, synchronously, and a full
// disk turned into back-pressure (the bytes wait here, in order, and a timer retries) instead of
// a lost log. Split from output.ts: the tail and the headless lines are not its business.

import {closeSync, mkdirSync, openSync, writeSync} from 'node:fs';
import {dirname} from 'node:path';
import {isOutOfSpace, IoFailure} from './errors.js';

/** Why a task's output is paused: its log waits for disk space. */
export type StallReason = 'disk full';

/** What a log tells its owner about the disk. */
export type LogEvents = {
	/** The disk is full: the caller pauses its producer until `onResume`. */
	readonly onStall: (failure: IoFailure) => void;
	/** Every waiting byte was written after all (or the wait was given up). */
	readonly onResume: (gaveUp: boolean) => void;
	/** Writing failed for another reason than space: the log is closed and incomplete. */
	readonly onFailure: (failure: IoFailure) => void;
};

/** The writer end of one log file. */
export type LogWriter = {
	/** Appends `chunk` (kept by reference while it waits); false while the disk is full. */
	write(chunk: Buffer): boolean;
	/** Set once the log is known to be incomplete (a failure, or bytes given up on). */
	readonly error: string | undefined;
	readonly stalled: StallReason | undefined;
	/** Stops waiting for space: what waits is counted as cut, later chunks are dropped. */
	giveUp(): void;
	/** Resolves once no byte waits for disk space. */
	written(): Promise<void>;
	/** A last try for what waits (the rest is noted as cut), then closes the file. */
	close(): void;
};

/** Opens `logPath` for appending (a retried or resumed task keeps its earlier output); throws a plain message. */
export function openLogWriter(logPath: string, retryMs: number, events: LogEvents): LogWriter {
	let fd: number | undefined;
	try {
		mkdirSync(dirname(logPath), {recursive: true});
		fd = openSync(logPath, 'a');
	} catch (error) {
		throw new Error(`cannot open log ${logPath}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {cause: error});
	}
	let error: string | undefined;
	// Synchronous writes: order is kept without queueing, memory cannot pile up behind a slow
	// disk (the pipe simply waits), and a kill -9 of fanout loses nothing already read.
	// A full disk pauses the log instead: the unwritten bytes wait here (write() returns false, so
	// the producer stops reading the pipe and the task blocks on it) and are written, in order,
	// once a retry finds space. Nothing is dropped unless the run gives up (giveUp).
	let unwritten: Buffer[] = [];
	let written = 0;
	let stalled: StallReason | undefined;
	let retryTimer: NodeJS.Timeout | undefined;
	let gaveUp = false;
	let lost = 0;
	let waiters: Array<() => void> = [];

	const closeQuietly = (): void => {
		if (fd === undefined) return;
		try {
			closeSync(fd);
		} catch {
			// Already unusable; nothing more to lose.
		}
		fd = undefined;
	};

	/** Writes what waits; false when the disk is full (the rest keeps waiting). */
	const flush = (): boolean => {
		while (unwritten.length > 0 && fd !== undefined) {
			const next = unwritten[0]!;
			let offset = 0;
			try {
				while (offset < next.length) offset += writeSync(fd, next, offset, next.length - offset);
			} catch (cause) {
				written += offset;
				unwritten[0] = next.subarray(offset);
				const failure = new IoFailure(cause, logPath, 'writing');
				if (isOutOfSpace(cause)) return false;
				error = `cannot write log ${logPath}: ${failure.code ?? String(cause)}`;
				lost += unwritten.reduce((sum, b) => sum + b.length, 0);
				unwritten = [];
				closeQuietly();
				events.onFailure(failure);
				return true;
			}
			written += next.length;
			unwritten.shift();
		}
		return true;
	};

	const unstall = (): void => {
		if (!stalled) return;
		stalled = undefined;
		if (retryTimer) clearTimeout(retryTimer);
		retryTimer = undefined;
		events.onResume(gaveUp);
		const wake = waiters;
		waiters = [];
		for (const resolve of wake) resolve();
	};

	const stall = (): void => {
		if (stalled) return;
		stalled = 'disk full';
		events.onStall(new IoFailure(Object.assign(new Error('no space left on device'), {code: 'ENOSPC'}), logPath, 'writing'));
		const retry = (): void => {
			retryTimer = undefined;
			if (gaveUp) return;
			if (flush()) unstall();
			else retryTimer = setTimeout(retry, retryMs);
		};
		retryTimer = setTimeout(retry, retryMs);
	};

	/** Where the log was cut, written into the log itself when the disk lets it (best effort). */
	const noteCut = (): void => {
		lost += unwritten.reduce((sum, b) => sum + b.length, 0);
		unwritten = [];
		if (lost === 0) return;
		error = `log cut after ${written} bytes: ${lost} bytes of output were not written (the disk was full)`;
		if (fd === undefined) return;
		try {
			writeSync(fd, `\n[fanout: this log was cut here (after ${written} bytes): the disk was full and ${lost} bytes of output were not written]\n`);
		} catch {
			// The disk is still full: the journal, the summary and the message say it instead.
		}
	};

	return {
		write(chunk) {
			if (gaveUp || fd === undefined) {
				if (gaveUp) lost += chunk.length;
				return true;
			}
			unwritten.push(chunk);
			if (flush()) return true;
			stall();
			return false;
		},
		get error() {
			return error;
		},
		get stalled() {
			return stalled;
		},
		giveUp() {
			if (gaveUp) return;
			gaveUp = true;
			noteCut();
			unstall();
		},
		written: () => (stalled ? new Promise<void>(resolve => waiters.push(resolve)) : Promise.resolve()),
		close() {
			if (!flush()) noteCut();
			if (retryTimer) clearTimeout(retryTimer);
			retryTimer = undefined;
			stalled = undefined;
			for (const resolve of waiters.splice(0)) resolve();
			closeQuietly();
		},
	};
}
