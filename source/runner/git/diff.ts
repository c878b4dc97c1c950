// What a task changed in its worktree, compared with the phase's snapshot: every edit, new
// file (untracked ones too), deletion, rename, mode change and binary file, with line counts,
// plus the unified patch. Works on a private copy of the worktree's index, so neither the
// task's own git state nor the user's is touched. Linked folders never appear.

import {copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync} from 'node:fs';
import {randomBytes} from 'node:crypto';
import {dirname, join} from 'node:path';
import {git, type GitResult} from './exec.js';
import {changesFromDiff} from './diff-parse.js';
import type {TaskFileChange, Worktree} from './types.js';

/** A task's changes: the records and the patch text (for a diff view and the run report). */
export type WorktreeDiff = {readonly files: readonly TaskFileChange[]; readonly patch: string};

/** Options shared by every diff call: stable output whatever the user's diff config says. */
const DIFF_FLAGS = ['--no-ext-diff', '--no-textconv', '--no-color', '--src-prefix=a/', '--dst-prefix=b/', '--ignore-submodules=none'];

/**
 * Runs `work` with a private index of `tree` that holds the worktree's current state
 * (`git add -A` of everything but the linked folders, or of `paths` only).
 */
export async function withWorktreeIndex<T>(tree: Worktree, paths: readonly string[] | undefined, work: (env: Record<string, string>) => Promise<GitResult<T>>): Promise<GitResult<T>> {
	const indexFile = `${tree.root}.index-${process.pid}-${randomBytes(4).toString('hex')}`;
	try {
		if (existsSync(tree.indexFile)) copyFileSync(tree.indexFile, indexFile);
		const env = {GIT_INDEX_FILE: indexFile};
		if (!existsSync(tree.indexFile)) {
			const seeded = await git(['read-tree', tree.commit], {cwd: tree.root, env});
			if (!seeded.ok) return seeded;
		}
		const pathspec = paths ? paths.map(p => `:(literal,top)${p}`) : [':/', ...tree.linked.map(folder => `:(exclude,literal,top)${folder}`)];
		if (pathspec.length > 0) {
			const added = await git(['add', '-A', '--', ...pathspec], {cwd: tree.root, env});
			if (!added.ok) return added;
		}
		return await work(env);
	} finally {
		rmSync(indexFile, {force: true});
	}
}

/** Diffs `tree` against `snapshot` (the commit it was checked out at, by default). */
export async function diffWorktree(tree: Worktree, snapshot: string = tree.commit): Promise<GitResult<WorktreeDiff>> {
	return withWorktreeIndex(tree, undefined, async env => {
		const base = ['diff', '--cached', '-M', ...DIFF_FLAGS];
		const [raw, numstat, patch] = await Promise.all([
			git([...base, '--raw', '-z', '--no-abbrev', snapshot], {cwd: tree.root, env}),
			git([...base, '--numstat', '-z', snapshot], {cwd: tree.root, env}),
			git([...base, '--patch', snapshot], {cwd: tree.root, env}),
		]);
		if (!raw.ok) return raw;
		if (!numstat.ok) return numstat;
		if (!patch.ok) return patch;
		return {ok: true, value: {files: changesFromDiff(raw.value, numstat.value, tree.prefix), patch: patch.value}};
	});
}

/** `<runDir>/diffs/<taskId>.patch`: where a task's patch is kept for the run report. */
export function patchPath(runDir: string, taskId: string): string {
	return join(runDir, 'diffs', `${taskId}.patch`);
}

/** Writes a patch to `path`, creating its folder. */
export function writePatch(path: string, patch: string): void {
	mkdirSync(dirname(path), {recursive: true});
	writeFileSync(path, patch);
}
