// Decides which workspace paths the watcher and the phase-end scan leave alone: the ignored
// folders, the plan's `ignore:` globs and, in a git repository, what git ignores (read by the
// same gitignore engine as the planners' listing, plan/gitignore.ts).

import {execFile} from 'node:child_process';
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import {gitignoreMatcher, type GitignoreSource} from '../plan/gitignore.js';
import {ignoredFolders} from '../plan/ignored-folders.js';
import {globOptions, normalizePath} from '../plan/ownership.js';

/**
 * Answers "is this workspace-relative path ignored?". `skip` lists globs and workspace-relative
 * directories a watcher may leave unwatched entirely (a cheap superset is not allowed: every
 * entry must itself be ignored).
 */
export type IgnorePredicate = ((relPath: string) => boolean) & {readonly skip: readonly string[]};

// Parcel and fast-glob take an ignore list; a huge one costs more than it saves.
const maxSkipEntries = 2000;

/**
 * Builds the ignore predicate of a workspace once, at the start of a phase. In a git repository
 * it lists what git ignores now (`git ls-files --ignored --directory`, one process) and compiles
 * the .gitignore rules, so files created later under new ignored paths are ignored too.
 */
export async function createIgnore(workspace: string, planIgnore: readonly string[]): Promise<IgnorePredicate> {
	const fixed = new Set<string>(ignoredFolders);
	const plan = planIgnore.length > 0 ? picomatch(planIgnore as string[], globOptions) : undefined;
	const git = await loadGitIgnore(workspace);

	const isIgnored = (relPath: string): boolean => {
		const p = normalizePath(relPath);
		if (p === '' || p === '.') return false;
		const segments = p.split('/');
		if (segments.some(segment => fixed.has(segment))) return true;
		// A glob that names a directory (`dist`, `build/**`) ignores everything below it.
		let prefix = '';
		for (const segment of segments) {
			prefix = prefix === '' ? segment : `${prefix}/${segment}`;
			if (plan?.(prefix)) return true;
			if (git?.listed.has(prefix)) return true;
		}
		return git?.rules(p) ?? false;
	};

	const skip = [
		...ignoredFolders.map(dir => `**/${dir}`),
		...planIgnore,
		...(git ? [...git.listedDirs].slice(0, maxSkipEntries) : []),
	];
	return Object.assign(isIgnored, {skip});
}

type GitIgnore = {
	/** Ignored paths that exist now (files, and directories without their trailing slash). */
	readonly listed: ReadonlySet<string>;
	readonly listedDirs: ReadonlySet<string>;
	/** The compiled ignore rules, for paths that did not exist at the start. */
	readonly rules: (relPath: string) => boolean;
};

async function loadGitIgnore(workspace: string): Promise<GitIgnore | undefined> {
	const top = await git(workspace, ['rev-parse', '--show-toplevel']);
	if (top === undefined) return undefined;
	const topLevel = top.trim();
	const listing = await git(workspace, ['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory']);
	const listed = new Set<string>();
	const listedDirs = new Set<string>();
	for (const entry of (listing ?? '').split('\0')) {
		if (entry === '') continue;
		if (entry.endsWith('/')) {
			listed.add(entry.slice(0, -1));
			listedDirs.add(entry.slice(0, -1));
		} else listed.add(entry);
	}
	const rules = await loadGitRules(workspace, topLevel);
	return {listed, listedDirs, rules};
}

async function loadGitRules(workspace: string, topLevel: string): Promise<(relPath: string) => boolean> {
	const real = await git(workspace, ['rev-parse', '--show-prefix']);
	// The workspace may be a folder inside the repository: rules are matched from the top.
	const prefix = (real ?? '').trim().replace(/\/$/, '');
	// Lowest precedence first: the excludes file, info/exclude, then .gitignore files.
	const files: {base: string; file: string}[] = [];
	const excludesFile = (await git(workspace, ['config', '--path', 'core.excludesFile']))?.trim();
	if (excludesFile) files.push({base: '', file: excludesFile});
	const infoExclude = (await git(workspace, ['rev-parse', '--git-path', 'info/exclude']))?.trim();
	if (infoExclude) files.push({base: '', file: path.resolve(workspace, infoExclude)});
	const listedIgnoreFiles = await git(topLevel, ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', '.gitignore', '*/.gitignore']);
	const ignoreFiles = (listedIgnoreFiles ?? '')
		.split('\0')
		.filter(file => file !== '')
		// Shallower files first: git lets the deeper .gitignore override the shallower one.
		.sort((a, b) => a.split('/').length - b.split('/').length);
	for (const file of ignoreFiles) {
		const dir = path.posix.dirname(file);
		files.push({base: dir === '.' ? '' : dir, file: path.join(topLevel, file)});
	}
	const sources: GitignoreSource[] = [];
	for (const {base, file} of files) sources.push({base, text: await readFile(file, 'utf8').catch(() => '')});
	const matches = gitignoreMatcher(sources);
	return (relPath: string) => matches(prefix === '' ? relPath : `${prefix}/${relPath}`);
}

function git(cwd: string, args: readonly string[]): Promise<string | undefined> {
	return new Promise(resolve => {
		execFile('git', args as string[], {cwd, maxBuffer: 256 * 1024 * 1024, env: {...process.env, GIT_OPTIONAL_LOCKS: '0'}}, (error, stdout) => {
			resolve(error ? undefined : stdout);
		});
	});
}
