// The headless driver: answers the machine's questions by policy (--yes, --keep-going,
// --on-conflict), prints task output with banners (or the journal as JSON lines), and ends with
// the summary and the exit code.

import {stateOf} from '../machine/state.js';
import {exitCodeOf, skippedCount, verdictOf, verdictWords} from '../machine/exit-code.js';
import {parallelSpeedup} from '../machine/selectors.js';
import type {Conflict, OrchestratorContext} from '../machine/types.js';
import type {Driver} from '../engine/session.js';
import {createHeadlessSink, createJsonLinesSink} from '../runner/headless-sink.js';
import {logPathFor} from '../runner/journal.js';
import type {Plan} from '../plan/types.js';
import {bannerFor} from './banners.js';
import {headlessAnswer} from './policy.js';
import type {HeadlessPolicy} from './policy.js';
import {formatSummary} from './summary.js';

/** Where the driver writes, and how. */
export type HeadlessOutput = {
	readonly stdout: (text: string) => void;
	readonly stderr: (text: string) => void;
	readonly color: boolean;
};

export type HeadlessOptions = {
	readonly policy: HeadlessPolicy;
	/** Print the journal as JSON lines instead of output, banners and the summary. */
	readonly json: boolean;
	/** With json: every task output line too, as a `task.output` event (`--output-lines`). */
	readonly outputLines?: boolean;
	readonly runDir: string;
};

/** The driver for a headless run of `plan`. */
export function headlessDriver(plan: Plan, options: HeadlessOptions, out: HeadlessOutput): Driver {
	const sink = options.json ? undefined : createHeadlessSink(process.stdout, {color: out.color, keys: plan.phases.flatMap(p => p.tasks.map(t => t.id))});
	const jsonLines = options.json && options.outputLines ? createJsonLinesSink(process.stdout) : undefined;
	return {
		...(sink ? {sink} : jsonLines ? {sink: jsonLines} : {}),
		onJournal: (entry, current) => {
			if (options.json) out.stdout(`${JSON.stringify(entry)}\n`);
			else if (sink) {
				const banner = bannerFor(entry, current);
				if (banner !== undefined) sink.banner(banner);
			}
		},
		async drive(engine) {
			const memory = {answered: new Set<number>()};
			let lastState = '';
			let lastConflict: number | undefined;
			engine.actor.subscribe(snapshot => {
				const state = stateOf(snapshot);
				const conflictId = snapshot.context.conflicts[0]?.id;
				if (state === lastState && (state !== 'conflict' || conflictId === lastConflict) && !snapshot.context.refusal) return;
				lastState = state;
				lastConflict = conflictId;
				const answer = headlessAnswer(state, snapshot.context, options.policy, memory);
				if (answer) queueMicrotask(() => engine.actor.send(answer));
			});
			await engine.start();
			await engine.finished;
			const snapshot = engine.actor.getSnapshot();
			// A fault stopped the run (the disk, a bug): its code, not the interruption's.
			const code = engine.faults?.exitCode() ?? exitCodeOf(snapshot) ?? 1;
			const context = engine.finalContext();
			if (!options.json) {
				const line = outcomeLine(context, code);
				const {runDir} = options;
				out.stdout(
					formatSummary(context, line, {color: out.color, runDir, workspace: context.workspace, logPathOf: key => logPathFor(runDir, key), changesOf: id => engine.taskChanges(id)?.files}),
				);
			}
			const conflict = context.outcome === 'conflict' ? context.conflicts[0] : undefined;
			if (conflict && conflict.taskId === undefined && conflict.suspects.length > 1) {
				out.stderr(ambiguousMessage(conflict));
			} else if (conflict?.how === 'workspace') {
				out.stderr(
					`fanout: stopped on a conflict: ${conflict.paths?.join(', ') ?? conflict.path} changed in the workspace while ${conflict.taskId ?? '?'} worked on it in its worktree; nothing was overwritten, and ${conflict.taskId ?? 'its'} version waits in its worktree. Decide in the TUI (grant applies it over yours), or run again.\n`,
				);
			} else if (conflict) {
				const who = conflict.taskId ?? conflict.suspects.join(' or ');
				out.stderr(
					`fanout: stopped on a conflict: ${who} needs ${conflict.path}, which it does not own${conflict.owner ? ` (owned by ${conflict.owner})` : ''}. To fix it, give ${conflict.path} to ${who} in the plan, or run again with --on-conflict defer (a revision moving ${who} to a new phase after this one, owning ${conflict.path}).\n`,
				);
			}
			return code;
		},
	};
}

/** Why a headless run stopped on a change it cannot attribute: the suspects and what each was doing. */
export function ambiguousMessage(conflict: Conflict): string {
	const evidence = conflict.evidence ?? conflict.suspects.map(taskId => ({taskId, state: 'running' as const}));
	const lines = evidence.map(e =>
		e.state === 'running' ? `  ${e.taskId}: running` : `  ${e.taskId}: ended ${((e.endedAgoMs ?? 0) / 1000).toFixed(1)}s before${e.outcome ? ` (${e.outcome})` : ''}`,
	);
	return [
		`fanout: stopped on a conflict: ${conflict.path} was changed${conflict.owner ? ` (owned by ${conflict.owner})` : ''}, and fanout cannot tell which task did it. Suspects:`,
		...lines,
		'fanout does not guess. Run the tasks with isolation: worktree (each in its own git worktree: the culprit is then exact), or decide in the TUI.',
		'',
	].join('\n');
}

/** The summary's first line: plan, outcome, time, exit code and the parallel speedup. */
function outcomeLine(ctx: OrchestratorContext, code: number): string {
	const seconds = (((ctx.endedAt ?? Date.now()) - ctx.startedAt) / 1000).toFixed(1);
	const speedup = parallelSpeedup(ctx);
	return `fanout · ${ctx.plan.name} · ${verdictWords(verdictOf(ctx), skippedCount(ctx.tasks))} in ${seconds}s · exit ${code}${speedup === undefined ? '' : ` · ${speedup.toFixed(1)}x faster in parallel`}`;
}
