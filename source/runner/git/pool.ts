// The worktree pool of one workspace: detached worktrees (no branch) under the common git
// dir, `<git common dir>/fanout/<workspace key>/worktrees/slot-N`, so they never show in the
// user's `git status` and are reused across phases and runs. Moving a warm worktree to a new
// snapshot is a checkout of the changed files plus a clean, about ten times cheaper than
// creating one. A lock file keeps two fanout processes from sharing a pool.

import {existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {dirname, isAbsolute, join, resolve} from 'node:path';
import {removePoolFolder, removePoolWorktrees} from './clean.js';
import {git, type GitResult} from './exec.js';
import {DEFAULT_LINKED_FOLDERS, linkFolders} from './links.js';
import {fanoutGitDir, repoFacts} from './repo.js';
import type {RepoFacts, Worktree} from './types.js';

/** Reported after each slot is ready, so a UI can show cold creation. */
export type AcquireProgress = {
	readonly done: number;
	readonly total: number;
	readonly slot: string;
	/** True when the slot was created (a checkout of every file), false when moved. */
	readonly cold: boolean;
};

export type PoolOptions = {
	/** Linked folders (see links.ts); default DEFAULT_LINKED_FOLDERS. */
	readonly link?: readonly string[];
	/** Slots created or moved at the same time (default 8). */
	readonly parallel?: number;
};

/** A worktree registered in git that lives in this pool. */
type Listed = {readonly slot: string; readonly path: string; readonly prunable: boolean};

const SLOT = /^slot-(\d+)$/;

/** The folder holding a workspace's worktrees. */
export function poolWorktreesDir(facts: Pick<RepoFacts, 'workspace' | 'commonDir'>): string {
	return join(fanoutGitDir(facts), 'worktrees');
}

/** The pid holding the pool's lock, when that process is alive. */
export function poolLockHolder(facts: Pick<RepoFacts, 'workspace' | 'commonDir'>): number | undefined {
	const lock = join(fanoutGitDir(facts), 'lock');
	let pid: number;
	try {
		pid = Number(readFileSync(lock, 'utf8').trim());
	} catch {
		return undefined;
	}
	if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return undefined;
	try {
		process.kill(pid, 0);
		return pid;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
	}
}

/** Worktrees git has registered under this workspace's pool, by slot. */
export async function listPoolWorktrees(facts: RepoFacts): Promise<GitResult<Listed[]>> {
	const listed = await gitRetryingRace(['worktree', 'list', '--porcelain', '-z'], facts.top);
	if (!listed.ok) return listed;
	const dir = poolWorktreesDir(facts);
	const found: Listed[] = [];
	for (const record of listed.value.split('\0\0')) {
		const fields = record.split('\0');
		const path = fields.find(f => f.startsWith('worktree '))?.slice('worktree '.length);
		if (!path || dirname(path) !== dir || !SLOT.test(path.slice(dir.length + 1))) continue;
		found.push({slot: path.slice(dir.length + 1), path, prunable: fields.some(f => f.startsWith('prunable'))});
	}
	return {ok: true, value: found};
}

/**
 * Drops git's records of this pool's worktrees whose folder is gone (what `git worktree prune`
 * does, limited to fanout's own entries, so the user's other worktrees are left alone).
 * Returns the admin folders removed.
 */
export function pruneStalePoolEntries(facts: RepoFacts): string[] {
	const admin = join(facts.commonDir, 'worktrees');
	const dir = poolWorktreesDir(facts);
	const removed: string[] = [];
	let names: string[];
	try {
		names = readdirSync(admin);
	} catch {
		return removed;
	}
	for (const name of names) {
		let gitdir: string;
		try {
			gitdir = readFileSync(join(admin, name, 'gitdir'), 'utf8').trim();
		} catch {
			continue;
		}
		const tree = dirname(gitdir);
		// A `locked` entry is one git is still creating (or a user locked): never ours to drop.
		if (dirname(tree) !== dir || existsSync(gitdir) || existsSync(join(admin, name, 'locked'))) continue;
		rmSync(join(admin, name), {recursive: true, force: true});
		removed.push(name);
	}
	return removed;
}

/** The admin folder's index of a worktree, read from the worktree's `.git` file. */
function worktreeIndexFile(root: string): string {
	const pointer = readFileSync(join(root, '.git'), 'utf8').trim().replace(/^gitdir: /, '');
	return join(isAbsolute(pointer) ? pointer : resolve(root, pointer), 'index');
}

/**
 * git reads every worktree's admin folder on `worktree add` and `worktree list`; one being
 * created at the same moment may lack its `commondir` or `gitdir` file yet ("failed to read
 * .git/worktrees/slot-1/commondir"). That is a passing state: try again a few times.
 */
async function gitRetryingRace(args: readonly string[], cwd: string): Promise<GitResult<string>> {
	let result = await git(args, {cwd});
	for (let attempt = 1; attempt <= 5 && !result.ok && /failed to read .*(commondir|gitdir)|is not a valid|could not lock/i.test(result.message); attempt++) {
		await new Promise(resolve => setTimeout(resolve, 20 * attempt));
		result = await git(args, {cwd});
	}
	return result;
}

/** Runs `work` over `items`, at most `limit` at once, keeping the order of results. */
async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
	const results: R[] = new Array(items.length);
	let next = 0;
	const lanes = Array.from({length: Math.max(1, Math.min(limit, items.length))}, async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await work(items[index]!);
		}
	});
	await Promise.all(lanes);
	return results;
}

