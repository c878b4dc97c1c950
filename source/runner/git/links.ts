// Linked folders: folders git ignores but tasks need (installed dependencies, virtualenvs),
// made available in a task's worktree as symlinks to the main workspace's folders, so
// `npm test` or `pytest` works there without installing anything again.

import {lstatSync, mkdirSync, readdirSync, statSync, symlinkSync} from 'node:fs';
import {dirname, join} from 'node:path';

/**
 * Linked when present in the workspace and absent from the worktree's checkout (a tracked
 * `vendor` of a Go module is checked out, so it is never replaced by a link).
 * A plan overrides the list with `worktree: {link: [...]}`.
 */
export const DEFAULT_LINKED_FOLDERS: readonly string[] = ['node_modules', '.venv', 'venv', 'vendor', 'vendor/bundle', 'bower_components', '.yarn/cache'];

/** Why a link entry cannot be used, or undefined when it is fine. */
export function linkEntryProblem(entry: string): string | undefined {
	if (entry.trim() === '') return 'is empty';
	if (entry.startsWith('/') || /^[A-Za-z]:/.test(entry)) return 'must be relative to the workspace';
	if (entry.split('/').some(part => part === '..' || part === '.git')) return "must stay inside the workspace (no '..', no .git)";
	return undefined;
}

/**
 * Expands link entries (workspace-relative, `/`-separated; a `*` segment matches any one
 * folder name, as in `packages/*\/node_modules`) to the folders that exist in `workspace`.
 */
export function expandLinkEntries(workspace: string, entries: readonly string[]): string[] {
	const found = new Set<string>();
	for (const entry of entries) {
		if (linkEntryProblem(entry)) continue;
		let candidates = [''];
		for (const part of entry.replace(/\/+$/, '').split('/')) {
			const next: string[] = [];
			for (const base of candidates) {
				if (part === '*') {
					let names: string[] = [];
					try {
						names = readdirSync(join(workspace, base), {withFileTypes: true}).filter(d => d.isDirectory() && d.name !== '.git' && d.name !== '.fanout').map(d => d.name);
					} catch {
						// A missing folder matches nothing.
					}
					next.push(...names.map(name => (base ? `${base}/${name}` : name)));
				} else next.push(base ? `${base}/${part}` : part);
			}
			candidates = next;
		}
		for (const candidate of candidates) if (isDirectory(join(workspace, candidate))) found.add(candidate);
	}
	return [...found].sort();
}

/**
 * Creates the links in `worktreeCwd` (the workspace's counterpart in a worktree) for every
 * entry present in `workspace` and absent from the worktree. Returns the folders linked,
 * workspace-relative. A folder inside another linked folder is skipped (it is already there).
 */
export function linkFolders(workspace: string, worktreeCwd: string, entries: readonly string[]): string[] {
	const linked: string[] = [];
	for (const folder of expandLinkEntries(workspace, entries)) {
		if (linked.some(done => folder.startsWith(`${done}/`))) continue;
		const target = join(worktreeCwd, folder);
		if (exists(target)) continue;
		mkdirSync(dirname(target), {recursive: true});
		symlinkSync(join(workspace, folder), target, 'dir');
		linked.push(folder);
	}
	return linked;
}

function exists(path: string): boolean {
	try {
		lstatSync(path);
		return true;
	} catch {
		return false;
	}
}

function isDirectory(path: string): boolean {
	try {
		return statSync(path).isDirectory();
	} catch {
		return false;
	}
}
