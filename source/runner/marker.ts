// Reads the FANOUT-NEEDS marker: the line a worker prints to ask for a file it does not own.

import path from 'node:path';
import {normalizePath} from '../plan/ownership.js';

/** What a worker asked for with a FANOUT-NEEDS line. */
export type NeedsMarker = {
	/** Workspace-relative POSIX path (absolute only when it lies outside the workspace). */
	readonly path: string;
	/** The worker's words after ` -- `, if any. */
	readonly reason?: string;
};

export const needsMarkerPrefix = 'FANOUT-NEEDS:';

// Colour (SGR) and other CSI sequences in both 7-bit and 8-bit forms, plus stray C0 controls:
// agents and test runners colour their output, and a coloured marker is still a marker.
const csiPattern = /(?:\u001B\[|\u009B)[0-?]*[ -/]*[@-~]/g;
const controlPattern = /[\u0000-\u0008\u000B-\u001F\u007F]/g;

/**
 * Parses one output line. Returns the requested path (and reason) when the line begins with
 * `FANOUT-NEEDS:` after optional whitespace and colour codes, else undefined.
 * With `workspace`, an absolute path inside it becomes workspace-relative.
 */
export function parseNeedsMarker(line: string, workspace?: string): NeedsMarker | undefined {
	const clean = line.replace(csiPattern, '').replace(controlPattern, '').trimStart();
	if (!clean.startsWith(needsMarkerPrefix)) return undefined;
	// A trailing ` --` with nothing after it is an empty reason, not part of the path.
	const rest = clean.slice(needsMarkerPrefix.length).trimEnd().replace(/\s--$/, ' -- ');
	const separator = rest.indexOf(' -- ');
	const rawPath = stripQuotes((separator === -1 ? rest : rest.slice(0, separator)).trim());
	const reason = separator === -1 ? undefined : rest.slice(separator + 4).trim();
	const normalized = normalizeMarkerPath(rawPath, workspace);
	if (normalized === undefined) return undefined;
	return reason ? {path: normalized, reason} : {path: normalized};
}

// Models often wrap paths in backticks or quotes, as they would in prose.
function stripQuotes(text: string): string {
	const match = /^([`'"])(.*)\1$/.exec(text);
	return match ? match[2]!.trim() : text;
}

function normalizeMarkerPath(rawPath: string, workspace: string | undefined): string | undefined {
	const posix = rawPath.replaceAll('\\', '/');
	if (posix === '') return undefined;
	if (path.posix.isAbsolute(posix)) {
		if (workspace === undefined) return path.posix.normalize(posix);
		const root = path.resolve(workspace).replaceAll('\\', '/');
		const relative = path.posix.relative(root, path.posix.normalize(posix));
		// Outside the workspace: keep it absolute so nobody mistakes it for a workspace file.
		if (relative === '' || relative.startsWith('../') || relative === '..') return path.posix.normalize(posix);
		return relative;
	}
	const relative = normalizePath(path.posix.normalize(posix));
	if (relative === '.' || relative === '') return undefined;
	if ((relative === '..' || relative.startsWith('../')) && workspace !== undefined) {
		return path.resolve(workspace, relative).replaceAll('\\', '/');
	}
	return relative;
}
