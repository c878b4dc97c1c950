// Facts about the repository a workspace belongs to, and where fanout keeps its git things
// for that workspace (worktree pool, refs). The workspace may be a subfolder of the repository
// or a linked worktree of it.

import {createHash} from 'node:crypto';
import {realpathSync} from 'node:fs';
import {isAbsolute, join, resolve} from 'node:path';
import {git, type GitResult} from './exec.js';
import type {RepoFacts} from './types.js';

/** Why a workspace cannot use worktree isolation, in the words the user sees. */
export const NOT_A_REPO = 'not a git repository with a commit';

/**
 * Reads where `workspace` sits in git: top level, git dirs, its prefix and HEAD.
 * Fails with "not a git repository with a commit" when it is not inside a work tree or the
 * repository has no commit yet, and with "git is not installed" when git is missing.
 */
export async function repoFacts(workspace: string): Promise<GitResult<RepoFacts>> {
	let real: string;
	try {
		real = realpathSync(workspace);
	} catch {
		return {ok: false, message: `folder not found: ${workspace}`};
	}
	const where = await git(['rev-parse', '--is-inside-work-tree', '--show-toplevel', '--git-common-dir', '--absolute-git-dir', '--show-prefix'], {cwd: real});
	if (!where.ok) return /not installed|not found/.test(where.message) ? where : {ok: false, message: NOT_A_REPO};
	const [inside, top, common, gitDir, prefix = ''] = where.value.split('\n');
	if (inside !== 'true' || !top || !common || !gitDir) return {ok: false, message: NOT_A_REPO};
	const head = await git(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], {cwd: real});
	if (!head.ok || head.value.trim() === '') return {ok: false, message: NOT_A_REPO};
	return {
		ok: true,
		value: {workspace: real, top, commonDir: isAbsolute(common) ? common : resolve(real, common), gitDir, prefix, head: head.value.trim()},
	};
}

/** Whether `workspace` is a git repository with at least one commit (the default for worktree isolation). */
export async function isGitWorkspace(workspace: string): Promise<boolean> {
	return (await repoFacts(workspace)).ok;
}

/**
 * A short stable name for a workspace, so several workspaces of one repository (subfolders,
 * linked worktrees) each get their own pool and refs.
 */
export function workspaceKey(facts: Pick<RepoFacts, 'workspace'>): string {
	return createHash('sha1').update(facts.workspace).digest('hex').slice(0, 12);
}

/** `<common git dir>/fanout/<key>`: the workspace's worktree pool, private index files and lock. */
export function fanoutGitDir(facts: Pick<RepoFacts, 'workspace' | 'commonDir'>): string {
	return join(facts.commonDir, 'fanout', workspaceKey(facts));
}

/** `refs/fanout/<key>/`: the namespace of the refs fanout creates for this workspace. */
export function fanoutRefPrefix(facts: Pick<RepoFacts, 'workspace'>): string {
	return `refs/fanout/${workspaceKey(facts)}/`;
}