/**
 * The worktree pool of one workspace. Open it once per run, `acquire` worktrees at each phase
 * start, `release` them when the phase's work has been applied (or keep a failed task's one
 * for inspection by not releasing it), `close` at the end of the run; `cleanup` removes every
 * worktree (`fanout clean` does the same from the command line).
 */
export class WorktreePool {
	private readonly busy = new Set<string>();
	private closed = false;

	private constructor(
		/** Where the workspace sits in git. */
		readonly facts: RepoFacts,
		private readonly options: PoolOptions,
	) {}

	/** Opens the pool of `workspace`, taking its lock (fails when another live fanout holds it). */
	static async open(workspace: string, options: PoolOptions = {}): Promise<GitResult<WorktreePool>> {
		const facts = await repoFacts(workspace);
		if (!facts.ok) return facts;
		const holder = poolLockHolder(facts.value);
		if (holder !== undefined) return {ok: false, message: `another fanout process (pid ${holder}) is using the worktrees of ${facts.value.workspace}; wait for it, or stop it`};
		mkdirSync(poolWorktreesDir(facts.value), {recursive: true});
		writeFileSync(join(fanoutGitDir(facts.value), 'lock'), `${process.pid}\n`);
		writeFileSync(join(fanoutGitDir(facts.value), 'workspace'), `${facts.value.workspace}\n`);
		return {ok: true, value: new WorktreePool(facts.value, options)};
	}

	/** The linked-folder entries in use. */
	get linkEntries(): readonly string[] {
		return this.options.link ?? DEFAULT_LINKED_FOLDERS;
	}

	/**
	 * Lends `count` worktrees checked out at `commit` (a snapshot): free existing slots are
	 * moved to it, missing ones are created, all at once up to the parallel limit. Each comes
	 * back clean (nothing untracked or ignored left from before) with its folders linked.
	 */
	async acquire(count: number, commit: string, onProgress?: (progress: AcquireProgress) => void): Promise<GitResult<Worktree[]>> {
		if (this.closed) return {ok: false, message: 'the worktree pool is closed'};
		const listed = await listPoolWorktrees(this.facts);
		if (!listed.ok) return listed;
		const known = new Map(listed.value.map(entry => [entry.slot, entry]));
		const free = [...known.values()].filter(entry => !this.busy.has(entry.slot) && !entry.prunable && existsSync(entry.path)).map(entry => entry.slot);
		const slots: string[] = free.sort((a, b) => slotNumber(a) - slotNumber(b)).slice(0, count);
		for (let n = 1; slots.length < count; n++) {
			const name = `slot-${n}`;
			if (!this.busy.has(name) && !slots.includes(name) && !free.includes(name)) slots.push(name);
		}
		for (const slot of slots) this.busy.add(slot);
		// Once, before any creation starts: pruning while `git worktree add` runs could drop the
		// record of a worktree whose folder git has not written yet.
		pruneStalePoolEntries(this.facts);
		let done = 0;
		const results = await mapLimited(slots, this.options.parallel ?? 8, async slot => {
			const warm = free.includes(slot);
			const result = warm ? await this.move(slot, commit) : await this.create(slot, commit);
			// A warm slot that cannot be moved (its files were damaged by hand) is made again.
			const final = !result.ok && warm ? await this.create(slot, commit) : result;
			if (final.ok) onProgress?.({done: ++done, total: slots.length, slot, cold: !warm || !result.ok});
			return final;
		});
		const failed = results.find(result => !result.ok);
		if (failed && !failed.ok) {
			for (const slot of slots) this.busy.delete(slot);
			return failed;
		}
		return {ok: true, value: results.map(result => (result as {value: Worktree}).value)};
	}

