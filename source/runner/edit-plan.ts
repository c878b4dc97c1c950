// The conflict prompt's `e`: writes the revised plan as YAML to the run folder, opens it in the
// user's editor, and reads it back. A file that cannot be read goes back to the editor with the
// reasons on top, as comments; leaving it unchanged or empty gives up. Validation of the plan read
// back is the machine's job (the same rules as before a run).

import {spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {Conflict} from '../plan/conflict.js';
import {parsePlanText} from '../plan/load.js';
import type {Finding, Plan} from '../plan/types.js';
import {planToYaml} from '../plan/yaml.js';

/** Runs the editor on a file and waits for it; `ok: false` says why it could not. */
export type RunEditor = (command: string, file: string) => {readonly ok: true} | {readonly ok: false; readonly reason: string};

/** Options of editPlan. */
export type EditPlanOptions = {
	/** The run folder: the file is written there, next to the plan revisions. */
	readonly runDir: string;
	/** The revision number the edit would make (names the file, plan.rN.edit.yaml). */
	readonly revision: number;
	/** The conflict being settled, explained at the top of the file. */
	readonly conflict?: Conflict;
	/** Editor command line; default $VISUAL, then $EDITOR, then vi. */
	readonly editor?: string;
	/** Where $VISUAL and $EDITOR are read (default process.env). */
	readonly env?: NodeJS.ProcessEnv;
	/** How the editor runs (default: synchronously, on this terminal). */
	readonly runEditor?: RunEditor;
	/** Rounds of "cannot be read, edit again" before giving up (default 5). */
	readonly maxRounds?: number;
};

/** What an edit gave: the plan read back, or why there is none (`gaveUp`: the user's choice). */
export type EditResult =
	| {readonly ok: true; readonly plan: Plan; readonly file: string}
	| {readonly ok: false; readonly reason: string; readonly gaveUp: boolean; readonly file: string};

const MARK = '# fanout:';
/** Problems listed on top of the file at most; the first ones are what to fix. */
const MAX_PROBLEMS = 8;

/** The editor to run: $VISUAL, else $EDITOR, else vi (what git and crontab do). */
export function editorCommand(env: NodeJS.ProcessEnv = process.env): string {
	const pick = [env['VISUAL'], env['EDITOR']].find(v => v !== undefined && v.trim() !== '');
	return pick?.trim() ?? 'vi';
}

/** The comment lines on top of the file: what to do, and why the last attempt was not read. */
export function editHeader(conflict: Conflict | undefined, problems: readonly string[] = []): string[] {
	const lines: string[] = [];
	if (conflict) {
		const who = conflict.taskId ?? conflict.suspects.join(' or ');
		lines.push(`${MARK} ${who} needs ${conflict.path}, which it does not own${conflict.owner ? ` (owned by ${conflict.owner})` : ''}.`);
	}
	lines.push(`${MARK} edit the plan to settle it (e.g. add the path to a task's owns), save and quit.`);
	lines.push(`${MARK} leave the file unchanged or empty it to go back to the prompt.`);
	if (problems.length > 0) {
		lines.push(`${MARK} the last version could not be read:`);
		for (const p of problems) lines.push(`${MARK}   ${p}`);
	}
	return lines;
}

/** The file's text without fanout's comment lines on top. */
export function stripHeader(text: string): string {
	const lines = text.split('\n');
	let i = 0;
	while (i < lines.length && lines[i]!.startsWith(MARK)) i++;
	return lines.slice(i).join('\n');
}

/** Findings as one line each, with the line numbers of the file as the user sees it. */
function describeFindings(findings: readonly Finding[], offset: number): string[] {
	return findings.map(f => (f.line > 0 ? `line ${f.line + offset}: ${f.message}` : f.message));
}

/**
 * Runs `command FILE` through the shell, as git does, so an editor with arguments
 * (`code --wait`) works; stdio is this terminal's.
 */
export const runEditorSync: RunEditor = (command, file) => {
	const result = spawnSync('/bin/sh', ['-c', `${command} "$1"`, 'sh', file], {stdio: 'inherit'});
	if (result.error) return {ok: false, reason: `the editor (${command}) could not start: ${result.error.message}`};
	if (result.signal) return {ok: false, reason: `the editor (${command}) was killed by ${result.signal}`};
	// The shell's 127: command not found.
	if (result.status === 127) return {ok: false, reason: `the editor (${command}) was not found: set $VISUAL or $EDITOR`};
	if (result.status !== 0) return {ok: false, reason: `the editor (${command}) exited with code ${result.status}`};
	return {ok: true};
};

/** Text edited in the editor, or why there is none. */
export type EditedText = {readonly ok: true; readonly text: string} | {readonly ok: false; readonly reason: string};

/**
 * Opens `text` in the editor, as a file called `name` in a fresh temporary folder (the name's
 * extension gives the editor its syntax), and reads it back without trailing blank space.
 * Synchronous, like editPlan; the folder is removed afterwards.
 */
export function editInEditor(text: string, name: string, options: Pick<EditPlanOptions, 'editor' | 'env' | 'runEditor'> = {}): EditedText {
	const dir = mkdtempSync(join(tmpdir(), 'fanout-edit-'));
	const file = join(dir, name);
	try {
		writeFileSync(file, `${text}\n`);
		const ran = (options.runEditor ?? runEditorSync)(options.editor ?? editorCommand(options.env), file);
		if (!ran.ok) return ran;
		return {ok: true, text: readFileSync(file, 'utf8').replace(/\s+$/, '')};
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
}

/**
 * Opens the plan in the editor and reads it back. Synchronous: the caller hands the terminal
 * over first (the TUI stops reading keys and drawing) and takes it back after.
 */
export function editPlan(plan: Plan, options: EditPlanOptions): EditResult {
	const file = join(options.runDir, `plan.r${options.revision}.edit.yaml`);
	const command = options.editor ?? editorCommand(options.env);
	const run = options.runEditor ?? runEditorSync;
	const rounds = Math.max(1, options.maxRounds ?? 5);
	let body = planToYaml(plan);
	let problems: string[] = [];
	for (let round = 0; round < rounds; round++) {
		const header = editHeader(options.conflict, problems);
		const written = `${header.join('\n')}\n${body}`;
		try {
			writeFileSync(file, written);
		} catch (error) {
			return {ok: false, reason: `could not write ${file}: ${(error as Error).message}`, gaveUp: false, file};
		}
		const ran = run(command, file);
		if (!ran.ok) return {ok: false, reason: ran.reason, gaveUp: false, file};
		let text: string;
		try {
			text = readFileSync(file, 'utf8');
		} catch (error) {
			return {ok: false, reason: `could not read ${file} back: ${(error as Error).message}`, gaveUp: false, file};
		}
		if (text === written) return {ok: false, reason: 'the plan was left unchanged', gaveUp: true, file};
		const edited = stripHeader(text);
		if (edited.trim() === '') return {ok: false, reason: 'the plan was emptied', gaveUp: true, file};
		const parsed = parsePlanText(edited, file);
		if (parsed.ok) return {ok: true, plan: parsed.plan, file};
		body = edited;
		// Line numbers point into the file as it will be shown, below the next header: the base
		// lines, one saying what follows, and one per problem.
		const shown = parsed.errors.slice(0, MAX_PROBLEMS);
		problems = describeFindings(shown, editHeader(options.conflict).length + 1 + shown.length);
	}
	return {ok: false, reason: `the plan still could not be read after ${rounds} edits`, gaveUp: false, file};
}
