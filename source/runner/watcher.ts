// Watches a workspace while a phase runs and reports changed files in small batches.
// One non-recursive fs.watch (one inotify watch in libuv) per directory and no per-file state:
// Node 20's recursive fs.watch and chokidar stat and remember every file (about 280 MB and
// 1 GB of RSS on a 100,000-file tree here), and @parcel/watcher misses files written in
// directories made by `mkdir -p` (it adds a watch to a new directory without looking inside).

import {watch, type FSWatcher} from 'node:fs';
import {lstat, readdir, realpath} from 'node:fs/promises';
import path from 'node:path';
import type {ChangeKind, FileChange} from '../plan/conflict.js';

/** A running workspace watch. */
export type Watcher = {
	/** Stops watching and releases every handle; changes already received are delivered first. Idempotent. */
	close(): Promise<void>;
	/** Number of directories being watched (for figures and tests). */
	readonly watchedDirectories: number;
	/**
	 * How many events the kernel has reported for paths not ignored, since the start. While it
	 * stays the same, nothing in the watched tree changed (the phase-end check uses it to skip
	 * its scan); it moves even for changes the watch does not report (a directory's own events).
	 */
	readonly eventCount: number;
};

/** Options of {@link watchWorkspace}. */
export type WatchOptions = {
	readonly workspace: string;
	/** True for workspace-relative POSIX paths to leave out (see createIgnore); an ignored directory is not entered. */
	readonly ignore: (relPath: string) => boolean;
	/** Receives each batch, paths workspace-relative POSIX, in arrival order. */
	readonly onChanges: (changes: FileChange[]) => void;
	/** How long to gather events before delivering a batch (0 = deliver each event at once). */
	readonly batchMs?: number;
	/** Receives a plain-words message when part of the watch fails after the start. */
	readonly onError?: (message: string) => void;
};

/** Why the watch could not start, in words a user can act on. */
export class WatchError extends Error {
	override readonly name = 'WatchError';
}

type RawEvent = {readonly dir: string; readonly type: 'rename' | 'change'; readonly name: string; readonly at: number};

/**
 * Starts watching `workspace` recursively. Resolves once every directory is watched, so a write
 * made after the promise settles is reported. A directory created later is watched at once and
 * the files already inside it are reported as added, so `mkdir -p a/b && echo > a/b/f` is seen.
 * Directories themselves are not reported, only files (and symlinks). A file moved or renamed
 * shows as unlink + add. Rejects with a {@link WatchError} when the watch cannot start.
 */
