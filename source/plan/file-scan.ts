// The workspace scan: every file of the tree, once, with fast-glob, skipping what is never
// owned (.git, node_modules, fanout's own .fanout folder, and the plan's `ignore:` globs).

import {statSync} from 'node:fs';
import fg from 'fast-glob';
import {ignoredFolderGlobs} from './ignored-folders.js';


/** The files found, or why the tree could not be read. */
export type ScanResult =
	| {readonly ok: true; readonly files: readonly string[]}
	| {readonly ok: false; readonly reason: string};

/** Lists the workspace's files (POSIX paths relative to it) in one fast-glob pass. */
export function scanWorkspace(workspace: string, ignore: readonly string[] = []): ScanResult {
	let isDirectory = false;
	try {
		isDirectory = statSync(workspace).isDirectory();
	} catch {
		// fast-glob would silently return nothing for a missing folder: say so instead.
	}
	if (!isDirectory) return {ok: false, reason: `workspace folder ${workspace} does not exist or is not a folder`};
	try {
		const files = fg.sync('**/*', {
			cwd: workspace,
			dot: true,
			onlyFiles: true,
			followSymbolicLinks: false,
			suppressErrors: true,
			// One pattern cannot yield duplicates; fast-glob's duplicate check costs a hash per entry.
			unique: false,
			ignore: [...ignoredFolderGlobs, ...ignore],
		});
		return {ok: true, files};
	} catch (error) {
		return {ok: false, reason: `could not read workspace ${workspace}: ${error instanceof Error ? error.message : String(error)}`};
	}
}
