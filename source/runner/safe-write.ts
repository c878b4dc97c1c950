// Safe writes of the files fanout writes for the user (plans, schedules, summaries, the schema):
// the text goes to a temporary file in the same folder, is flushed to disk, and is renamed over
// the target, so a crash, a full disk or a failed rename leaves the old file whole.

import {closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync} from 'node:fs';
import {basename, dirname, join} from 'node:path';

/** A failed safe write: a plain message naming the path and the reason (no stack for users). */
export class SafeWriteError extends Error {
	/** The file that was to be written. */
	readonly path: string;
	/** The system error code (EACCES, ENOSPC, EISDIR...), when there is one. */
	readonly code: string | undefined;
	constructor(path: string, code: string | undefined, reason: string) {
		super(`cannot write ${path}: ${reason}`);
		this.name = 'SafeWriteError';
		this.path = path;
		this.code = code;
	}
}

const reasons: Record<string, string> = {
	EACCES: 'permission denied',
	EPERM: 'permission denied',
	EISDIR: 'it is a folder',
	ENOTDIR: 'a part of the path is a file',
	ENOENT: 'its folder does not exist',
	ENOSPC: 'the disk is full',
	ENAMETOOLONG: 'the name is too long',
	EROFS: 'the file system is read-only',
};

function reasonOf(error: unknown): {code: string | undefined; reason: string} {
	const code = (error as NodeJS.ErrnoException).code;
	return {code, reason: (code && reasons[code]) ?? code ?? (error instanceof Error ? error.message : String(error))};
}

/** Flushes a folder's entry list, so the rename itself survives a crash. Not every system can. */
function syncFolder(folder: string): void {
	let fd: number | undefined;
	try {
		fd = openSync(folder, 'r');
		fsyncSync(fd);
	} catch {
		// Windows and some file systems refuse to open or sync a folder: the rename is still atomic.
	} finally {
		if (fd !== undefined) closeSync(fd);
	}
}

/**
 * Writes `text` to `path` atomically: temp file beside it, fsync, rename, fsync the folder.
 * Throws a SafeWriteError naming the path; the old file (if any) is then untouched and the
 * temporary file removed.
 */
export function writeFileSafely(path: string, text: string | Uint8Array): void {
	const folder = dirname(path);
	const temp = join(folder, `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);
	let fd: number | undefined;
	try {
		fd = openSync(temp, 'wx', 0o644);
		const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
		let done = 0;
		while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
		fsyncSync(fd);
		closeSync(fd);
		fd = undefined;
		renameSync(temp, path);
	} catch (error) {
		if (fd !== undefined) {
			try {
				closeSync(fd);
			} catch {
				// Already failing: the first error is the one to report.
			}
		}
		try {
			rmSync(temp, {force: true});
		} catch {
			// The folder itself is unusable (e.g. a file): there is no temporary file to remove.
		}
		const {code, reason} = reasonOf(error);
		throw new SafeWriteError(path, code, reason);
	}
	syncFolder(folder);
}

/** writeFileSafely as a value: undefined once written, else the message (for never-throw callers). */
export function tryWriteFileSafely(path: string, text: string | Uint8Array): string | undefined {
	try {
		writeFileSafely(path, text);
		return undefined;
	} catch (error) {
		return (error as Error).message;
	}
}