export async function watchWorkspace(options: WatchOptions): Promise<Watcher> {
	const {ignore, onChanges, batchMs = 25, onError} = options;
	const root = await realpath(options.workspace).catch(() => {
		throw new WatchError(`cannot watch ${options.workspace}: the folder does not exist`);
	});
	const watchers = new Map<string, FSWatcher>();
	// Directories ever watched: their own deletion (reported by the parent and by themselves,
	// in either order) is not a file change.
	const knownDirs = new Set<string>();
	let pending: FileChange[] = [];
	let timer: NodeJS.Timeout | undefined;
	let closed = false;
	let closing: Promise<void> | undefined;
	let queue: RawEvent[] = [];
	let draining: Promise<void> | undefined;
	let eventCount = 0;

	const absolute = (rel: string) => (rel === '' ? root : path.join(root, rel));
	const join = (dir: string, name: string) => (dir === '' ? name : `${dir}/${name}`);

	const flush = () => {
		if (timer) clearTimeout(timer);
		timer = undefined;
		if (pending.length === 0) return;
		const batch = pending;
		pending = [];
		pendingKeys = new Set();
		onChanges(batch);
	};
	// inotify often reports one write as several events (create + modify + close); one per batch is enough.
	let pendingKeys = new Set<string>();
	const emit = (rel: string, kind: ChangeKind, at: number) => {
		const key = `${kind}\0${rel}`;
		if (pendingKeys.has(key)) return;
		pendingKeys.add(key);
		pending.push({path: rel, kind, at});
		if (batchMs <= 0) flush();
		else timer ??= setTimeout(flush, batchMs);
	};

	const unwatchTree = (rel: string) => {
		for (const [dir, watcher] of watchers) {
			if (rel === '' || dir === rel || dir.startsWith(`${rel}/`)) {
				watcher.close();
				watchers.delete(dir);
			}
		}
	};

	// Watch first, list second: a file created in between is then seen by one or the other.
	const watchTree = async (rel: string, at: number | undefined): Promise<void> => {
		if (closed || watchers.has(rel) || (rel !== '' && ignore(rel))) return;
		let watcher: FSWatcher;
		try {
			watcher = watch(absolute(rel), (type, name) => {
				// Counted as it arrives (not once handled), so a count read after the event loop has
				// polled includes every change made before.
				if (name === null) {
					eventCount++; // the kernel could not say which entry: something changed
					return;
				}
				const child = join(rel, String(name));
				if (ignore(child)) return;
				eventCount++;
				enqueue({dir: rel, type, name: String(name), at: Date.now()});
			});
		} catch (error) {
			if (rel === '') throw new WatchError(`cannot watch ${root}: ${describe(error)}`);
			if (!isGone(error)) onError?.(`cannot watch ${rel}: ${describe(error)}`);
			return;
		}
		// A watched directory that is deleted ends its watcher with an error on some kernels.
		watcher.on('error', () => {
			watcher.close();
			if (watchers.get(rel) === watcher) watchers.delete(rel);
		});
		watchers.set(rel, watcher);
		knownDirs.add(rel);
		let entries;
		try {
			entries = await readdir(absolute(rel), {withFileTypes: true});
		} catch {
			return;
		}
		const subdirs: Promise<void>[] = [];
		for (const entry of entries) {
			const child = join(rel, entry.name);
			if (entry.isDirectory()) subdirs.push(watchTree(child, at));
			// Files found in a directory made during the run were added by someone.
			else if (at !== undefined && !ignore(child)) emit(child, 'add', at);
		}
		await Promise.all(subdirs);
	};

	// Ignored paths never reach here (left out as they arrive).
	const handle = async (event: RawEvent) => {
		const rel = join(event.dir, event.name);
		if (event.type === 'change') {
			// Content or attributes changed: no need to look, unless it is a directory's own attributes.
			if (!watchers.has(rel)) emit(rel, 'change', event.at);
			return;
		}
		const stats = await lstat(absolute(rel)).catch(() => undefined);
		if (stats?.isDirectory()) {
			await watchTree(rel, event.at);
		} else if (stats) {
			emit(rel, 'add', event.at);
		} else if (event.dir !== '' && event.name === path.posix.basename(event.dir) && !(await exists(absolute(event.dir)))) {
			// libuv names a deleted watched directory after itself: not a file in it.
			unwatchTree(event.dir);
		} else if (knownDirs.has(rel)) {
			// A directory went away: its files were reported one by one (rm -r) or are left to the
			// phase-end scan (moved away whole); the directory itself is no file change.
			unwatchTree(rel);
			knownDirs.delete(rel);
		} else {
			emit(rel, 'unlink', event.at);
		}
	};

	// Events are handled one at a time so that batches keep arrival order.
	const drain = async () => {
		while (queue.length > 0 && !closed) {
			const batch = queue;
			queue = [];
			for (const event of batch) {
				try {
					await handle(event);
				} catch (error) {
					onError?.(`watching ${root} failed: ${describe(error)}`);
				}
			}
		}
		draining = undefined;
	};
	const enqueue = (event: RawEvent) => {
		if (closed) return;
		queue.push(event);
		draining ??= drain();
	};

	await watchTree('', undefined).catch(error => {
		unwatchTree('');
		throw error instanceof WatchError ? error : new WatchError(`cannot watch ${root}: ${describe(error)}`);
	});

	return {
		get watchedDirectories() {
			return watchers.size;
		},
		get eventCount() {
			return eventCount;
		},
		close() {
			closing ??= (async () => {
				// Let events already received be handled and delivered before the handles go.
				await draining;
				closed = true;
				for (const watcher of watchers.values()) watcher.close();
				watchers.clear();
				knownDirs.clear();
				flush();
			})();
			return closing;
		},
	};
}

async function exists(absolutePath: string): Promise<boolean> {
	return lstat(absolutePath).then(
		() => true,
		() => false,
	);
}

function isGone(error: unknown): boolean {
	const code = (error as {code?: string}).code;
	return code === 'ENOENT' || code === 'ENOTDIR';
}

function describe(error: unknown): string {
	const code = (error as {code?: string}).code;
	const message = error instanceof Error ? error.message : String(error);
	if (code === 'ENOSPC') return `${message} (the inotify watch limit is reached; raise fs.inotify.max_user_watches)`;
	if (code === 'EMFILE') return `${message} (too many open files; raise the limit with ulimit -n)`;
	return message;
}
