// Plain words for file-system failures of the user's own setup: a full disk, a read-only or
// forbidden folder, a file where a folder should be. One helper turns an errno, a path and what
// fanout was doing into a sentence naming the path and the fix; `IoFailure` carries those three
// from where a write failed up to whoever tells the user (the run's fault path, the CLI).

import {statSync} from 'node:fs';
import {dirname, isAbsolute, relative, sep} from 'node:path';

/** What fanout was doing to the path when it failed. */
export type IoAction = 'writing' | 'creating' | 'reading' | 'opening';

/**
 * A file-system failure that names its path and action (Node's own errors lose the path on a
 * `write` to an open descriptor, which is where a full disk shows).
 */
export class IoFailure extends Error {
	readonly code: string | undefined;
	readonly path: string;
	readonly action: IoAction;

	constructor(cause: unknown, path: string, action: IoAction) {
		const code = errnoOf(cause);
		super(`${code ?? 'error'} ${action} ${path}: ${cause instanceof Error ? cause.message : String(cause)}`, {cause});
		this.name = 'IoFailure';
		this.code = code;
		this.path = path;
		this.action = action;
	}
}

/** Runs `fn`; a failure comes back as an IoFailure naming `path` and `action`. */
export function withIo<T>(path: string, action: IoAction, fn: () => T): T {
	try {
		return fn();
	} catch (error) {
		throw error instanceof IoFailure ? error : new IoFailure(error, path, action);
	}
}

/** The errno code of an error (`ENOSPC`), if it has one. */
export function errnoOf(error: unknown): string | undefined {
	const code = (error as {code?: unknown} | null | undefined)?.code;
	return typeof code === 'string' ? code : undefined;
}

/** The codes that mean "out of space": a log waits for space on these rather than stopping the run. */
export function isOutOfSpace(error: unknown): boolean {
	const code = errnoOf(error);
	return code === 'ENOSPC' || code === 'EDQUOT';
}

/** How a path is shown: relative to `base` (the folder the user is in) when inside it. */
export function showPath(path: string, base: string = process.cwd()): string {
	if (!isAbsolute(path)) return path;
	const rel = relative(base, path);
	return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/**
 * One sentence for an errno met while `action` `path`, naming the path and what to do; undefined
 * for codes that are not about the user's setup (those are fanout's bugs or passing trouble).
 */
export function ioSentence(code: string | undefined, path: string, action: IoAction, base?: string): string | undefined {
	const shown = showPath(path, base);
	const where = `(${action} ${shown})`;
	switch (code) {
		case 'ENOSPC':
			return `the disk is full ${where}. Free some space on that disk`;
		case 'EDQUOT':
			return `your disk quota is used up ${where}. Free some space, or ask for a bigger quota`;
		case 'EACCES':
		case 'EPERM':
			return `permission denied ${where}. Make ${showPath(nearestExisting(path), base)} writable for you (\`ls -ld\` shows its owner), or run fanout in a folder you own`;
		case 'EROFS':
			return `the filesystem is read-only ${where}. Run fanout in a writable folder, or remount that filesystem read-write`;
		case 'ENOTDIR': {
			const file = fileInTheWay(path);
			const shownFile = file === undefined ? undefined : showPath(file, base);
			return shownFile === undefined
				? `a part of the path is a file, not a folder ${where}. Move or rename that file`
				: `${shownFile} is a file, not a folder ${where}. Move or rename that file so fanout can make the folder`;
		}
		case 'EISDIR':
			return `${shown} is a folder where fanout expects a file ${where}. Move or rename that folder`;
		case 'EMFILE':
		case 'ENFILE':
			return `too many files are open ${where}. Raise the limit (\`ulimit -n\`) or run fewer tasks at once (--max-parallel)`;
		case 'EIO':
			return `the disk reported an input/output error ${where}. Check the disk (dmesg) and free space`;
		case 'ENOENT':
			return `${shown} does not exist any more ${where}. Check that its folder was not removed or unmounted`;
		default:
			return undefined;
	}
}

/** The sentence for an IoFailure (or any errno error with a path), or undefined when it is not a setup problem. */
export function describeIoError(error: unknown, base?: string): string | undefined {
	if (error instanceof IoFailure) return ioSentence(error.code, error.path, error.action, base);
	const path = (error as {path?: unknown} | null | undefined)?.path;
	if (typeof path !== 'string') return undefined;
	const syscall = (error as {syscall?: unknown}).syscall;
	const action: IoAction = syscall === 'mkdir' ? 'creating' : syscall === 'open' ? 'opening' : syscall === 'read' || syscall === 'scandir' ? 'reading' : 'writing';
	return ioSentence(errnoOf(error), path, action, base);
}

/** The closest existing ancestor of `path` (itself if it exists). */
function nearestExisting(path: string): string {
	let current = path;
	for (;;) {
		try {
			statSync(current);
			return current;
		} catch {
			const parent = dirname(current);
			if (parent === current) return current;
			current = parent;
		}
	}
}

/** The first ancestor of `path` (from the root down) that exists and is not a folder. */
function fileInTheWay(path: string): string | undefined {
	const parts = path.split(sep);
	for (let i = 1; i <= parts.length; i++) {
		const prefix = parts.slice(0, i).join(sep) || sep;
		try {
			if (!statSync(prefix).isDirectory()) return prefix;
		} catch {
			return undefined;
		}
	}
	return undefined;
}
