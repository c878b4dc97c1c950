// `--write-back` and the summary's `w`: a run's revised plan goes back into the user's plan file
// as an edit of that file (see plan/plan-document.ts), never a rewrite from the model. The file
// as it was is kept in the run folder first, so the write-back can be undone by copying it back.

import {readFileSync} from 'node:fs';
import {extname, join} from 'node:path';
import {applyPlanChanges} from '../plan/plan-document.js';
import {parsePlanText} from '../plan/load.js';
import type {Plan} from '../plan/types.js';
import {writeFileSafely} from './safe-write.js';

/** What a write-back did. */
export type WriteBackResult = {
	/** The plan file was changed (false: the revisions left nothing to write). */
	readonly changed: boolean;
	/** Where the file as it was is kept, when it was changed. */
	readonly backup?: string;
};

/** The copy of the plan file kept in the run folder: `plan.before-write-back.yaml` (or .json). */
export function backupPath(runDir: string, planFile: string): string {
	const ext = extname(planFile).toLowerCase() === '.json' ? '.json' : '.yaml';
	return join(runDir, `plan.before-write-back${ext}`);
}

/**
 * Writes `revised` back into `planFile`. The run's first plan (`<runDir>/plan.yaml`) tells what
 * the revisions changed; only that is edited in the file. Throws an Error with a plain message
 * (the file and the reason) when it cannot; the plan file is then as it was.
 */
export function writePlanBack(planFile: string, revised: Plan, runDir: string): WriteBackResult {
	let text: string;
	try {
		text = readFileSync(planFile, 'utf8');
	} catch (error) {
		throw new Error(`cannot read ${planFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {cause: error});
	}
	let firstText: string;
	try {
		firstText = readFileSync(join(runDir, 'plan.yaml'), 'utf8');
	} catch (error) {
		throw new Error(`cannot read the run's first plan in ${runDir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {cause: error});
	}
	const first = parsePlanText(firstText, join(runDir, 'plan.yaml'));
	if (!first.ok) throw new Error(`cannot read the run's first plan in ${runDir}: ${first.errors[0]?.message ?? 'unknown error'}`);
	const edit = applyPlanChanges(text, planFile, first.plan, revised);
	if (!edit.ok) throw new Error(edit.reason);
	if (!edit.changed) return {changed: false};
	const backup = backupPath(runDir, planFile);
	writeFileSafely(backup, text);
	writeFileSafely(planFile, edit.text);
	return {changed: true, backup};
}

/** writePlanBack for `--write-back`: the line to print, saying what was written or why not. */
export function writeBackReport(planFile: string, revised: Plan, runDir: string, revision: number): string {
	try {
		const result = writePlanBack(planFile, revised, runDir);
		if (!result.changed) return `fanout: plan revision ${revision} changes nothing in ${planFile}\n`;
		return `fanout: wrote plan revision ${revision} back to ${planFile} (the old file is kept as ${result.backup})\n`;
	} catch (error) {
		return `fanout: could not write the plan back: ${(error as Error).message}\n`;
	}
}
