// `fanout clean`: removes what fanout keeps in git for a workspace (the worktree pool, git's
// records of those worktrees, refs under refs/fanout/) and says what it removed. Run folders
// (.fanout/runs) are left alone.

import {resolve} from 'node:path';
import {cleanWorkspace} from '../runner/git/clean.js';
import {NOT_A_REPO} from '../runner/git/repo.js';
import {commandArgs, usageError} from './args.js';
import type {Command} from './io.js';

const USAGE = 'Usage: fanout clean [--workspace DIR]\n\nRemoves fanout\'s git worktrees and refs for the workspace (run logs in .fanout/runs stay).\n';

/** `fanout clean` */
export const cleanCommand: Command = async (argv, io) => {
	const args = commandArgs<{workspace?: string}>(argv, io, 'clean', USAGE, {workspace: {type: 'string'}});
	if (!args.ok) return args.exit;
	if (args.positionals.length > 0) return usageError(io, 'clean', `unexpected argument "${args.positionals[0]}".`, USAGE);
	const {values} = args;
	const workspace = resolve(io.cwd, values.workspace ?? '.');
	const result = await cleanWorkspace(workspace);
	if (!result.ok) {
		if (result.message === NOT_A_REPO) {
			io.stdout(`Nothing to clean: ${workspace} is ${NOT_A_REPO}, so fanout kept no worktrees there.\n`);
			return 0;
		}
		io.stderr(`fanout clean: ${result.message}\n`);
		return 1;
	}
	const {worktrees, refs, pruned} = result.value;
	if (worktrees.length + refs.length + pruned.length === 0) {
		io.stdout(`Nothing to clean in ${workspace}: no fanout worktrees or refs.\n`);
		return 0;
	}
	const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
	const lines = [
		`Removed ${plural(worktrees.length, 'worktree')}, ${plural(refs.length, 'ref')}${pruned.length ? `, ${plural(pruned.length, 'stale worktree record')}` : ''}:`,
		...worktrees.map(path => `  worktree  ${path}`),
		...refs.map(ref => `  ref       ${ref}`),
		...pruned.map(name => `  record    .git/worktrees/${name} (folder already gone)`),
	];
	io.stdout(`${lines.join('\n')}\n`);
	return 0;
};
