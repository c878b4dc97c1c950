// Applies a task's changes (those inside its ownership, plus any the user granted) from its
// worktree to the main workspace: edits, new files, deletions, renames, modes and binary
// files. All or nothing per task: first every target in the workspace is checked against the
// snapshot the task started from; if the user changed one meanwhile, it is returned as a
// conflict and nothing is written. Never uses the user's index.

import {copyFileSync, existsSync, lstatSync, mkdirSync, rmSync} from 'node:fs';
import {randomBytes} from 'node:crypto';
import {join} from 'node:path';
import {git, gitBuffer, type GitResult} from './exec.js';
import {withWorktreeIndex} from './diff.js';
import {toRepoPath, toWorkspacePath} from './diff-parse.js';
import {touchedPaths} from './split.js';
import {fanoutGitDir, repoFacts} from './repo.js';
import type {RepoFacts, TaskFileChange, Worktree} from './types.js';

/** What applying did: the workspace-relative paths written, or why nothing was. */
export type ApplyResult =
	| {readonly ok: true; readonly applied: readonly string[]}
	/** `conflicts`: owned files the user changed since the snapshot (empty when git itself failed; see `message`). */
	| {readonly ok: false; readonly conflicts: readonly string[]; readonly message: string};

const literal = (paths: readonly string[]) => paths.map(p => `:(literal,top)${p}`);

/** The paths (repository-relative) present on disk under `root` or in the index `env` names. */
async function presentPaths(root: string, env: Record<string, string>, paths: readonly string[]): Promise<GitResult<string[]>> {
	const listed = await git(['ls-files', '-z', '--', ...literal(paths)], {cwd: root, env});
	if (!listed.ok) return listed;
	const inIndex = new Set(listed.value.split('\0'));
	return {ok: true, value: paths.filter(p => inIndex.has(p) || onDisk(join(root, p)))};
}

function onDisk(path: string): boolean {
	try {
		lstatSync(path);
		return true;
	} catch {
		return false;
	}
}

/**
 * Which of `paths` (repository-relative) differ in the main workspace from `snapshot`: a
 * private copy of the user's index takes `git add -A` of those paths, then is compared.
 */
export async function changedSinceSnapshot(facts: RepoFacts, snapshot: string, paths: readonly string[]): Promise<GitResult<string[]>> {
	if (paths.length === 0) return {ok: true, value: []};
	const dir = fanoutGitDir(facts);
	mkdirSync(dir, {recursive: true});
	const indexFile = join(dir, `index-check-${process.pid}-${randomBytes(4).toString('hex')}`);
	try {
		const env = {GIT_INDEX_FILE: indexFile};
		const userIndex = join(facts.gitDir, 'index');
		if (existsSync(userIndex)) copyFileSync(userIndex, indexFile);
		else {
			const seeded = await git(['read-tree', facts.head], {cwd: facts.top, env});
			if (!seeded.ok) return seeded;
		}
		const present = await presentPaths(facts.top, env, paths);
		if (!present.ok) return present;
		if (present.value.length > 0) {
			const added = await git(['add', '-A', '--', ...literal(present.value)], {cwd: facts.top, env});
			if (!added.ok) return added;
		}
		const changed = await git(['diff', '--cached', '--name-only', '-z', '--no-renames', snapshot, '--', ...literal(paths)], {cwd: facts.top, env});
		if (!changed.ok) return changed;
		return {ok: true, value: changed.value.split('\0').filter(Boolean)};
	} finally {
		rmSync(indexFile, {force: true});
	}
}

/**
 * Applies `changes` (a task's owned ones, usually from splitByOwnership) from `tree` to the
 * workspace, after checking that the workspace still matches `snapshot` at every path they
 * touch. Order between tasks does not matter as long as their paths are disjoint.
 */
export async function applyChanges(workspace: RepoFacts | string, snapshot: string, tree: Worktree, changes: readonly TaskFileChange[]): Promise<ApplyResult> {
	const facts = typeof workspace === 'string' ? await repoFacts(workspace) : {ok: true as const, value: workspace};
	if (!facts.ok) return {ok: false, conflicts: [], message: facts.message};
	const {prefix} = facts.value;
	const paths = touchedPaths(changes).map(p => toRepoPath(p, prefix));
	const outside = paths.find(p => p === '..' || p.startsWith('../') || p.startsWith('/'));
	if (outside !== undefined) return {ok: false, conflicts: [], message: `cannot apply a change outside the repository: ${outside}`};
	if (paths.length === 0) return {ok: true, applied: []};

	const patch = await withWorktreeIndex(tree, [], async env => {
		const present = await presentPaths(tree.root, env, paths);
		if (!present.ok) return present;
		if (present.value.length > 0) {
			const added = await git(['add', '-A', '--', ...literal(present.value)], {cwd: tree.root, env});
			if (!added.ok) return added;
		}
		return gitBuffer(['diff', '--cached', '--binary', '--full-index', '--no-renames', '--no-ext-diff', '--no-textconv', '--no-color', '--src-prefix=a/', '--dst-prefix=b/', snapshot, '--', ...literal(paths)], {cwd: tree.root, env});
	});
	if (!patch.ok) return {ok: false, conflicts: [], message: patch.message};

	const changed = await changedSinceSnapshot(facts.value, snapshot, paths);
	if (!changed.ok) return {ok: false, conflicts: [], message: changed.message};
	if (changed.value.length > 0) {
		const conflicts = changed.value.map(p => toWorkspacePath(p, prefix));
		return {ok: false, conflicts, message: `changed in the workspace since the phase started: ${conflicts.join(', ')}`};
	}
	if (patch.value.length === 0) return {ok: true, applied: []};
	// Not --index: the user's index stays as it was. git apply is atomic: on any failure
	// (a file created meanwhile where the task adds one) it writes nothing.
	const applied = await gitBuffer(['apply', '--whitespace=nowarn', '-'], {cwd: facts.value.top, input: patch.value});
	if (!applied.ok) return {ok: false, conflicts: [], message: applied.message};
	return {ok: true, applied: touchedPaths(changes)};
}
