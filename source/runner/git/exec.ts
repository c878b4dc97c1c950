// Runs git as a child process (argument arrays, never a shell) with an environment that
// cannot redirect it: the user's GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE and friends are
// dropped, so fanout's git calls always act on the folder they name. Failures come back as
// values with one plain sentence, never as exceptions.

import {execFile} from 'node:child_process';
import {statSync} from 'node:fs';

/** A git call's outcome: its output, or why it failed in plain words. */
export type GitResult<T> = {readonly ok: true; readonly value: T} | {readonly ok: false; readonly message: string};

export type GitOptions = {
	/** Folder git runs in (`-C` is not used, so relative paths stay relative to it). */
	readonly cwd: string;
	/** Variables set on purpose for this call (GIT_INDEX_FILE for a private index, ...). */
	readonly env?: Readonly<Record<string, string>>;
	/** Written to git's stdin. */
	readonly input?: string | Buffer;
};

/**
 * Variables that would point git at another repository, work tree, index or object store.
 * Inherited from a user's shell (or from a git hook that started fanout), they would make
 * fanout read or write the wrong place.
 */
const REDIRECTING = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_COMMON_DIR', 'GIT_NAMESPACE', 'GIT_PREFIX', 'GIT_CONFIG_PARAMETERS', 'GIT_CONFIG_COUNT'] as const;

/** The environment for a git call: the user's, minus redirections, plus `extra`, in the C locale. */
export function gitEnv(extra: Readonly<Record<string, string>> = {}, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {...base};
	for (const name of REDIRECTING) delete env[name];
	// GIT_CONFIG_KEY_n/VALUE_n only mean something with GIT_CONFIG_COUNT, dropped above.
	for (const name of Object.keys(env)) if (/^GIT_CONFIG_(KEY|VALUE)_\d+$/.test(name)) delete env[name];
	return {...env, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', ...extra};
}

/**
 * Config for every call: no hooks (a user's post-checkout hook would run once per worktree
 * and slow a phase down, or prompt), no pager, no colour, no signing prompts.
 */
const FIXED_CONFIG = ['-c', 'core.hooksPath=/dev/null', '-c', 'color.ui=false', '-c', 'core.quotePath=false', '-c', 'advice.detachedHead=false'];

const MAX_BUFFER = 512 * 1024 * 1024;

/** Runs `git args...` and returns its stdout as a Buffer. */
export function gitBuffer(args: readonly string[], options: GitOptions): Promise<GitResult<Buffer>> {
	return new Promise(resolve => {
		const child = execFile('git', [...FIXED_CONFIG, ...args], {cwd: options.cwd, env: gitEnv(options.env), encoding: 'buffer', maxBuffer: MAX_BUFFER}, (error, stdout, stderr) => {
			if (!error) return resolve({ok: true, value: stdout});
			const code = (error as NodeJS.ErrnoException).code;
			if (code === 'ENOENT') {
				// ENOENT is also what a missing cwd gives: tell the two apart.
				return resolve({ok: false, message: options.cwd && !existsDir(options.cwd) ? `folder not found: ${options.cwd}` : 'git is not installed (no `git` on PATH)'});
			}
			const text = stderr.toString('utf8').trim().split('\n').filter(line => line.trim() !== '');
			const detail = text.find(line => /^(fatal|error): /.test(line)) ?? text.at(-1) ?? error.message;
			resolve({ok: false, message: `git ${args.find(a => !a.startsWith('-')) ?? ''} failed: ${detail.replace(/^(fatal|error): /, '')}`});
		});
		if (options.input !== undefined) child.stdin?.end(options.input);
		else child.stdin?.end();
	});
}

/** Runs `git args...` and returns its stdout as UTF-8 text. */
export async function git(args: readonly string[], options: GitOptions): Promise<GitResult<string>> {
	const result = await gitBuffer(args, options);
	return result.ok ? {ok: true, value: result.value.toString('utf8')} : result;
}

function existsDir(path: string): boolean {
	try {
		return statSync(path).isDirectory();
	} catch {
		return false;
	}
}
