// Pure parsing of `git diff --raw -z` and `--numstat -z` into TaskFileChange records.

import {posix} from 'node:path';
import type {TaskFileChange} from './types.js';

type RawEntry = {readonly status: string; readonly path: string; readonly from?: string; readonly oldMode: string; readonly newMode: string; readonly oldId: string; readonly newId: string};
type Counts = {readonly added: number | null; readonly removed: number | null};

/** Parses `git diff --raw -z` output: `:oldmode newmode oldid newid STATUS\0path\0[path\0]`. */
export function parseRaw(text: string): RawEntry[] {
	const parts = text.split('\0');
	const entries: RawEntry[] = [];
	for (let i = 0; i < parts.length; i++) {
		const head = parts[i]!;
		if (!head.startsWith(':')) continue;
		const [oldMode = '', newMode = '', oldId = '', newId = '', status = ''] = head.slice(1).split(' ');
		if (status.startsWith('R') || status.startsWith('C')) {
			entries.push({status: status[0]!, from: parts[i + 1]!, path: parts[i + 2]!, oldMode, newMode, oldId, newId});
			i += 2;
		} else {
			entries.push({status: status[0]!, path: parts[i + 1]!, oldMode, newMode, oldId, newId});
			i += 1;
		}
	}
	return entries;
}

/** Parses `git diff --numstat -z` output into counts by (new) path; `-` counts mean binary. */
export function parseNumstat(text: string): Map<string, Counts> {
	const parts = text.split('\0');
	const counts = new Map<string, Counts>();
	for (let i = 0; i < parts.length; i++) {
		const match = /^(-|\d+)\t(-|\d+)\t(.*)$/s.exec(parts[i]!);
		if (!match) continue;
		const value = {added: match[1] === '-' ? null : Number(match[1]), removed: match[2] === '-' ? null : Number(match[2])};
		if (match[3] === '') {
			// A rename: the old and new paths follow as their own fields.
			counts.set(parts[i + 2]!, value);
			i += 2;
		} else counts.set(match[3]!, value);
	}
	return counts;
}

/** A repository-relative path as the workspace sees it (`prefix` is 'sub/dir/' or ''). */
export function toWorkspacePath(repoPath: string, prefix: string): string {
	return prefix ? posix.relative(prefix.replace(/\/$/, ''), repoPath) : repoPath;
}

/** A workspace-relative path as the repository sees it. */
export function toRepoPath(workspacePath: string, prefix: string): string {
	return prefix ? posix.normalize(`${prefix}${workspacePath}`) : posix.normalize(workspacePath);
}

/** Joins raw and numstat output into the change records, sorted by path. */
export function changesFromDiff(raw: string, numstat: string, prefix: string): TaskFileChange[] {
	const counts = parseNumstat(numstat);
	const changes: TaskFileChange[] = [];
	for (const entry of parseRaw(raw)) {
		const count = counts.get(entry.path) ?? {added: 0, removed: 0};
		const binary = count.added === null;
		const status: TaskFileChange['status'] =
			entry.status === 'A' ? 'added'
			: entry.status === 'D' ? 'deleted'
			: entry.status === 'R' ? 'renamed'
			: entry.status === 'C' ? 'added'
			: entry.oldId === entry.newId && entry.oldMode !== entry.newMode ? 'mode'
			: 'modified';
		changes.push({
			path: toWorkspacePath(entry.path, prefix),
			status,
			...(entry.status === 'R' && entry.from !== undefined ? {from: toWorkspacePath(entry.from, prefix)} : {}),
			added: binary ? null : count.added,
			removed: binary ? null : count.removed,
			binary,
		});
	}
	return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
