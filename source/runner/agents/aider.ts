// Aider adapter: `aider --message` with the task's existing owned files as arguments, so Aider
// edits only those. Its output is plain text (parsed by the text parser). Aider installs from
// PyPI, which fanout's checks cannot reach: every flag here is one aider's own docs list
// (aider.chat/docs/config/options.html).

import path from 'node:path';
import fg from 'fast-glob';
import {ignoredFolderGlobs} from '../../plan/ignored-folders.js';
import {applyClashRule, type OwnOption} from './settings.js';

/** Folders never handed to Aider, whatever the globs say. */
const neverEdit = [...ignoredFolderGlobs];

/** The files under `root` matching the globs that exist now, sorted. */
export function existingOwnedFiles(root: string, owns: readonly string[]): string[] {
	if (owns.length === 0) return [];
	return fg.sync(owns as string[], {cwd: root, dot: true, onlyFiles: true, ignore: neverEdit, followSymbolicLinks: false}).sort();
}

/** Where Aider's chat and input histories go: the run folder, never the repository. */
export function aiderHistoryFiles(runDir: string, taskId: string): {readonly chat: string; readonly input: string} {
	const safe = taskId.replace(/[^A-Za-z0-9._-]/g, '_');
	const dir = path.join(runDir, 'aider');
	return {chat: path.join(dir, `${safe}.chat.history.md`), input: path.join(dir, `${safe}.input.history`)};
}

/** `allow` as Aider sees it: lint commands (`--lint-cmd`, repeatable) and one test command (`--test-cmd`). */
export function aiderCommands(allow: readonly string[]): {readonly test?: string; readonly lint: readonly string[]; readonly unused: readonly string[]} {
	const lint = allow.filter(command => /\blint\b/.test(command));
	const others = allow.filter(command => !/\blint\b/.test(command));
	return {...(others[0] ? {test: others[0]} : {}), lint, unused: others.slice(1)};
}

/**
 * Arguments of `aider` for one task. In a git repository with `--yes-always`, Aider would add
 * `.aider*` to `.gitignore` and write its histories at the repository root: changes outside the
 * task's files, which fanout reports as conflicts. So: `--no-gitignore`, the histories in the run
 * folder, `--no-check-update` (no prompt, no network), and the task's `reads` as `--read` (read-only
 * context). The user's `args` come after fanout's flags; `--` then ends the options, so a file
 * named like an option stays a file.
 */
export function aiderArgs(options: {
	readonly prompt: string;
	readonly files: readonly string[];
	readonly readFiles?: readonly string[];
	readonly history: {readonly chat: string; readonly input: string};
	readonly model?: string;
	readonly allow?: readonly string[];
	readonly extraArgs?: readonly string[];
}): {readonly args: string[]; readonly dropped: readonly string[]} {
	const args = [
		'--message',
		options.prompt,
		'--yes-always',
		'--no-auto-commits',
		'--no-gitignore',
		'--no-check-update',
		'--chat-history-file',
		options.history.chat,
		'--input-history-file',
		options.history.input,
	];
	const own: OwnOption[] = [
		{names: ['--message', '--msg', '-m', '--message-file', '-f'], values: 1},
		{names: ['--yes-always', '--auto-commits', '--no-auto-commits', '--gitignore', '--no-gitignore', '--check-update', '--no-check-update'], values: 0},
		{names: ['--chat-history-file', '--input-history-file'], values: 1},
	];
	if (options.model) {
		args.push('--model', options.model);
		own.push({names: ['--model'], values: 1});
	}
	const commands = aiderCommands(options.allow ?? []);
	if (commands.test !== undefined) {
		args.push('--test-cmd', commands.test, '--auto-test');
		own.push({names: ['--test-cmd'], values: 1}, {names: ['--auto-test', '--no-auto-test'], values: 0});
	}
	for (const lint of commands.lint) args.push('--lint-cmd', lint);
	if (commands.lint.length > 0) own.push({names: ['--lint-cmd'], values: 1});
	for (const file of options.readFiles ?? []) args.push('--read', file);
	const extra = applyClashRule(options.extraArgs ?? [], own);
	args.push(...extra.kept);
	if (options.files.length > 0) args.push('--', ...options.files);
	return {args, dropped: extra.dropped};
}
