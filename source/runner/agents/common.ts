// Helpers every adapter shares: workspace-relative paths, readable one-line text, the
// FANOUT-NEEDS marker, and the bookkeeping of reported edits against ownership.

import fs from 'node:fs';
import path from 'node:path';
import {normalizePath} from '../../plan/ownership.js';
import {parseNeedsMarker} from '../marker.js';
import type {AgentConflict, AgentNeed, AgentUpdate, ParserOptions} from './types.js';

/** Longest pane line an adapter builds from a tool call (the runner caps raw lines itself). */
const maxToolLine = 200;

/**
 * Where a path reported by an agent lies: `{inside: true, rel}` for a workspace-relative path,
 * `{inside: false, abs}` for anything outside the workspace (including `..` escapes).
 * `workspace` may list several spellings of the same folder (see workspaceRoots); the first is
 * the one relative paths are resolved against when no `base` (the agent's cwd) is given.
 */
export function locatePath(
	reported: string,
	workspace: string | readonly string[],
	base?: string,
): {readonly inside: true; readonly rel: string} | {readonly inside: false; readonly abs: string} {
	const roots = typeof workspace === 'string' ? [workspace] : workspace;
	const abs = path.resolve(base ?? roots[0] ?? '/', reported);
	for (const root of roots) {
		const rel = path.relative(path.resolve(root), abs);
		if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) continue;
		return {inside: true, rel: normalizePath(rel)};
	}
	return {inside: false, abs};
}

/**
 * The workspace as given and as the kernel spells it. Agents report paths from their own cwd,
 * which is the real path: a workspace reached through a symbolic link must still match.
 * (Reads the file system once; parsers call it when they are created.)
 */
export function workspaceRoots(workspace: string): string[] {
	try {
		const real = fs.realpathSync(workspace);
		return real === path.resolve(workspace) ? [workspace] : [workspace, real];
	} catch {
		return [workspace];
	}
}

/** Removes control characters (C0, DEL, C1) that could move the cursor or retitle the terminal. */
export function stripControls(text: string): string {
	return text.replaceAll('\t', '  ').replace(/[\u0000-\u001F\u007F-\u009F]/g, '');
}

/** Splits agent text into pane lines: controls removed, blank lines at either end dropped. */
export function textLines(text: string): string[] {
	const lines = text.split(/\r?\n/).map(line => stripControls(line).trimEnd());
	while (lines.length > 0 && lines[0] === '') lines.shift();
	while (lines.length > 0 && lines.at(-1) === '') lines.pop();
	return lines;
}

/** One readable line from any text: its first non-blank line, capped, `…` when cut. */
export function oneLine(text: string, max: number = maxToolLine): string {
	const lines = textLines(text).filter(line => line.trim() !== '');
	const first = lines[0] ?? '';
	const cut = lines.length > 1 || first.length > max;
	return cut ? `${first.slice(0, max)}…` : first;
}

/**
 * Parses a `FANOUT-NEEDS: <path> -- <reason>` line (the reason is optional) in agent text, by
 * the same rules as the runner's scan of raw output, so a need reads the same either way.
 * An absolute path inside the workspace (any of its spellings, see workspaceRoots) becomes
 * workspace-relative.
 */
export function parseNeedsLine(line: string, workspace?: string | readonly string[]): AgentNeed | undefined {
	if (workspace === undefined || typeof workspace === 'string') return parseNeedsMarker(line, workspace);
	const found = workspace.map(root => parseNeedsMarker(line, root));
	return found.find(need => need !== undefined && !path.posix.isAbsolute(need.path)) ?? found[0];
}

/** Narrows an unknown JSON value to a plain object. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
	return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** A string field, or undefined. */
export function stringField(record: Record<string, unknown> | undefined, key: string): string | undefined {
	const value = record?.[key];
	return typeof value === 'string' ? value : undefined;
}

/** A finite number field, or undefined. */
export function numberField(record: Record<string, unknown> | undefined, key: string): number | undefined {
	const value = record?.[key];
	return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Parses a line as a JSON object; anything else (text, arrays, broken JSON) is undefined. */
export function parseJsonObject(line: string): Record<string, unknown> | undefined {
	const trimmed = line.trim();
	if (!trimmed.startsWith('{')) return undefined;
	try {
		return asRecord(JSON.parse(trimmed));
	} catch {
		return undefined;
	}
}

/**
 * Collects what one raw line produced. Adapters add display lines, edits and needs to it;
 * it checks each edit against ownership and remembers every edit for the final result.
 */
export class UpdateBuilder {
	private display: string[] = [];
	private edits: string[] = [];
	private conflicts: AgentConflict[] = [];
	private needs: AgentNeed[] = [];
	private sessionId: string | undefined;

	constructor(
		private readonly options: ParserOptions,
		private readonly changed: Set<string>,
		private readonly roots: readonly string[] = [options.workspace],
	) {}

	/** Adds pane lines; agent text is scanned for FANOUT-NEEDS lines. */
	text(text: string): void {
		for (const line of textLines(text)) {
			this.display.push(line);
			const need = parseNeedsLine(line, this.roots);
			if (need) this.needs.push(need);
		}
	}

	/** Adds one pane line as it is (already short and clean). */
	line(line: string): void {
		this.display.push(stripControls(line));
	}

	/**
	 * Records a file the agent reports having changed. Returns the path as shown in the pane
	 * (workspace-relative, or absolute when outside the workspace).
	 */
	edit(reported: string, cwd?: string): string {
		const where = locatePath(reported, this.roots, cwd);
		if (!where.inside) {
			this.conflicts.push({path: where.abs, reason: 'the agent edited a file outside the workspace'});
			return where.abs;
		}
		this.edits.push(where.rel);
		this.changed.add(where.rel);
		if (!this.options.isOwned(where.rel)) {
			this.conflicts.push({path: where.rel, reason: 'the agent edited a file this task does not own'});
		}
		return where.rel;
	}

	/** Shows a path as the pane does, without recording anything. */
	show(reported: string, cwd?: string): string {
		const where = locatePath(reported, this.roots, cwd);
		return where.inside ? where.rel : where.abs;
	}

	session(id: string): void {
		this.sessionId = id;
	}

	build(): AgentUpdate {
		const update: AgentUpdate = {display: this.display, edits: this.edits, conflicts: this.conflicts, needs: this.needs};
		return this.sessionId === undefined ? update : {...update, sessionId: this.sessionId};
	}
}

/**
 * An update for a line that was not JSON in a JSON stream: shown as text, never an error.
 * Its FANOUT-NEEDS lines are left to the runner's marker scan, which sees raw lines.
 */
export function textUpdate(line: string): AgentUpdate {
	const shown = stripControls(line).trimEnd();
	return {display: shown === '' ? [] : [shown], edits: [], conflicts: [], needs: []};
}