	/** Gives worktrees back to the pool; their files stay until the next `acquire` moves them. */
	release(trees: readonly (Worktree | string)[]): void {
		for (const tree of trees) this.busy.delete(typeof tree === 'string' ? tree : tree.slot);
	}

	/** Releases the pool's lock; the worktrees stay for the next run. */
	close(): void {
		if (this.closed) return;
		this.closed = true;
		const lock = join(fanoutGitDir(this.facts), 'lock');
		try {
			if (readFileSync(lock, 'utf8').trim() === String(process.pid)) rmSync(lock, {force: true});
		} catch {
			// Already gone.
		}
	}

	/** Removes every worktree of the pool, its records in git and its folder; then closes it. */
	async cleanup(): Promise<GitResult<{readonly removed: readonly string[]; readonly pruned: readonly string[]}>> {
		this.busy.clear();
		const result = await removePoolWorktrees(this.facts);
		this.close();
		if (result.ok) removePoolFolder(this.facts);
		return result;
	}

	private path(slot: string): string {
		return join(poolWorktreesDir(this.facts), slot);
	}

	private async create(slot: string, commit: string): Promise<GitResult<Worktree>> {
		const path = this.path(slot);
		// Leftovers of a slot git no longer knows (or knows but cannot use) go first.
		// (`add --force` then takes over a record whose folder is missing.)
		if (existsSync(path)) {
			await git(['worktree', 'remove', '--force', '--force', path], {cwd: this.facts.top});
			rmSync(path, {recursive: true, force: true});
		}
		const added = await gitRetryingRace(['worktree', 'add', '--detach', '--force', '--quiet', path, commit], this.facts.top);
		if (!added.ok) return added;
		return this.ready(slot, commit);
	}

	private async move(slot: string, commit: string): Promise<GitResult<Worktree>> {
		const path = this.path(slot);
		const checkout = await git(['checkout', '--detach', '--force', '--quiet', commit], {cwd: path});
		if (!checkout.ok) return checkout;
		// -ff also removes nested repositories a task may have cloned; -x the ignored files and
		// the old links (git removes a symlink itself, never what it points to).
		const clean = await git(['clean', '-ffdxq'], {cwd: path});
		if (!clean.ok) return clean;
		return this.ready(slot, commit);
	}

	private ready(slot: string, commit: string): GitResult<Worktree> {
		const root = this.path(slot);
		const prefix = this.facts.prefix;
		const cwd = prefix ? join(root, prefix.replace(/\/$/, '')) : root;
		try {
			mkdirSync(cwd, {recursive: true});
			const linked = linkFolders(this.facts.workspace, cwd, this.linkEntries).map(folder => `${prefix}${folder}`);
			return {ok: true, value: {slot, root, cwd, indexFile: worktreeIndexFile(root), linked, commit, prefix}};
		} catch (error) {
			return {ok: false, message: `could not prepare worktree ${root}: ${error instanceof Error ? error.message : String(error)}`};
		}
	}
}

function slotNumber(slot: string): number {
	return Number(SLOT.exec(slot)?.[1] ?? 0);
}
