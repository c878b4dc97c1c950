// Aider adapter: `aider --message` with the task's existing owned files as arguments, so Aider
// edits only those. Its output is plain text (parsed by the text parser).

import fg from 'fast-glob';
import {ignoredFolderGlobs} from '../../plan/ignored-folders.js';

/** Folders never handed to Aider, whatever the globs say. */
const neverEdit = [...ignoredFolderGlobs];

/** The files of the workspace matching the task's `owns` that exist now, sorted. */
export function existingOwnedFiles(workspace: string, owns: readonly string[]): string[] {
	if (owns.length === 0) return [];
	return fg.sync(owns as string[], {cwd: workspace, dot: true, onlyFiles: true, ignore: neverEdit, followSymbolicLinks: false}).sort();
}

/**
 * Arguments of `aider` for one task. `--` ends the options, so a file named like an option stays a file.
 */
export function aiderArgs(options: {readonly prompt: string; readonly files: readonly string[]}): string[] {
	const args = ['--message', options.prompt, '--yes-always', '--no-auto-commits'];
	if (options.files.length > 0) args.push('--', ...options.files);
	return args;
}
