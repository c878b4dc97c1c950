// A snapshot of the workspace as it is now (committed, uncommitted and untracked files that
// git does not ignore) stored as a commit object, without touching the user's HEAD, index,
// branches, stash or files: a private copy of the index takes `git add -A`, then write-tree
// and commit-tree. Copying the index first means only files changed since the user's last
// `git add` are hashed again.

import {copyFileSync, existsSync, mkdirSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import {randomBytes} from 'node:crypto';
import {git, type GitResult} from './exec.js';
import {expandLinkEntries} from './links.js';
import {fanoutGitDir, fanoutRefPrefix, repoFacts} from './repo.js';
import type {RepoFacts, Snapshot} from './types.js';

/** Who the snapshot commits are by: fixed, so a repository without user.name still works. */
const SNAPSHOT_IDENTITY = {
	GIT_AUTHOR_NAME: 'fanout',
	GIT_AUTHOR_EMAIL: 'fanout@localhost',
	GIT_COMMITTER_NAME: 'fanout',
	GIT_COMMITTER_EMAIL: 'fanout@localhost',
};

export type SnapshotOptions = {
	/**
	 * Link entries (the pool's `linkEntries`: workspace-relative, `*` segments allowed) whose
	 * folders are left out of the snapshot even when git does not ignore them, such as a
	 * node_modules no .gitignore mentions. `.fanout` always is.
	 */
	readonly exclude?: readonly string[];
	/**
	 * Keep the commit reachable from `refs/fanout/<workspace key>/<keepAs>` (for a run that may
	 * resume after git's gc grace period). Without it nothing but the worktrees' HEADs point at it.
	 */
	readonly keepAs?: string;
	/** Facts already read for this workspace (saves a git call). */
	readonly facts?: RepoFacts;
};

/** A pathspec excluding a workspace-relative folder, matched literally from the repository top. */
export function excludePathspec(prefix: string, folder: string): string {
	return `:(exclude,literal,top)${prefix}${folder.replace(/\/+$/, '')}`;
}

/** Takes a snapshot of `workspace` (see the module comment). */
export async function takeSnapshot(workspace: string, options: SnapshotOptions = {}): Promise<GitResult<Snapshot & {readonly facts: RepoFacts}>> {
	const factsResult = options.facts ? {ok: true as const, value: options.facts} : await repoFacts(workspace);
	if (!factsResult.ok) return factsResult;
	const facts = factsResult.value;
	const dir = fanoutGitDir(facts);
	mkdirSync(dir, {recursive: true});
	const indexFile = join(dir, `index-snapshot-${process.pid}-${randomBytes(4).toString('hex')}`);
	try {
		const userIndex = join(facts.gitDir, 'index');
		if (existsSync(userIndex)) copyFileSync(userIndex, indexFile);
		else {
			const seeded = await git(['read-tree', facts.head], {cwd: facts.top, env: {GIT_INDEX_FILE: indexFile}});
			if (!seeded.ok) return seeded;
		}
		const env = {GIT_INDEX_FILE: indexFile};
		// Only folders git does not ignore already: naming an ignored path, even to exclude it,
		// makes `git add` fail ("paths are ignored by one of your .gitignore files").
		const candidates = ['.fanout', ...expandLinkEntries(facts.workspace, options.exclude ?? [])];
		const ignored = await git(['check-ignore', '--', ...candidates.map(folder => `${facts.prefix}${folder}`)], {cwd: facts.top});
		const ignoredSet = new Set(ignored.ok ? ignored.value.split('\n').filter(Boolean) : []);
		const excludes = candidates.filter(folder => !ignoredSet.has(`${facts.prefix}${folder}`)).map(folder => excludePathspec(facts.prefix, folder));
		const added = await git(['add', '-A', '--', ':/', ...excludes], {cwd: facts.top, env});
		if (!added.ok) return added;
		const tree = await git(['write-tree'], {cwd: facts.top, env});
		if (!tree.ok) return tree;
		const treeId = tree.value.trim();
		const headTree = await git(['rev-parse', `${facts.head}^{tree}`], {cwd: facts.top});
		let commit = facts.head;
		if (!headTree.ok || headTree.value.trim() !== treeId) {
			const made = await git(['commit-tree', '--no-gpg-sign', '-p', facts.head, '-m', `fanout snapshot of ${facts.prefix || '.'}`, treeId], {cwd: facts.top, env: SNAPSHOT_IDENTITY});
			if (!made.ok) return made;
			commit = made.value.trim();
		}
		let ref: string | undefined;
		if (options.keepAs !== undefined) {
			ref = `${fanoutRefPrefix(facts)}${options.keepAs}`;
			const kept = await git(['update-ref', ref, commit], {cwd: facts.top});
			if (!kept.ok) return kept;
		}
		return {ok: true, value: {commit, tree: treeId, head: facts.head, facts, ...(ref ? {ref} : {})}};
	} finally {
		rmSync(indexFile, {force: true});
	}
}
