// Resume: find the run to continue, stop what the interrupted fanout left running, and rebuild
// the run from its journal (tasks that passed, agent sessions, revisions, open conflicts).

import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {foldJournal} from '../machine/journal-events.js';
import type {JournalEntry} from '../machine/journal-events.js';
import type {TaskRun} from '../machine/types.js';
import {parsePlanText} from '../plan/load.js';
import {validatePlan} from '../plan/validate.js';
import {planToYaml} from '../plan/yaml.js';
import {groupHasEnv, isGroupAlive, killGroup} from '../runner/groups.js';
import {listRuns, openGroups, readEvents, runsDir} from '../runner/journal.js';
import type {RunListing} from '../runner/journal.js';
import type {Prepared, ResumeState} from './session.js';

/**
 * The run `resume` picks by default: the newest one that never finished (killed), or that ended
 * on a conflict left open or on a signal: those are the ones with something left to do.
 */
export function latestResumableRun(workspace: string): RunListing | undefined {
	const resumable = new Set(['conflict', 'interrupted']);
	const candidates = listRuns(workspace).filter(run => run.status === 'unfinished' || resumable.has(run.outcome ?? ''));
	return candidates.at(-1);
}

/** The run folder of `runId`, if it holds a journal. */
export function findRun(workspace: string, runId: string): string | undefined {
	const runDir = join(runsDir(workspace), runId);
	return existsSync(join(runDir, 'events.jsonl')) ? runDir : undefined;
}

/**
 * Whatever the interrupted fanout left running dies first: nothing may write under us. After a
 * reboot a group number may belong to someone else: only groups carrying this run's
 * FANOUT_RUN_DIR are ours to kill. Resolves with how many groups were stopped.
 */
export async function stopLeftovers(runDir: string, graceMs: number): Promise<number> {
	const leftovers = openGroups(readEvents(runDir)).filter(g => isGroupAlive(g.pgid) && groupHasEnv(g.pgid, 'FANOUT_RUN_DIR', runDir));
	await Promise.all(leftovers.map(g => killGroup(g.pgid, {graceMs})));
	return leftovers.length;
}

/** A run rebuilt from its journal, or why it cannot (or need not) be resumed. */
export type Rebuilt =
	| {readonly ok: true; readonly prepared: Prepared; readonly resumed: ResumeState}
	| {readonly ok: false; readonly message: string; readonly exitCode: number};

/** Rebuilds run `runId` (in `runDir`) from its journal. */
export function rebuildRun(runId: string, runDir: string): Rebuilt {
	const events = readEvents(runDir) as unknown as JournalEntry[];
	const state = foldJournal(events);
	const started = events.find((e): e is JournalEntry & {type: 'run.started'} => e.type === 'run.started');
	if (!started) return {ok: false, message: `the journal of run ${runId} has no start; it cannot be resumed.`, exitCode: 2};
	if (state.finished && state.finished.outcome === 'passed') return {ok: false, message: `run ${runId} already finished and passed; nothing to resume.`, exitCode: 0};
	const plan = state.plan ?? started.plan;
	const {source} = parsePlanText(planToYaml(plan), join(runDir, 'plan.yaml'));
	const report = validatePlan(plan, source, {workspace: started.workspace});
	const restored: Record<string, TaskRun> = {};
	const sessions: Record<string, string> = {};
	for (const [id, run] of Object.entries(state.tasks)) {
		if (run.status === 'passed') restored[id] = run;
		if (run.sessionId && run.status !== 'passed') sessions[id] = run.sessionId;
	}
	// A run that stopped at a conflict asks again: its task waits for a decision (the prompt, or
	// --on-conflict headless) instead of running again as if nothing had happened. Their tasks'
	// partial work (files changed, attempts, money spent) is listed in the prompt again.
	const openConflicts = state.openConflicts;
	for (const c of openConflicts) {
		for (const id of c.taskId === undefined ? c.suspects : [c.taskId]) {
			const run = state.tasks[id];
			if (run && run.status !== 'passed' && run.phaseIndex === state.phaseIndex) restored[id] = run;
		}
	}
	return {
		ok: true,
		prepared: {plan, source, planFile: started.planFile, workspace: started.workspace, report},
		resumed: {restored, startPhase: state.phaseIndex, sessions, revisions: state.revisions, nextConflictId: state.nextConflictId, openConflicts},
	};
}
