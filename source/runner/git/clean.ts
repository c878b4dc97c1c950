// Removes what fanout keeps in git for one workspace: the pool's worktrees and git's records
// of them, the refs under refs/fanout/<workspace key>/, and the pool folder in the common git
// dir. What `fanout clean` runs, and what WorktreePool.cleanup does.

import {readdirSync, rmSync, rmdirSync} from 'node:fs';
import {dirname} from 'node:path';
import {git, type GitResult} from './exec.js';
import {listPoolWorktrees, poolLockHolder, pruneStalePoolEntries} from './pool.js';
import {fanoutGitDir, fanoutRefPrefix, repoFacts} from './repo.js';
import type {RepoFacts} from './types.js';

/** What a clean removed. */
export type CleanReport = {
	/** Worktree folders removed. */
	readonly worktrees: readonly string[];
	/** Refs deleted. */
	readonly refs: readonly string[];
	/** Git's records of worktrees whose folder was already gone. */
	readonly pruned: readonly string[];
};

/** Removes the pool's worktrees and git's records of them. Returns the folders removed. */
export async function removePoolWorktrees(facts: RepoFacts): Promise<GitResult<{readonly removed: readonly string[]; readonly pruned: readonly string[]}>> {
	const listed = await listPoolWorktrees(facts);
	if (!listed.ok) return listed;
	const removed: string[] = [];
	for (const entry of listed.value) {
		if (!entry.prunable) {
			const gone = await git(['worktree', 'remove', '--force', '--force', entry.path], {cwd: facts.top});
			// A folder git refuses to remove (damaged by hand) is deleted, then its record pruned.
			if (!gone.ok) rmSync(entry.path, {recursive: true, force: true});
			removed.push(entry.path);
		}
	}
	const pruned = pruneStalePoolEntries(facts);
	return {ok: true, value: {removed, pruned}};
}

/**
 * Removes fanout's worktrees, refs and pool folder for `workspace`. Refuses while a live
 * fanout process holds the pool. A folder that is not a git repository has nothing to clean.
 */
export async function cleanWorkspace(workspace: string): Promise<GitResult<CleanReport>> {
	const factsResult = await repoFacts(workspace);
	if (!factsResult.ok) return factsResult;
	const facts = factsResult.value;
	const holder = poolLockHolder(facts);
	if (holder !== undefined) return {ok: false, message: `a fanout run (pid ${holder}) is using this workspace's worktrees; stop it first`};
	const worktrees = await removePoolWorktrees(facts);
	if (!worktrees.ok) return worktrees;
	const prefix = fanoutRefPrefix(facts);
	const listed = await git(['for-each-ref', '--format=%(refname)', prefix], {cwd: facts.top});
	if (!listed.ok) return listed;
	const refs = listed.value.split('\n').filter(Boolean);
	if (refs.length > 0) {
		const deleted = await git(['update-ref', '--stdin'], {cwd: facts.top, input: refs.map(ref => `delete ${ref}\n`).join('')});
		if (!deleted.ok) return deleted;
	}
	removePoolFolder(facts);
	return {ok: true, value: {worktrees: worktrees.value.removed, refs, pruned: worktrees.value.pruned}};
}

/** Deletes the workspace's folder under `<common git dir>/fanout/`, and that folder once empty. */
export function removePoolFolder(facts: RepoFacts): void {
	const dir = fanoutGitDir(facts);
	rmSync(dir, {recursive: true, force: true});
	try {
		if (readdirSync(dirname(dir)).length === 0) rmdirSync(dirname(dir));
	} catch {
		// Missing or not empty (another workspace's pool): leave it.
	}
}
