// Decides which workspace paths the watcher and the phase-end scan leave alone: fanout's fixed
// directories, the plan's `ignore:` globs and, in a git repository, what git ignores.

import {execFile} from 'node:child_process';
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import {globOptions, normalizePath} from '../plan/ownership.js';
import {parseGitignore, type GitignoreRule} from '../plan/workspace-tree.js';

/** Directory names ignored at any depth, whatever the plan says. */
export const fixedIgnoredDirs = ['.git', '.fanout', 'node_modules'] as const;

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
	const fixed = new Set<string>(fixedIgnoredDirs);
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
		...fixedIgnoredDirs.map(dir => `**/${dir}`),
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

/**
 * One ignore rule with its matcher, which tests a path below the rule's folder (`base`, here
 * relative to the repository top).
 */
export type CompiledGitignoreRule = GitignoreRule & {readonly match: (subPath: string) => boolean};

async function loadGitRules(workspace: string, topLevel: string): Promise<(relPath: string) => boolean> {
	const real = await git(workspace, ['rev-parse', '--show-prefix']);
	// The workspace may be a folder inside the repository: rules are matched from the top.
	const prefix = (real ?? '').trim().replace(/\/$/, '');
	const sources: {base: string; file: string}[] = [];
	const excludesFile = (await git(workspace, ['config', '--path', 'core.excludesFile']))?.trim();
	if (excludesFile) sources.push({base: '', file: excludesFile});
	const infoExclude = (await git(workspace, ['rev-parse', '--git-path', 'info/exclude']))?.trim();
	if (infoExclude) sources.push({base: '', file: path.resolve(workspace, infoExclude)});
	const listedIgnoreFiles = await git(topLevel, ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', '.gitignore', '*/.gitignore']);
	const ignoreFiles = (listedIgnoreFiles ?? '')
		.split('\0')
		.filter(file => file !== '')
		// Shallower files first: git lets the deeper .gitignore override the shallower one.
		.sort((a, b) => a.split('/').length - b.split('/').length);
	for (const file of ignoreFiles) {
		const dir = path.posix.dirname(file);
		sources.push({base: dir === '.' ? '' : dir, file: path.join(topLevel, file)});
	}
	const rules: CompiledGitignoreRule[] = [];
	for (const source of sources) {
		const text = await readFile(source.file, 'utf8').catch(() => '');
		rules.push(...compileGitignore(text, source.base));
	}
	if (rules.length === 0) return () => false;
	return (relPath: string) => matchGitRules(rules, prefix === '' ? relPath : `${prefix}/${relPath}`);
}

/** Parses one ignore file's text (gitignore(5) syntax) and compiles each rule's matcher. */
export function compileGitignore(text: string, base: string): CompiledGitignoreRule[] {
	return parseGitignore(text, base).map(rule => ({...rule, match: picomatch(rule.pattern, {dot: true})}));
}

// Git walks the path from the top: once a directory is ignored nothing below it can be
// re-included, and within one level the last matching rule decides.
function matchGitRules(rules: readonly CompiledGitignoreRule[], topRelPath: string): boolean {
	const segments = topRelPath.split('/');
	let current = '';
	for (let index = 0; index < segments.length; index++) {
		current = current === '' ? segments[index]! : `${current}/${segments[index]}`;
		const isDir = index < segments.length - 1;
		let ignored = false;
		for (const rule of rules) {
			if (rule.directoryOnly && !isDir) continue;
			if (rule.base !== '' && !current.startsWith(`${rule.base}/`)) continue;
			const subPath = rule.base === '' ? current : current.slice(rule.base.length + 1);
			if (rule.match(subPath)) ignored = !rule.negated;
		}
		if (ignored) return true;
	}
	return false;
}

function git(cwd: string, args: readonly string[]): Promise<string | undefined> {
	return new Promise(resolve => {
		execFile('git', args as string[], {cwd, maxBuffer: 256 * 1024 * 1024, env: {...process.env, GIT_OPTIONAL_LOCKS: '0'}}, (error, stdout) => {
			resolve(error ? undefined : stdout);
		});
	});
}
